"""The assistance plugin's speed measures: what two main pages (held to 10 statements and 0.3 times the bare
page's speed at 100,000 records) read from this plugin. Everything else the plugin reads is written as plain ORM
code next to its rule.

- :func:`search_statement`: grant requests by their beneficiary's name words, read newest first (the global
  search: ``defender_id + 0`` makes each database read the requests newest first instead of sorting the requests
  of the thousands of defenders a common name matches).
- :func:`widgets_statement`: the requests waiting for the member's vote, the reports overdue and the votes the
  chair must settle, in one statement (the dashboard: 10 statements with it, 11 without); each way before the committee is read from its
  own index and merged (:func:`waiting_statement`: an ``OR`` would read them all).
- :func:`request_page_statement` and :func:`earlier_requests_statement`: a request's page (issue 29: its pages
  too at 0.3 times the bare page and 10 statements), its request with its loaders, and the beneficiary's other
  requests as rows, each statement built once per process (``session.get`` and a select with loader options
  build theirs, and their cache keys, on every call).
- :func:`deadlines_statement`: the reports due between two dates (the dashboard's five upcoming dates).

The dashboard's two are built once per process for each kind of viewer (``Viewer``: the user's id and the dates
are bind parameters), as the committee's rule allows (``committee``).
"""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Date, Integer, Select, String, bindparam, cast, literal, null, select, union, union_all
from sqlalchemy.orm import aliased, joinedload, selectinload

from core.api import Defender, Term, UTCDateTime, Viewer, built_once, prefix_matches_to_bind, read_rows, viewer

from . import services
from .models import Conflict, Decision, GrantRequest, Question, Vote

WIDGET_ROWS = 5


def search_rows(user: Any, words: dict[str, str], limit: int) -> list[Any]:
    """The global search's requests for ``user``: the ``limit`` newest whose beneficiary holds ``words``
    (``prefix_params``)."""
    return read_rows(search_statement(viewer(user), services.sees_submitted(user), len(words) // 2),
                     {**words, "limit": limit, "viewer_id": user.id}).all()


@built_once
def search_statement(user: Viewer, committee: bool, words: int) -> Select:
    """Read the requests newest first and keep those whose beneficiary matches (``defender_id + 0`` keeps the
    planner from starting at the matching defenders, who may be thousands for a common name, each with their
    requests to be sorted): there are far fewer requests than defenders, and the first ``limit`` matches end the
    scan. On SQLite at 100,000 records, 0.6 ms for a common name ("kaya", 3,754 holders) instead of 3.3 ms, and
    0.6 ms instead of 0.1 for a rare one. Built once per kind of viewer, ``committee`` switch and number of
    words."""
    beneficiary = GrantRequest.defender_id + 0
    return select(GrantRequest.id, GrantRequest.confidentiality, GrantRequest.status, Defender.name) \
        .join(Defender, Defender.id == GrantRequest.defender_id) \
        .where(services.visible_requests(user, committee),
               *(beneficiary.in_(ids) for ids in prefix_matches_to_bind(Defender, words))) \
        .order_by(GrantRequest.id.desc()).limit(bindparam("limit"))


def widget_rows(votes: bool, reports: bool, chair: bool, user: Any, today: date, quorum: int) -> list[Any]:
    """The rows of :func:`widgets_statement` for ``user``."""
    return read_rows(widgets_statement(votes, reports, chair, viewer(user), services.sees_submitted(user)), {
        "viewer_id": user.id, "member": user.id, "today": today, "quorum": quorum, "limit": WIDGET_ROWS}).all()


@built_once
def widgets_statement(votes: bool, reports: bool, chair: bool, user: Viewer, committee: bool) -> Any:
    """The dashboard's lists, as ``(part, id, urgency, submitted_at, report_due_on, vote_deadline, conflicted,
    members)`` rows: with ``votes``, the first requests waiting for the vote of the member (the bind parameter
    ``member``), oldest first (part ``vote``); with ``reports``, the first reports overdue on requests the viewer
    may see (part ``report``); with ``chair``, the first votes too few may vote on or past their deadline (part
    ``chair``, :func:`services.stuck_statement`). Built once per combination of them, kind of viewer and
    ``committee`` (:func:`services.sees_submitted`): building it took 0.9 ms of the dashboard's 12."""
    nothing = (cast(null(), Date).label("vote_deadline"), cast(null(), Integer).label("conflicted"),
               cast(null(), Integer).label("members"))
    parts = []
    if votes:
        waiting = waiting_statement().subquery()
        parts.append(select(literal("vote").label("part"), waiting.c.id, waiting.c.urgency,
                            waiting.c.submitted_at, cast(null(), Date).label("report_due_on"), *nothing))
    if reports:
        overdue = overdue_statement(user, committee).subquery()
        parts.append(select(literal("report").label("part"), overdue.c.id,
                            cast(null(), String).label("urgency"), cast(null(), UTCDateTime).label("submitted_at"),
                            overdue.c.report_due_on, *nothing))
    if chair:
        stuck = services.stuck_statement().subquery()
        parts.append(select(literal("chair").label("part"), stuck.c.id, stuck.c.urgency, stuck.c.submitted_at,
                            cast(null(), Date).label("report_due_on"), stuck.c.vote_deadline, stuck.c.conflicted,
                            stuck.c.members))
    return union_all(*parts) if len(parts) > 1 else parts[0]


def waiting_statement() -> Select:
    """Each way before the committee read in order from its own index, then merged (an ``OR`` would read
    them all)."""
    undecided = services.undecided_by(bindparam("member"))
    firsts = [select(GrantRequest.id, GrantRequest.urgency, GrantRequest.submitted_at)
              .where(condition, *undecided).order_by(GrantRequest.submitted_at, GrantRequest.id).limit(WIDGET_ROWS)
              .subquery() for condition in services.BEFORE_THE_COMMITTEE]
    both = union(*(select(first) for first in firsts)).subquery()
    return select(both).order_by(both.c.submitted_at, both.c.id).limit(WIDGET_ROWS)


def overdue_statement(user: Any, committee: bool | None = None) -> Select:
    return select(GrantRequest.id, GrantRequest.report_due_on).where(
        services.visible_requests(user, committee), services.report_overdue(bindparam("today", type_=Date))) \
        .order_by(GrantRequest.report_due_on, GrantRequest.id).limit(WIDGET_ROWS)


@built_once
def request_page_statement() -> Select:
    """The request ``request_id`` with what its page shows (see ``request_page.load_request``)."""
    return select(GrantRequest).where(GrantRequest.id == bindparam("request_id")).options(
        joinedload(GrantRequest.defender).joinedload(Defender.country),
        joinedload(GrantRequest.partner), joinedload(GrantRequest.grant_type),
        joinedload(GrantRequest.created_by).lazyload("*"), joinedload(GrantRequest.budget_lines),
        joinedload(GrantRequest.fundings), joinedload(GrantRequest.payments),
        joinedload(GrantRequest.decisions).joinedload(Decision.decided_by).lazyload("*"),
        selectinload(GrantRequest.votes).joinedload(Vote.member).lazyload("*"),
        selectinload(GrantRequest.conflicts).joinedload(Conflict.member).lazyload("*"),
        selectinload(GrantRequest.questions).joinedload(Question.asked_by).lazyload("*"))


@built_once
def earlier_requests_statement(other: bool) -> Select:
    """Rows ``(id, status, grant_type)`` of the approved or open requests of the beneficiary ``defender_id``, the
    20 latest; with ``other``, all but the request ``request_id`` (the one being written or shown)."""
    grant_type = aliased(Term, name="grant_type")
    query = select(GrantRequest.id, GrantRequest.status, grant_type).outerjoin(
        grant_type, grant_type.id == GrantRequest.grant_type_id).where(
        GrantRequest.defender_id == bindparam("defender_id"),
        GrantRequest.status.in_((GrantRequest.APPROVED, GrantRequest.CLOSED, *GrantRequest.OPEN))) \
        .order_by(GrantRequest.id.desc()).limit(20)
    return query.where(GrantRequest.id != bindparam("request_id")) if other else query
def deadline_rows(user: Any, start: date, end: date, limit: int | None) -> list[Any]:
    """The rows of :func:`deadlines_statement` for ``user``: the ``limit`` earliest, or all."""
    return read_rows(deadlines_statement(viewer(user), services.sees_submitted(user), limit is not None), {
        "viewer_id": user.id, "start": start, "end": end, "limit": limit}).all()


@built_once
def deadlines_statement(user: Viewer, committee: bool, limited: bool) -> Select:
    """Approved requests whose report is due (not yet received) between the bind parameters ``start`` and
    ``end``, earliest first, as ``(id, report_due_on, confidentiality)`` rows (the first ``limit`` when
    ``limited``). Built once per kind of viewer (the dashboard's five upcoming dates)."""
    statement = select(GrantRequest.id, GrantRequest.report_due_on, GrantRequest.confidentiality).where(
        services.visible_requests(user, committee), GrantRequest.status == GrantRequest.APPROVED,
        GrantRequest.report_received_on.is_(None),
        GrantRequest.report_due_on.between(bindparam("start", type_=Date), bindparam("end", type_=Date))) \
        .order_by(GrantRequest.report_due_on, GrantRequest.id)
    return statement.limit(bindparam("limit")) if limited else statement
