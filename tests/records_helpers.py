"""Small builders for core records, used by several test modules."""
from __future__ import annotations

from sqlalchemy import select

from core.disclosure import addresses, phones
from core.extensions import db
from core.records.matching import name_key, search_text
from core.records.models import Country, Defender
from core.records.tokens import index_tokens
from core.records.visibility import set_assignees


def add_defender(app, name: str, *, country: str = "TUR", confidentiality: str = "internal",
                 assignees: tuple[int, ...] = (), **fields) -> int:
    with app.app_context():
        defender = Defender(name=name, name_key=name_key(name), search_text=search_text(name, fields.get("aliases", "")),
                            country=db.session.scalar(select(Country).where(Country.alpha3 == country)),
                            confidentiality=confidentiality, publication_name=fields.pop("publication_name", "X. Y."),
                            **fields)
        db.session.add(defender)
        db.session.flush()
        index_tokens(defender)
        phones.index(defender)
        addresses.index(defender)
        set_assignees(defender, set(assignees))
        db.session.commit()
        return defender.id


def add_partner(app, name: str, *, country: str = "KEN", confidentiality: str = "internal",
                assignees: tuple[int, ...] = (), **fields) -> int:
    from core.records.models import Partner

    with app.app_context():
        partner = Partner(name=name, name_key=name_key(name),
                          search_text=search_text(name, f"{fields.get('aliases', '')} {fields.get('acronym', '')}"),
                          country=db.session.scalar(select(Country).where(Country.alpha3 == country)),
                          confidentiality=confidentiality, **fields)
        db.session.add(partner)
        db.session.flush()
        index_tokens(partner)
        phones.index(partner)
        set_assignees(partner, set(assignees))
        db.session.commit()
        return partner.id
