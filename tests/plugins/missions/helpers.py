"""Building missions for the missions tests, through the plugin's own services."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from core.database.models import User
from core.extensions import db
from core.records.models import Country, Term
from plugins.missions import services
from plugins.missions.models import Mission


def type_id(key: str = "trial_observation") -> int:
    return db.session.scalar(select(Term.id).where(Term.vocabulary == services.MISSION_TYPES, Term.key == key))


def add_mission(app, author: User, *, title: str = "Trial observation in Izmir", kind: str = "trial_observation",
                countries: tuple[str, ...] = ("TUR",), confidentiality: str = "internal", start: date | None = None,
                end: date | None = None, assignees: tuple[int, ...] = (), status: str | None = None,
                **fields) -> int:
    with app.test_request_context():  # notifications carry the mission's address
        author = db.session.get(User, author.id)
        data = {"title": title, "type_id": type_id(kind), "confidentiality": confidentiality, "start_date": start,
                "end_date": end, "objectives": "Observe the hearings.", **fields}
        country_ids = list(db.session.scalars(select(Country.id).where(Country.alpha3.in_(countries))))
        mission = services.save_mission(Mission(), data, country_ids, set(assignees), author)
        if status:
            mission.status = status
            db.session.commit()
        return mission.id
