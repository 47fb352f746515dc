"""The advocacy plugin's speed measures: what the dashboard (a main page, held to 10 statements at 100,000
records) reads from this plugin in one statement each where plain queries would take two. Everything else the
plugin reads is written as plain ORM code next to its rule.

- :func:`widget_statement`: the mechanisms' coming sessions, the replies overdue and the replies due on the user's
  own actions, as one ``UNION ALL``
  (the dashboard runs every plugin's widget and deadlines: 10 statements with them, 12 without).
- :func:`deadlines_statement`: the mechanisms' sessions and deadlines and the replies expected between two dates,
  as one ``UNION ALL`` (the dashboard's five earliest upcoming dates, the upcoming page and calendar feeds).
- :func:`outcome_counts_statement`, :func:`latest_outcomes_statement` and :func:`sessions_statement`: a
  mechanism's and a country's pages (issue 29: these pages too at 0.3 times the bare page and 10 statements),
  their counts (the actions matching, those sent and their results, the list's total among them) as one
  ``UNION ALL``, the latest result of each action of a page (its ids as one parameter) and a mechanism's coming
  and latest past sessions, these two built once per process.

The dashboard's two are built once per process for each kind of viewer (``Viewer``: the user's id and the dates
are bind parameters): building them took 1.4 ms of the dashboard's 12 at 100,000 records, running them 0.6 ms.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import CompoundSelect, Date, Select, bindparam, cast, func, literal, null, or_, select, union_all

from core.api import PUBLIC, Assignment, Viewer, among_ids, built_once, read_rows, viewer, visible

from .models import AdvocacyAction, Answer, Mechanism, MechanismSession

# How the dashboard and the calendar name a mechanism: its abbreviation, else its English name.
BODY = func.coalesce(func.nullif(Mechanism.abbreviation, ""), Mechanism.name_en).label("abbreviation")


def widget_rows(user: Any, today: date, horizon: date, rows: int, replies_until: date) -> list[Any]:
    """The rows of :func:`widget_statement` for ``user``."""
    return read_rows(widget_statement(viewer(user), rows), {"viewer_id": user.id, "today": today,
                                                            "horizon": horizon, "replies_until": replies_until}).all()


@built_once
def widget_statement(user: Viewer, rows: int) -> Select:
    """Rows ``(part, kind, title, day, until, mechanism_id, abbreviation, action_id)``, ``part`` being "date"
    (a session or deadline between the bind parameters ``today`` and ``horizon``; ``action_id`` 0), "overdue" (a
    reply; ``until`` NULL, typed as a date for PostgreSQL) or "mine" (a reply due by ``replies_until`` on an
    action the viewer wrote or is assigned to, for their *Waiting for me*), at most ``rows`` of each. Built once
    per kind of viewer (the dashboard's 1 ms)."""
    today, horizon = bindparam("today", type_=Date), bindparam("horizon", type_=Date)
    replies_until = bindparam("replies_until", type_=Date)
    dates = select(literal("date").label("part"), MechanismSession.kind, MechanismSession.title,
                   MechanismSession.starts_on.label("day"), MechanismSession.ends_on.label("until"),
                   Mechanism.id.label("mechanism_id"), BODY, literal(0).label("action_id")) \
        .join(Mechanism).where(MechanismSession.starts_on <= horizon,
                               func.coalesce(MechanismSession.ends_on, MechanismSession.starts_on) >= today) \
        .order_by(MechanismSession.starts_on, MechanismSession.id).limit(rows)
    overdue = select(literal("overdue").label("part"), literal("").label("kind"), AdvocacyAction.title,
                     AdvocacyAction.reply_expected_by.label("day"), cast(null(), Date).label("until"),
                     Mechanism.id.label("mechanism_id"), BODY, AdvocacyAction.id.label("action_id")) \
        .join(Mechanism, Mechanism.id == AdvocacyAction.mechanism_id) \
        .where(visible(AdvocacyAction, user), AdvocacyAction.reply_expected_by < today) \
        .order_by(AdvocacyAction.reply_expected_by, AdvocacyAction.id).limit(rows)
    mine = select(literal("mine").label("part"), literal("").label("kind"), AdvocacyAction.title,
                  AdvocacyAction.reply_expected_by.label("day"), cast(null(), Date).label("until"),
                  Mechanism.id.label("mechanism_id"), BODY, AdvocacyAction.id.label("action_id")) \
        .join(Mechanism, Mechanism.id == AdvocacyAction.mechanism_id) \
        .where(visible(AdvocacyAction, user), AdvocacyAction.reply_expected_by <= replies_until,
               or_(AdvocacyAction.created_by_id == user.id, AdvocacyAction.id.in_(select(Assignment.record_id).where(
                   Assignment.user_id == user.id, Assignment.record_type == AdvocacyAction.__record_type__)))) \
        .order_by(AdvocacyAction.reply_expected_by, AdvocacyAction.id).limit(rows)
    both = union_all(select(dates.subquery()), select(overdue.subquery()), select(mine.subquery())).subquery()
    return select(both).order_by(both.c.part, both.c.day)


def deadline_rows(user: Any, start: date, end: date) -> list[Any]:
    """The rows of :func:`deadlines_statement` for ``user``, from ``start`` to ``end``."""
    return read_rows(deadlines_statement(viewer(user)), {"viewer_id": user.id, "start": start, "end": end}).all()


@built_once
def deadlines_statement(user: Viewer) -> CompoundSelect:
    """Rows ``(kind, title, day, until, id, abbreviation, confidentiality)`` between the bind parameters ``start``
    and ``end``: a session or deadline of a mechanism (``kind`` its own, public), or a reply expected (``kind``
    "reply", ``until`` NULL typed as a date). Built once per kind of viewer."""
    start, end = bindparam("start", type_=Date), bindparam("end", type_=Date)
    sessions = select(MechanismSession.kind, MechanismSession.title, MechanismSession.starts_on.label("day"),
                      MechanismSession.ends_on.label("until"), Mechanism.id, BODY,
                      literal(PUBLIC).label("confidentiality")).join(Mechanism).where(
        or_(MechanismSession.starts_on.between(start, end), MechanismSession.ends_on.between(start, end)))
    replies = select(literal("reply").label("kind"), AdvocacyAction.title, AdvocacyAction.reply_expected_by,
                     cast(null(), Date).label("until"), AdvocacyAction.id, literal("").label("abbreviation"),
                     AdvocacyAction.confidentiality).where(visible(AdvocacyAction, user),
                                                           AdvocacyAction.reply_expected_by.between(start, end))
    return union_all(sessions, replies)


@built_once
def latest_outcomes_statement(postgresql: bool) -> Select:
    """Rows ``(action_id, kind, received_on)`` of the answers that are results to the actions ``action_ids`` (one
    parameter: ``among_ids``), oldest first: the last row of an action is its latest result."""
    return select(Answer.action_id, Answer.kind, Answer.received_on).where(
        among_ids(Answer.action_id, "action_ids", postgresql), Answer.kind.in_(Answer.OUTCOMES)) \
        .order_by(Answer.received_on, Answer.id)


@built_once
def sessions_statement() -> Select:
    """The sessions of the mechanism ``mechanism_id`` not over by ``today``, and its latest ``past`` ones, by date
    (``services.sessions_of`` tells them apart)."""
    current = func.coalesce(MechanismSession.ends_on, MechanismSession.starts_on) >= bindparam("today", type_=Date)
    mine = MechanismSession.mechanism_id == bindparam("mechanism_id")
    latest_past = select(MechanismSession.id).where(mine, ~current).order_by(MechanismSession.starts_on.desc()) \
        .limit(bindparam("past"))
    return select(MechanismSession).where(mine, current | MechanismSession.id.in_(latest_past)) \
        .order_by(MechanismSession.starts_on)


def outcome_counts_statement(user: Any, condition: Any) -> CompoundSelect:
    """Rows ``(kind, number)``: how many actions ``user`` may see match ``condition`` (kind "all"), how many of
    them were sent ("sent"), and how many of those got each kind of result."""
    matching = select(AdvocacyAction.id).where(visible(AdvocacyAction, user), condition)
    actions = matching.where(AdvocacyAction.sent_on.is_not(None))
    every = select(literal("all").label("kind"), func.count().label("number")).select_from(matching.subquery())
    sent = select(literal("sent"), func.count()).select_from(actions.subquery())
    per_kind = select(Answer.kind, func.count(func.distinct(Answer.action_id))).where(
        Answer.action_id.in_(actions), Answer.kind.in_(Answer.OUTCOMES)).group_by(Answer.kind)
    return union_all(every, sent, per_kind)
