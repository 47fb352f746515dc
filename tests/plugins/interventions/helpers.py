"""Building cases and actions for the interventions tests, through the plugin's own services."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from core.database.models import User, utcnow
from core.extensions import db
from core.records.models import Country
from plugins.interventions import search, services
from plugins.interventions.models import Action, Case, Consultation

TEXT = {"title_en": "Arrest of a lawyer", "body_en": "A. K., a lawyer, was arrested on 3 May.",
        "requested_en": "Release A. K. immediately."}


def add_case(app, author: User, *, title: str = "Arrest of a lawyer", country: str = "TUR",
             defenders: tuple[int, ...] = (), confidentiality: str = "internal", verified: bool = False,
             assignees: tuple[int, ...] = (), received_at=None) -> int:
    with app.test_request_context():  # notifications carry the case's address
        author = db.session.get(User, author.id)
        data = {"title": title, "country": db.session.scalar(select(Country).where(Country.alpha3 == country)),
                "description": "Arrested at dawn.", "confidentiality": confidentiality,
                "received_at": received_at or utcnow()}
        case = services.save_case(Case(), data, list(defenders), [], [], set(assignees), author)
        if verified:
            case.consultations.append(Consultation(partner_id=_partner(app), consulted_on=date.today(),
                                                   answer="confirmed"))
            case.verification, case.verified_on = Case.VERIFIED, date.today()
            db.session.commit()
        return case.id


def _partner(app) -> int:
    from core.records.models import Partner

    from ...records_helpers import add_partner

    existing = db.session.scalar(select(Partner.id).limit(1))
    return existing or add_partner(app, "Verifying Network")


def add_action(app, case_id: int, author: User, *, kind: str = "urgent_appeal", status: str = Action.APPROVED,
               **texts) -> int:
    with app.app_context():
        action = Action(case_id=case_id, type=kind, status=status, created_by_id=author.id, **{**TEXT, **texts})
        db.session.add(action)
        db.session.flush()
        search.index_case(db.session.get(Case, case_id))  # as the action form does
        db.session.commit()
        return action.id


def publish(app, action_id: int, user: User) -> str | None:
    with app.app_context():
        action = services.publish(db.session.get(Action, action_id), db.session.get(User, user.id))
        return action.reference
