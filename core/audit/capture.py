"""Writes the audit trail: automatically for every change to an audited model, explicitly for views,
reveals and exports.

A model opts in with ``__audited__ = True`` and a ``__record_type__``; every insert, update and
delete of it in any session then adds an :class:`AuditEntry` in the same transaction, holding the
before/after of each changed field. Nothing can forget to audit, and nothing audited is saved
without its trail.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import event, inspect, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db
from .models import AuditEntry

NEW_KEY = "observatory.audit.new"
ALWAYS_EXCLUDED = {"id", "created_at", "updated_at", "name_key", "search_text"}


class AuditTampering(RuntimeError):
    """Raised when code tries to change or delete an audit row."""


def _actor() -> tuple[int | None, str, str]:
    if has_request_context():
        ip = request.remote_addr or ""
        if getattr(current_user, "is_authenticated", False):
            return current_user.id, current_user.email, ip
        return None, "", ip
    return None, "system", ""


def _plain(value: Any) -> Any:
    """A JSON-safe rendering of a field value."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, db.Model):  # a related record: its key, country code, audit label or id
        for name in ("key", "alpha3", "audit_label", "id"):
            if getattr(value, name, None) is not None:
                return getattr(value, name)
        return None
    if isinstance(value, (list, tuple, set)):
        return sorted(str(_plain(item)) for item in value)
    return value


def _is_audited(obj: Any) -> bool:
    return getattr(type(obj), "__audited__", False)


def _fields(obj: Any) -> list[str]:
    excluded = ALWAYS_EXCLUDED | set(getattr(type(obj), "__audit_exclude__", ()))
    mapper = inspect(type(obj))
    names = [column.key for column in mapper.column_attrs]
    names += [rel.key for rel in mapper.relationships if rel.uselist]
    return [name for name in names if name not in excluded]


def _snapshot(obj: Any) -> dict[str, Any]:
    return {name: _plain(getattr(obj, name)) for name in _fields(obj)}


def _diff(obj: Any) -> dict[str, list[Any]]:
    state = inspect(obj)
    changes = {}
    for name in _fields(obj):
        history = state.attrs[name].history
        if not history.has_changes():
            continue
        if getattr(state.mapper.attrs[name], "uselist", False):  # a collection (many-to-many)
            before = list(history.unchanged or ()) + list(history.deleted or ())
            after = list(history.unchanged or ()) + list(history.added or ())
        else:
            before = history.deleted[0] if history.deleted else None
            after = history.added[0] if history.added else None
        before, after = _plain(before), _plain(after)
        if before != after:
            changes[name] = [before, after]
    return changes


def _entry(action: str, obj: Any, changes: dict[str, Any]) -> AuditEntry:
    user_id, email, ip = _actor()
    return AuditEntry(
        action=action,
        record_type=type(obj).__record_type__,
        record_id=getattr(obj, "id", None),
        record_label=str(getattr(obj, "name", "") or "")[:200],
        changes=changes,
        user_id=user_id,
        user_email=email,
        ip=ip,
    )


def record(action: str, record_type: str, record_id: int | None, label: str = "",
           changes: dict[str, Any] | None = None, actor: Any = None) -> AuditEntry:
    """Add an explicit audit row (a view, reveal or export) to the current transaction.

    ``actor`` names the user when there is no logged-in request (a job acting for its requester).
    """
    user_id, email, ip = (actor.id, actor.email, "") if actor is not None else _actor()
    entry = AuditEntry(action=action, record_type=record_type, record_id=record_id, record_label=label[:200],
                       changes=changes or {}, user_id=user_id, user_email=email, ip=ip)
    db.session.add(entry)
    return entry


def record_view(record_type: str, record_id: int, label: str = "", changes: dict[str, Any] | None = None) -> None:
    """Write the audit row of a view now (it must survive whatever the page does next) without expiring what
    the request has loaded: the page goes on rendering from the same objects, with no query to reload them."""
    record(AuditEntry.VIEW, record_type, record_id, label, changes)
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


@event.listens_for(Session, "before_flush")
def _audit_changes(session: Session, flush_context: Any, instances: Any) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEntry):
            raise AuditTampering("audit rows cannot be changed or deleted")
    created = session.info.setdefault(NEW_KEY, [])
    for obj in list(session.new):
        if _is_audited(obj):
            values = {k: [None, v] for k, v in _snapshot(obj).items() if v not in (None, "", [])}
            entry = _entry(AuditEntry.CREATE, obj, values)
            session.add(entry)
            created.append((entry, obj))
    for obj in list(session.dirty):
        if _is_audited(obj) and session.is_modified(obj):
            changes = _diff(obj)
            if changes:
                session.add(_entry(AuditEntry.UPDATE, obj, changes))
    for obj in list(session.deleted):
        if _is_audited(obj):
            session.add(_entry(AuditEntry.DELETE, obj, {k: [v, None] for k, v in _snapshot(obj).items()}))


@event.listens_for(Session, "after_flush")
def _fill_new_ids(session: Session, flush_context: Any) -> None:
    """New records get their id during the flush: copy it onto their creation rows."""
    for entry, obj in session.info.pop(NEW_KEY, []):
        session.connection().execute(
            update(AuditEntry.__table__).where(AuditEntry.__table__.c.id == entry.id).values(record_id=obj.id)
        )
        set_committed_value(entry, "record_id", obj.id)


@event.listens_for(Session, "after_rollback")
def _forget_pending(session: Session) -> None:
    session.info.pop(NEW_KEY, None)
