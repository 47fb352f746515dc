"""Building grant requests for the assistance tests, through the plugin's own services."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from core.database.models import User
from core.extensions import db
from core.records.models import Term
from plugins.assistance import services
from plugins.assistance.models import GrantRequest

from ...records_helpers import add_defender


def set_budget(app, amount: str, grant_type: str | None = None) -> None:
    """This year's envelope for all grants (or one type)."""
    from core.database.models import utcnow

    with app.app_context():
        term = db.session.scalar(select(Term.id).where(Term.vocabulary == "grant_types", Term.key == grant_type)) \
            if grant_type else None
        services.set_envelope(utcnow().year, term, Decimal(amount))


def add_request(app, author: User, *, defender: int | None = None, grant_type: str = "equipment",
                urgency: str = "normal", submitted: bool = True, amount: str = "1500.00",
                assignees: tuple[int, ...] = (), budget: str | None = "100000") -> int:
    """A request (sent to the committee unless ``submitted`` is false); sets this year's overall envelope
    to ``budget`` unless it is ``None``."""
    if budget is not None:
        set_budget(app, budget)
    with app.test_request_context():
        author = db.session.get(User, author.id)
        defender = defender or add_defender(app, "Aylin Kaya", country="TUR")
        type_id = db.session.scalar(select(Term.id).where(Term.vocabulary == "grant_types", Term.key == grant_type))
        data = {"defender_id": defender, "grant_type_id": type_id, "urgency": urgency,
                "situation": "Her office was raided and the computers seized.",
                "justification": "She cannot document cases without them.", "reporting_currency": "EUR"}
        lines = [{"description": "Two laptops", "amount": Decimal(amount), "currency": "EUR", "rate": Decimal(1)}]
        grant = services.save_request(GrantRequest(), data, lines, [], set(assignees), author)
        if submitted:
            services.submit(grant, author)
        return grant.id


def committee(make_user, count: int = 3) -> list[User]:
    return [make_user("committee", email=f"member{i}@example.org", name=f"Member {i}") for i in range(count)]
