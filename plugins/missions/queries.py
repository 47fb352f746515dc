"""The missions plugin's speed measures: what the dashboard (a main page, held to 10 statements at 100,000
records) reads from this plugin in one statement each where plain queries would take two. Everything else the
plugin reads is written as plain ORM code next to its rule.

- :func:`widget_statement`: the missions in the field and the hearings of the next days, as one ``UNION ALL``
  (the dashboard runs every plugin's widget and deadlines: 10 statements with them, 12 without).
- :func:`deadlines_statement`: the missions' dates and trial hearings between two dates, as one ``UNION ALL``
  (the dashboard's five earliest upcoming dates, the upcoming page and calendar feeds).

Both are built once per process for each kind of viewer (``Viewer``: the user's id and the dates are bind
parameters): building them took 0.9 ms of the dashboard's 12 at 100,000 records, running them 0.2 ms.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import CompoundSelect, Date, Select, bindparam, cast, literal, null, or_, select, union_all

from core.api import Viewer, built_once, read_rows, viewer, visible

from .models import Hearing, Mission


def widget_rows(user: Any, today: date, horizon: date, rows: int) -> list[Any]:
    """The rows of :func:`widget_statement` for ``user``."""
    return read_rows(widget_statement(viewer(user), rows), {"viewer_id": user.id, "today": today,
                                                            "horizon": horizon}).all()


@built_once
def widget_statement(user: Viewer, rows: int) -> Select:
    """Rows ``(kind, day, id, title)``, ``kind`` being "field" or "hearing" (held between the bind parameters
    ``today`` and ``horizon``), at most ``rows`` × 8."""
    today, horizon = bindparam("today", type_=Date), bindparam("horizon", type_=Date)
    in_field = select(literal("field").label("kind"), Mission.end_date.label("day"), Mission.id, Mission.title).where(
        visible(Mission, user), Mission.status == Mission.IN_FIELD)
    hearings = select(literal("hearing").label("kind"), Hearing.held_on.label("day"), Mission.id, Mission.title) \
        .join(Mission, Mission.id == Hearing.mission_id).where(
        visible(Mission, user), Hearing.held_on >= today, Hearing.held_on <= horizon,
        Mission.status.not_in((Mission.CANCELLED, Mission.CLOSED)))
    both = union_all(in_field, hearings).subquery()
    return select(both).order_by(both.c.kind, both.c.day, both.c.id).limit(rows * 8)


def deadline_rows(user: Any, start: date, end: date) -> list[Any]:
    """The rows of :func:`deadlines_statement` for ``user``, from ``start`` to ``end``."""
    return read_rows(deadlines_statement(viewer(user)), {"viewer_id": user.id, "start": start, "end": end}).all()


@built_once
def deadlines_statement(user: Viewer) -> CompoundSelect:
    """Rows ``(kind, id, title, day, until, confidentiality)`` between the bind parameters ``start`` and ``end``,
    ``kind`` being "mission" or "hearing" (whose ``until`` is NULL, typed as a date for PostgreSQL)."""
    start, end = bindparam("start", type_=Date), bindparam("end", type_=Date)
    live = Mission.status.not_in((Mission.CANCELLED, Mission.POSTPONED))
    dates = select(literal("mission").label("kind"), Mission.id, Mission.title, Mission.start_date.label("day"),
                   Mission.end_date.label("until"), Mission.confidentiality).where(
        visible(Mission, user), live,
        or_(Mission.start_date.between(start, end), Mission.end_date.between(start, end)))
    hearings = select(literal("hearing").label("kind"), Mission.id, Mission.title, Hearing.held_on.label("day"),
                      cast(null(), Date).label("until"), Mission.confidentiality).join(
        Mission, Mission.id == Hearing.mission_id).where(visible(Mission, user), live,
                                                         Hearing.held_on.between(start, end))
    return union_all(dates, hearings)
