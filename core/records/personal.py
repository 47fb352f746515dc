"""Personal details (contacts, exact locations, family) stay masked until revealed, and a reveal is audited."""
from __future__ import annotations

from typing import Any

from ..audit.capture import record as audit
from ..audit.models import AuditEntry
from ..extensions import db

MASK = "••••••"


def personal_details(record: Any, revealed: bool) -> list[tuple[str, str]]:
    """(field, value) pairs of the record's ``PERSONAL_FIELDS``, masked unless revealed."""
    return [(field, (value if revealed else MASK) if (value := getattr(record, field)) else "")
            for field in type(record).PERSONAL_FIELDS]


def has_personal_details(record: Any) -> bool:
    return any(getattr(record, field) for field in type(record).PERSONAL_FIELDS)


def record_reveal(record: Any, reason: str) -> None:
    audit(AuditEntry.REVEAL, record.__record_type__, record.id, record.name, {"reason": reason})
    db.session.commit()
