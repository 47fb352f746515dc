"""Who may see which record: restricted records only by their assigned staff and by admins.

Every list, count, search, export and timeline goes through :func:`visible`, so a restricted record
is invisible everywhere, not only on its own page.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Iterable

from sqlalchemy import Select, bindparam, delete, literal, select, true
from sqlalchemy.sql.elements import ColumnElement

from ..database.statements import among_ids, built_once, read_rows
from ..extensions import db
from ..plugin_host.contributions import RESTRICTED
from ..web.permissions import ADMIN
from .models import Assignment


def is_admin(user: Any) -> bool:
    return ADMIN in getattr(user, "role_names", set())


#: The bind parameter naming the user in statements built once (see :func:`visible_to_viewer`).
VIEWER = "viewer_id"


def visible(model: Any, user: Any) -> ColumnElement[bool]:
    """A WHERE clause keeping the rows of ``model`` that ``user`` may see."""
    return _visible(model, user.id, is_admin(user))


@lru_cache(maxsize=4096)
def _visible(model: Any, user_id: int, admin: bool) -> ColumnElement[bool]:
    """Built once per model and user (a clause is immutable, and building this one costs more than running it)."""
    if admin:
        return true()
    # A non-correlated IN: the database lists the user's assignments once, not once per row.
    return (model.confidentiality != RESTRICTED) | model.id.in_(_assigned(model, user_id))


def visible_to_viewer(model: Any, admin: bool) -> ColumnElement[bool]:
    """:func:`visible` for a statement built once (:func:`core.database.statements.built_once`): the user is the bind
    parameter ``viewer_id``, given at execution by :func:`viewer`; ``admin`` says whether they are an admin."""
    if admin:
        return true()
    return (model.confidentiality != literal(RESTRICTED)) | model.id.in_(_assigned_to_viewer(model))


def at_level_to_viewer(model: Any, admin: bool, restricted: bool) -> ColumnElement[bool]:
    """:func:`at_level` for a statement built once: the level is the bind parameter ``level``, and
    ``restricted`` whether it is the restricted level (then only the viewer's assignments, unless an admin)."""
    condition = model.confidentiality == bindparam("level")
    if restricted and not admin:
        condition = condition & model.id.in_(_assigned_to_viewer(model))
    return condition


def _assigned_to_viewer(model: Any):
    return select(Assignment.record_id).where(Assignment.record_type == literal(model.__record_type__),
                                              Assignment.user_id == bindparam(VIEWER))


def viewer(user: Any) -> dict[str, Any]:
    """The bind parameters of :func:`visible_to_viewer`, to run a statement built with it for ``user``."""
    return {VIEWER: user.id}


def at_level(model: Any, user: Any, level: str) -> ColumnElement[bool]:
    """Rows at confidentiality ``level``; restricted ones are asked for from the user's assignments,
    so the database starts from those few rows rather than from every restricted record."""
    condition = model.confidentiality == level
    if level == RESTRICTED and not is_admin(user):
        condition = condition & model.id.in_(_assigned(model, user.id))
    return condition


def _assigned(model: Any, user_id: int):
    return select(Assignment.record_id).where(
        Assignment.record_type == model.__record_type__, Assignment.user_id == user_id)


def can_see(record: Any, user: Any) -> bool:
    if record.confidentiality != RESTRICTED or is_admin(user):
        return True
    return user.id in assignee_ids(record)


def assignee_ids(record: Any) -> set[int]:
    return set(db.session.scalars(_assignees_statement(), {"type": record.__record_type__, "id": record.id}))


@built_once
def _assignees_statement() -> Select:
    return select(Assignment.user_id).where(Assignment.record_type == bindparam("type"),
                                            Assignment.record_id == bindparam("id"))


def set_assignees(record: Any, user_ids: set[int]) -> set[int]:
    """Replace who is assigned to ``record`` (which must have an id); returns the newly assigned."""
    current = assignee_ids(record)
    if user_ids == current:
        return set()
    db.session.execute(delete(Assignment).where(
        Assignment.record_type == record.__record_type__, Assignment.record_id == record.id,
        Assignment.user_id.in_(current - user_ids)))
    db.session.add_all(Assignment(record_type=record.__record_type__, record_id=record.id, user_id=user_id)
                       for user_id in user_ids - current)
    return user_ids - current


def visible_records(records: Iterable[Any], user: Any, record_type: str | None = None) -> list[Any]:
    """The ``records`` (of one type, already loaded) that ``user`` may see, in their order: what a page lists
    of the records linked to the one it shows. Asks the database only when some of them are restricted.
    Rows (with ``id`` and ``confidentiality``) need their ``record_type``; records carry it."""
    records = list(records)
    if not records:
        return records
    record_type = record_type or records[0].__record_type__
    return visible_among({record_type: records}, user)[record_type]


def visible_among(groups: dict[str, Iterable[Any]], user: Any) -> dict[str, list[Any]]:
    """:func:`visible_records` for records of several types (``{record_type: records}``), in one statement
    for all their restricted records (a case page lists defenders and partners)."""
    groups = {record_type: list(records) for record_type, records in groups.items()}
    restricted = {record.id for records in groups.values() for record in records if record.confidentiality == RESTRICTED}
    if not restricted or is_admin(user):
        return groups
    postgresql = db.engine.dialect.name == "postgresql"
    allowed = {tuple(row) for row in read_rows(_assigned_among_statement(postgresql, tuple(sorted(groups))),
                                               {"user_id": user.id, "ids": sorted(restricted)})}
    return {record_type: [record for record in records
                          if record.confidentiality != RESTRICTED or (record_type, record.id) in allowed]
            for record_type, records in groups.items()}


@built_once
def _assigned_among_statement(postgresql: bool, record_types: tuple[str, ...]) -> Select:
    """Which of some records (``ids``, of ``record_types``) a user is assigned to, as (record type, id) pairs:
    read from the index by user, type and id (a user may be assigned to thousands)."""
    return select(Assignment.record_type, Assignment.record_id).where(
        Assignment.user_id == bindparam("user_id"), Assignment.record_type.in_(record_types),
        among_ids(Assignment.record_id, "ids", postgresql))
