"""Building advocacy actions for the advocacy tests, through the plugin's own services."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from core.database.models import User
from core.extensions import db
from core.records.models import Country
from plugins.advocacy import services
from plugins.advocacy.models import ActionDefender, AdvocacyAction, Mechanism

COMMUNICATION_DETAILS = {"perpetrators": "Police of Izmir", "source": "Confidential partner in Izmir",
                         "facts": "Arrested on 3 March in Izmir.", "national_steps": "Complaint to the prosecutor."}


def mechanism_id(key: str = "un_sr_hrd") -> int:
    return db.session.scalar(select(Mechanism.id).where(Mechanism.key == key))


def add_action(app, author: User, *, title: str = "Urgent appeal on the Izmir lawyers", kind: str = "urgent_appeal",
               mechanism: str = "un_sr_hrd", country: str | None = "TUR", confidentiality: str = "internal",
               details: dict | None = None, defenders: tuple[int, ...] = (), consent: str = "",
               sent_on: date | None = None, reply_expected_by: date | None = None, assignees: tuple[int, ...] = (),
               text: str = "Our communication.", language: str = "en") -> int:
    with app.test_request_context():  # notifications carry the action's address
        author = db.session.get(User, author.id)
        data = {"title": title, "type": kind, "mechanism_id": mechanism_id(mechanism), "language": language,
                "text": text, "confidentiality": confidentiality, "reference": "",
                "country_id": db.session.scalar(select(Country.id).where(Country.alpha3 == country))
                if country else None}
        action = services.save_action(AdvocacyAction(), data, details or {}, set(assignees), author)
        for defender_id in defenders:
            action.defender_links.append(ActionDefender(defender_id=defender_id))
            db.session.commit()
            if consent:
                services.record_consent(action, defender_id, consent, date(2026, 3, 1))
        if sent_on:
            action.sent_on, action.reply_expected_by = sent_on, reply_expected_by
            db.session.commit()
        return action.id
