"""Who may see which record: a restricted record only by its assigned staff and by admins; any other
record by everyone who may open its pages.

That rule is written once, as :func:`visible`, a WHERE clause: every list, count, search, export and timeline
asks the database for ``select(Model).where(visible(Model, user), ...)``, so a restricted record is invisible
everywhere, not only on its own page. :func:`can_see` applies the same clause to one record already loaded, and
:func:`visible_ids` to many (the defenders named on a case's page), in one query. A page opens one record with
:func:`core.records.registry.visible_record` (404 for one the user may not see, and the view of a restricted
one audited).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from sqlalchemy import Integer, Select, bindparam, delete, select, true
from sqlalchemy.sql.elements import ColumnElement

from ..database.statements import built_once
from ..extensions import db
from ..plugin_host.contributions import RESTRICTED
from ..web.permissions import ADMIN
from .models import Assignment


def is_admin(user: Any) -> bool:
    return ADMIN in getattr(user, "role_names", set())


#: The bind parameter a statement built for a :class:`Viewer` reads the viewer's id from.
VIEWER_ID = "viewer_id"


@dataclass(frozen=True)
class Viewer:
    """Who asks, in a statement built once per process (``built_once``, in a plugin's ``queries.py``) for a main
    page that misses its target when built per request: :func:`visible`, given a viewer, writes the same rule
    with the user's id as the bind parameter ``viewer_id`` (``VIEWER_ID``), and ``viewer.id`` stands for it in
    the statement's own conditions ("my actions"). The parameter has no value: running the statement without
    ``{"viewer_id": user.id}`` fails, so a statement built once never answers for someone else. Build one per
    :func:`viewer` of the user (admin or not), never for a user's roles read otherwise."""

    admin: bool

    @property
    def id(self) -> Any:
        return bindparam(VIEWER_ID, type_=Integer)

    @property
    def role_names(self) -> frozenset[str]:
        return frozenset({ADMIN}) if self.admin else frozenset()


def viewer(user: Any) -> Viewer:
    """The :class:`Viewer` to build a statement for ``user`` with; run it with ``{"viewer_id": user.id}``."""
    return Viewer(is_admin(user))


def visible(model: Any, user: Any) -> ColumnElement[bool]:
    """A WHERE clause keeping the rows of ``model`` (a record type) that ``user`` (a user, or a :class:`Viewer`)
    may see."""
    if is_admin(user):
        return true()
    # A non-correlated IN: the database lists the user's assignments once, not once per row.
    assigned = select(Assignment.record_id).where(Assignment.record_type == model.__record_type__,
                                                  Assignment.user_id == user.id)
    return (model.confidentiality != RESTRICTED) | model.id.in_(assigned)


def can_see(record: Any, user: Any) -> bool:
    """Whether ``user`` may see ``record``, a record already loaded: :func:`visible` asked of that one record.
    Only a restricted record needs the database (the rule passes every other one)."""
    if record.confidentiality != RESTRICTED or is_admin(user):
        return True
    model = type(record)
    return db.session.scalar(select(model.id).where(model.id == record.id, visible(model, user))) is not None


def visible_ids(model: Any, records: Iterable[Any], user: Any) -> set[int]:
    """The ids of ``records`` (records of ``model`` already loaded, or rows with their ``id`` and
    ``confidentiality``) that ``user`` may see: :func:`visible` asked once for all the restricted ones, and not
    at all when none is restricted."""
    records = list(records)
    seen = {record.id for record in records if record.confidentiality != RESTRICTED}
    restricted = {record.id for record in records if record.confidentiality == RESTRICTED}
    if restricted and is_admin(user):
        return seen | restricted
    if restricted:
        seen |= set(db.session.scalars(select(model.id).where(model.id.in_(restricted), visible(model, user))))
    return seen


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
