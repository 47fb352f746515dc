"""Rules about defenders, testable without HTTP: names for matching, filters, saving, masking."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from anyascii import anyascii
from sqlalchemy import Select, case, select

from ..audit.capture import record as audit
from ..audit.models import AuditEntry
from ..extensions import db
from .models import Country, Defender, Term
from .visibility import set_assignees, visible

MASK = "••••••"
RISK_ORDER = case({level: rank for rank, level in enumerate(Defender.RISK_LEVELS)}, value=Defender.risk_level)
SORTS = {
    "name": (Defender.name, Defender.id),
    "-updated": (Defender.updated_at.desc(), Defender.id.desc()),
    "-risk": (RISK_ORDER.desc(), Defender.name, Defender.id),
    "country": (Country.alpha3, Defender.name, Defender.id),
}


def _words(text: str) -> list[str]:
    return "".join(ch if ch.isalnum() else " " for ch in anyascii(text or "").lower()).split()


def name_key(name: str) -> str:
    """Accents, case, punctuation and word order removed: "Núñez, José" and "jose nunez" match."""
    return " ".join(sorted(_words(name)))[:200]


def search_text(name: str, aliases: str) -> str:
    return " ".join(_words(f"{name} {aliases}"))


@dataclass
class DefenderFilters:
    q: str = ""
    country: str = ""
    region: str = ""
    risk: str = ""
    confidentiality: str = ""
    sort: str = "name"


def defenders_query(user: Any, filters: DefenderFilters) -> Select:
    """The defenders ``user`` may see, filtered and sorted in the database."""
    query = select(Defender).outerjoin(Defender.country).where(visible(Defender, user))
    if filters.q:
        for word in _words(filters.q):
            query = query.where(Defender.search_text.contains(word, autoescape=True))
    if filters.country:
        query = query.where(Country.alpha3 == filters.country)
    if filters.region:
        query = query.where(Country.region == filters.region)
    if filters.risk:
        query = query.where(Defender.risk_level == filters.risk)
    if filters.confidentiality:
        query = query.where(Defender.confidentiality == filters.confidentiality)
    return query.order_by(*SORTS.get(filters.sort, SORTS["name"]))


def save_defender(defender: Defender, data: dict[str, Any], assignees: set[int], author: Any) -> Defender:
    """Apply validated form data; the creator stays assigned so a restricted record never vanishes for them."""
    rights = data.pop("rights", [])
    for field, value in data.items():
        setattr(defender, field, value)
    defender.name_key = name_key(defender.name)
    defender.search_text = search_text(defender.name, defender.aliases)
    defender.rights = list(db.session.scalars(select(Term).where(Term.id.in_(rights)))) if rights else []
    if defender.id is None:
        defender.created_by_id = author.id
        db.session.add(defender)
        assignees = assignees | {author.id}
    db.session.flush()
    set_assignees(defender, assignees)
    db.session.commit()
    return defender


def personal_details(defender: Defender, revealed: bool) -> list[tuple[str, str]]:
    """(field, value) pairs, masked unless revealed; empty fields say so plainly."""
    return [(field, (value if revealed else MASK) if (value := getattr(defender, field)) else "")
            for field in Defender.PERSONAL_FIELDS]


def record_reveal(defender: Defender, reason: str) -> None:
    audit(AuditEntry.REVEAL, defender.__record_type__, defender.id, defender.name, {"reason": reason})
    db.session.commit()
