"""Merging two duplicate records into one, and undoing it from the audit trail.

A merge keeps the target, gives it the source's names as aliases and any detail it lacked, moves
everything linked to the source (attachments, assignments, what plugins with rules of their own move through
``observatory_merge_records``, then every row of any table whose foreign key points at the source:
:mod:`.references`), deletes the source, and writes one ``merge`` audit row holding the complete before/after:
enough to put everything back exactly. A row that cannot be moved refuses the merge, which changes nothing.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import delete, inspect, select, update
from sqlalchemy.exc import IntegrityError

from ..attachments.models import Attachment
from ..audit.capture import record as audit
from ..audit.models import AuditEntry
from ..database.models import UTCDateTime
from ..disclosure import addresses, phones
from ..extensions import db
from ..languages.i18n import lazy_gettext as _l
from ..plugin_host import gather
from ..plugin_host.contributions import CONFIDENTIALITY_LEVELS
from . import references
from .matching import name_key, search_text
from .models import Assignment, Defender, Partner, Term
from .tokens import forget_tokens, index_tokens
from .visibility import assignee_ids

MODELS = {"defender": Defender, "partner": Partner}
NOT_FILLED = {"id", "name", "name_key", "search_text", "aliases", "created_at", "updated_at", "created_by_id",
              "confidentiality", "consent_to_publish"}
UNMERGE = "unmerge"


class MergeRefused(ValueError):
    """The merge (or its undoing) cannot go ahead; the message says why, and ``blocked`` lists the rows that
    could not be moved (:class:`.references.Blocked`). Nothing was changed."""

    def __init__(self, message: Any, blocked: list[references.Blocked] | None = None):
        super().__init__(message)
        self.blocked = blocked or []


def _columns(model: Any) -> list[Any]:
    return list(inspect(model).column_attrs)


def snapshot(record: Any) -> dict[str, Any]:
    values = {}
    for attr in _columns(type(record)):
        value = getattr(record, attr.key)
        values[attr.key] = value.isoformat() if isinstance(value, datetime) else value
    return values


def _restore(record: Any, values: dict[str, Any], only: set[str] | None = None) -> None:
    for attr in _columns(type(record)):
        if attr.key in values and (only is None or attr.key in only):
            value = values[attr.key]
            if value is not None and isinstance(attr.columns[0].type, UTCDateTime):
                value = datetime.fromisoformat(value)
            setattr(record, attr.key, value)


def _merged_aliases(target: Any, source: Any) -> str:
    seen, names = {name_key(target.name)}, []
    for alias in target.alias_list + [source.name] + source.alias_list:
        if name_key(alias) not in seen:
            seen.add(name_key(alias))
            names.append(alias)
    return "\n".join(names)


def merge(kind: str, source: Any, target: Any) -> AuditEntry:
    """Merge ``source`` into ``target`` (same kind) and commit; returns the audit row. Raises
    :class:`MergeRefused`, the session rolled back, when a linked row cannot be moved."""
    with _database_refusals():
        return _merge(kind, source, target)


def undo(entry: AuditEntry) -> Any:
    """Put back the source record and everything that moved, and commit; returns the restored record. Raises
    :class:`MergeRefused`, the session rolled back, when that cannot be done."""
    with _database_refusals():
        return _undo(entry)


@contextmanager
def _database_refusals() -> Iterator[None]:
    """The database's refusal of a change (a key the plan could not foresee, a link whose other end is gone
    since the merge) refuses the whole operation, rolled back, instead of failing the request."""
    try:
        yield
    except IntegrityError as error:
        db.session.rollback()
        raise MergeRefused(_l("the database refused to move a linked row")) from error


def _merge(kind: str, source: Any, target: Any) -> AuditEntry:
    if source.id == target.id:
        raise MergeRefused(_l("a record cannot be merged into itself"))
    before, source_values = snapshot(target), snapshot(source)
    source_rights = [term.id for term in getattr(source, "rights", [])]
    target_rights = [term.id for term in getattr(target, "rights", [])]
    source_assignees, target_assignees = assignee_ids(source), assignee_ids(target)

    attachments = list(db.session.scalars(select(Attachment.id).where(
        Attachment.record_type == kind, Attachment.record_id == source.id)))
    db.session.execute(update(Attachment).where(Attachment.id.in_(attachments)).values(record_id=target.id))
    added_assignees = sorted(source_assignees - target_assignees)
    db.session.add_all(Assignment(record_type=kind, record_id=target.id, user_id=uid) for uid in added_assignees)
    db.session.execute(delete(Assignment).where(Assignment.record_type == kind, Assignment.record_id == source.id))

    target.aliases = _merged_aliases(target, source)
    target.confidentiality = max(target.confidentiality, source.confidentiality, key=CONFIDENTIALITY_LEVELS.index)
    for attr in _columns(type(target)):
        if attr.key not in NOT_FILLED and not getattr(target, attr.key) and getattr(source, attr.key):
            setattr(target, attr.key, getattr(source, attr.key))
    target.name_key = name_key(target.name)
    target.search_text = search_text(target.name, f"{target.aliases} {getattr(target, 'acronym', '')}")
    db.session.flush()
    index_tokens(target)
    phones.index(target)
    addresses.index(target)
    moved = gather.merge_records(kind, source.id, target.id)
    try:
        # Rights are rows of a table pointing at the defender too: they move with the rest.
        moved_rows = references.move(MODELS[kind].__table__, source.id, target.id)
    except references.CannotMove as refusal:
        db.session.rollback()
        raise MergeRefused(_l("some linked rows could not be moved"), refusal.blocked) from refusal
    if isinstance(target, Defender):
        db.session.expire(target, ["rights"])
        db.session.expire(source, ["rights"])
    forget_tokens(kind, source.id)
    phones.forget(kind, source.id)
    addresses.forget(kind, source.id)
    db.session.delete(source)
    entry = audit(AuditEntry.MERGE, kind, target.id, target.name, {
        "source": source_values, "source_rights": source_rights, "source_assignees": sorted(source_assignees),
        "target_before": before, "target_after": snapshot(target), "target_rights_before": target_rights,
        "attachments": attachments, "assignments_added": added_assignees, "plugins": moved,
        "references": moved_rows,
    })
    db.session.commit()
    return entry


def _undo(entry: AuditEntry) -> Any:
    if entry.action != AuditEntry.MERGE:
        raise MergeRefused(_l("this is not a merge"))
    model, data = MODELS[entry.record_type], entry.changes
    if db.session.get(model, data["source"]["id"]) is not None:
        raise MergeRefused(_l("this merge was already undone"))
    target = db.session.get(model, entry.record_id)
    if target is None:
        raise MergeRefused(_l("the record kept by the merge no longer exists"))
    by_references = "references" in data  # merges recorded before rows were moved by their foreign keys lack it

    source = model()
    _restore(source, data["source"])
    if model is Defender and not by_references:
        source.rights = list(db.session.scalars(select(Term).where(Term.id.in_(data["source_rights"]))))
    db.session.add(source)
    current = snapshot(target)
    changed_by_merge = {key for key, value in data["target_after"].items()
                        if data["target_before"].get(key) != value and current.get(key) == value}
    _restore(target, data["target_before"], changed_by_merge - {"updated_at"})
    if model is Defender and not by_references:
        target.rights = list(db.session.scalars(select(Term).where(Term.id.in_(data["target_rights_before"]))))
    db.session.flush()

    db.session.execute(update(Attachment).where(Attachment.id.in_(data["attachments"])).values(record_id=source.id))
    db.session.execute(delete(Assignment).where(Assignment.record_type == entry.record_type,
                                                Assignment.record_id == target.id,
                                                Assignment.user_id.in_(data["assignments_added"])))
    db.session.add_all(Assignment(record_type=entry.record_type, record_id=source.id, user_id=uid)
                       for uid in data["source_assignees"])
    if by_references:
        references.restore(data["references"], source.id, target.id)
        if model is Defender:
            db.session.expire(target, ["rights"])
    else:
        hooked = gather.merge_hook_plugins()
        references.restore_legacy({plugin: tables for plugin, tables in data["plugins"].items() if plugin not in hooked},
                                  model.__table__, source.id, target.id)
    gather.merge_records(entry.record_type, target.id, source.id, only=data["plugins"])
    for record in (source, target):
        index_tokens(record)
        phones.index(record)
        addresses.index(record)
    audit(UNMERGE, entry.record_type, source.id, source.name, {"undo_of": entry.id, "target": target.id})
    db.session.commit()
    return source


def relink(model: Any, column: Any, owner: Any, table: str, source_id: int, target_id: int,
           only: dict[str, list[int]] | None) -> dict[str, list[int]]:
    """For plugins' ``observatory_merge_records``: move the rows of ``model`` whose ``column`` points at the
    source so they point at the target. An ``owner`` (a case, a mission) already linked to the target keeps
    its one link; the source's dropped link is remembered by owner id so that undoing the merge restores it.
    ``only`` (when undoing) holds what the merge returned for this table."""
    dropped_key = f"{table}_dropped"
    if only is not None:  # undoing: links back to the source
        if only.get(table):
            db.session.execute(update(model).where(model.id.in_(only[table])).values({column.key: target_id}))
        db.session.add_all(model(**{owner.key: owner_id, column.key: target_id}) for owner_id in only.get(dropped_key, []))
        return {table: only.get(table, []), dropped_key: only.get(dropped_key, [])}
    target_owners = set(db.session.scalars(select(owner).where(column == target_id)))
    rows = db.session.execute(select(model.id, owner).where(column == source_id)).all()
    moving = [row[0] for row in rows if row[1] not in target_owners]
    dropped = [row[1] for row in rows if row[1] in target_owners]
    if moving:
        db.session.execute(update(model).where(model.id.in_(moving)).values({column.key: target_id}))
    if dropped:
        db.session.execute(delete(model).where(column == source_id, owner.in_(dropped)))
    return {table: moving, dropped_key: dropped}
