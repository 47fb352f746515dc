"""The missions plugin's speed measures: what the dashboard (a main page, held to 10 statements at 100,000
records) reads from this plugin in one statement each where plain queries would take two. Everything else the
plugin reads is written as plain ORM code next to its rule.

- :func:`widget_statement`: the missions in the field and the hearings of the next days, as one ``UNION ALL``
  (the dashboard runs every plugin's widget and deadlines: 10 statements with them, 12 without).
- :func:`deadlines_statement`: the missions' dates and trial hearings between two dates, as one ``UNION ALL``
  (the dashboard's five earliest upcoming dates, the upcoming page and calendar feeds).
"""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import CompoundSelect, Date, Select, cast, literal, null, or_, select, union_all

from core.api import visible

from .models import Hearing, Mission


def widget_statement(user: Any, today: date, horizon: date, rows: int) -> Select:
    """Rows ``(kind, day, id, title)``, ``kind`` being "field" or "hearing", at most ``rows`` × 8."""
    in_field = select(literal("field").label("kind"), Mission.end_date.label("day"), Mission.id, Mission.title).where(
        visible(Mission, user), Mission.status == Mission.IN_FIELD)
    hearings = select(literal("hearing").label("kind"), Hearing.held_on.label("day"), Mission.id, Mission.title) \
        .join(Mission, Mission.id == Hearing.mission_id).where(
        visible(Mission, user), Hearing.held_on >= today, Hearing.held_on <= horizon,
        Mission.status.not_in((Mission.CANCELLED, Mission.CLOSED)))
    both = union_all(in_field, hearings).subquery()
    return select(both).order_by(both.c.kind, both.c.day, both.c.id).limit(rows * 8)


def deadlines_statement(user: Any, start: date, end: date) -> CompoundSelect:
    """Rows ``(kind, id, title, day, until, confidentiality)``, ``kind`` being "mission" or "hearing" (whose
    ``until`` is NULL, typed as a date for PostgreSQL)."""
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
