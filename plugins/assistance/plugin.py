"""Material assistance: grant requests for defenders in danger, decided by a committee. The hook
implementations below are everything the plugin gives the platform."""
from __future__ import annotations

import os
from typing import Any

from flask import current_app
from flask_babel import get_locale
from sqlalchemy import Date, Integer, Select, String, bindparam, cast, literal, null, select, union, union_all

from core.api import (
    CASE_OFFICER,
    COMMITTEE,
    COORDINATOR,
    DatedItem,
    Defender,
    FreeText,
    NavItem,
    Permission,
    RecordType,
    SearchHit,
    Term,
    TimelineEntry,
    UTCDateTime,
    Widget,
    can,
    db,
    hookimpl,
    id_url,
    prefix_matches_to_bind,
    prefix_params,
    read_rows,
    utcnow,
)
from core.api import gettext as _
from core.api import lazy_gettext as _l

from . import demo, notices, permissions, publications, services
from .blueprint import blueprint
from .models import (
    Conflict,
    Decision,
    GrantRequest,
    OtherFunding,
    Payment,
    Question,
    RequestEvent,
    RequestLine,
    Vote,
)

OBSERVATORY_API_VERSIONS = (3,)  # the versions of core.api this plugin is written for
TITLE = _l("Material assistance")
DESCRIPTION = _l("Grant requests for defenders in danger, decided by a committee.")
WIDGET_ROWS = 5
DEFAULTS = {"ASSISTANCE_QUORUM": 3, "ASSISTANCE_MAJORITY": "simple", "ASSISTANCE_EMERGENCY_HOURS": 48,
            "ASSISTANCE_INSTALMENTS_ABOVE": 5000, "ASSISTANCE_CURRENCY": "EUR",
            "ASSISTANCE_DEADLOCK_RULE": services.LOWER_QUORUM, "ASSISTANCE_QUORUM_MINIMUM": 2}


@hookimpl
def observatory_startup(app):
    """The committee's rules: configuration, else the environment (``OBSERVATORY_ASSISTANCE_QUORUM``,
    ``..._MAJORITY``, ``..._EMERGENCY_HOURS``, ``..._INSTALMENTS_ABOVE``, ``..._DEADLOCK_RULE``,
    ``..._QUORUM_MINIMUM``), else the defaults (3 votes, simple majority, 48 hours, instalments above 5,000 in
    the reporting currency; when fewer may vote than the quorum, it falls to them, down to 2)."""
    problems = []
    for key, default in DEFAULTS.items():
        value = app.config.get(key, os.environ.get(f"OBSERVATORY_{key}", default))
        if key == "ASSISTANCE_MAJORITY":
            valid = value in services.MAJORITIES
        elif key == "ASSISTANCE_DEADLOCK_RULE":
            valid = value in services.DEADLOCK_RULES
        elif key == "ASSISTANCE_CURRENCY":
            from babel.numbers import list_currencies

            valid = value in list_currencies()
        else:
            valid = str(value).isdigit() and int(value) >= 1
            value = int(value) if valid else value
        app.config[key] = value if valid else default
        if not valid:
            problems.append(f"OBSERVATORY_{key}={value!r}")
    if problems:  # reported on the admin's plugins page; the defaults apply meanwhile
        raise ValueError("invalid committee rules, defaults used: " + ", ".join(problems))


@hookimpl
def observatory_blueprints():
    return [blueprint]


@hookimpl
def observatory_permissions():
    return [
        Permission(permissions.VIEW, _l("See the grant requests one is assigned to (the committee sees all)"),
                   default_roles=(COORDINATOR, CASE_OFFICER, COMMITTEE)),
        Permission(permissions.EDIT, _l("Prepare grant requests and send them to the committee"),
                   default_roles=(COORDINATOR, CASE_OFFICER)),
        Permission(permissions.VOTE, _l("Sit on the grants committee: declare interests and vote"),
                   default_roles=(COMMITTEE,)),
        Permission(permissions.CHAIR, _l("Decide emergencies alone and revise decisions (committee chair)"),
                   default_roles=(COORDINATOR,)),
        Permission(permissions.BUDGET, _l("Set the yearly grant budgets and record payments"),
                   default_roles=(COORDINATOR,)),
    ]


@hookimpl
def observatory_notification_kinds():
    return notices.KINDS


@hookimpl
def observatory_nav_items():
    return [NavItem(_l("Assistance"), "assistance.index", permissions.VIEW, order=40)]


@hookimpl
def observatory_free_text():
    return [FreeText(GrantRequest, ("situation", "justification", "risk_assessment", "destination", "duration",
                                    "visa_and_security", "family_members", "return_plan", "status_reason")),
            FreeText(RequestLine, ("description",)), FreeText(OtherFunding, ("funder",)), FreeText(Conflict, ("note",)),
            FreeText(Vote, ("comment",)), FreeText(Question, ("question", "answer")),
            FreeText(Decision, ("conditions", "reason")), FreeText(RequestEvent, ("reason",)),
            FreeText(Payment, ("reference",))]


@hookimpl
def observatory_record_types():
    return [RecordType(GrantRequest.__record_type__, GrantRequest, _l("Grant request"), permissions.VIEW,
                       permissions.EDIT, "assistance.show", "request_id", may_see=services.may_see)]


@hookimpl
def observatory_statistics(year, region, user, locale):
    """Anonymised counts of grants approved: of the requests ``user`` may see, or (no user: the annual report)
    all of them, whose small counts the core withholds."""
    if user is not None and not can(permissions.VIEW, user):
        return []

    return publications.statistics(year, region, locale, user)


@hookimpl
def observatory_vocabularies():
    return [(services.GRANT_TYPES, _l("Grant types"))]


@hookimpl
def observatory_defender_timeline(defender_id, user):
    """The defender's grant requests and their decisions, for those who may see the requests (restricted
    entries: the core shows them only with the permission)."""
    if not can(permissions.VIEW, user):
        return []
    rows = read_rows(_timeline_statement(user),
                              {"defender_id": defender_id})
    language, entries, seen, show = str(get_locale() or "en"), [], set(), id_url("assistance.show", "request_id")
    for row in rows:
        kind = getattr(row, f"label_{language}", None) or row.label_en
        url = show(row.id)
        if row.id not in seen:
            seen.add(row.id)
            entries.append(TimelineEntry(row.created_at, "grant_request", _l(
                "Grant request #%(number)d: %(kind)s", number=row.id, kind=kind), url, row.confidentiality,
                permissions.VIEW))
        if row.decided_at is not None:
            label = _l("Grant request #%(number)d approved", number=row.id) if row.outcome == Decision.APPROVED \
                else _l("Grant request #%(number)d rejected", number=row.id)
            entries.append(TimelineEntry(row.decided_at, "grant_decision", label, url, row.confidentiality,
                                         permissions.VIEW))
    return entries


def _timeline_statement(user: Any) -> Select:
    return select(GrantRequest.id, GrantRequest.created_at, GrantRequest.confidentiality, Term.label_en,
                  Term.label_fr, Term.label_es, Decision.decided_at, Decision.outcome, Decision.kind) \
        .join(Term, Term.id == GrantRequest.grant_type_id) \
        .outerjoin(Decision, Decision.request_id == GrantRequest.id) \
        .where(GrantRequest.defender_id == bindparam("defender_id"),
               services.visible_requests(user))


@hookimpl
def observatory_deadlines(start, end, user, limit):
    """Beneficiaries' reports due (not yet received) between ``start`` and ``end``, the ``limit`` earliest or
    all, for those who may see the request; being restricted, they show in calendar feeds as bare
    "confidential" entries."""
    if not can(permissions.VIEW, user):
        return []
    rows = read_rows(_deadlines_statement(user, limit is not None),
                     {"start": start, "end": end, "limit": limit})
    show = id_url("assistance.show", "request_id")
    return [DatedItem(row.report_due_on, _l("Report due on grant request #%(number)d", number=row.id),
                      "grant_report", show(row.id), permissions.VIEW,
                      row.confidentiality, ("grant_request", row.id)) for row in rows]


@hookimpl
def observatory_search(query, user, limit):
    """Requests whose beneficiary's name matches, for those who may see them."""
    words = prefix_params(query)
    if not can(permissions.VIEW, user) or not words:
        return []
    postgresql = db.engine.dialect.name == "postgresql"
    rows = read_rows(_search_statement(user, len(words) // 2, postgresql),
                     {**words, "limit": limit})
    show, kind, title = id_url("assistance.show", "request_id"), _("Grant request"), _("Grant request #%(number)d")
    return [SearchHit(title % {"number": row.id}, show(row.id), kind, row.name, permissions.VIEW, row.confidentiality,
                      score=1.0) for row in rows]


def _search_statement(user: Any, words: int, postgresql: bool) -> Select:
    columns = (GrantRequest.id, GrantRequest.confidentiality, GrantRequest.status, Defender.name)
    visible_requests = services.visible_requests(user)
    if postgresql:
        # Read the requests newest first and keep those whose beneficiary matches (``defender_id + 0`` keeps the
        # planner from starting at the matching defenders, who may be thousands for a common name, each to be
        # sorted): there are far fewer requests than defenders, and the first ``limit`` matches end the scan.
        beneficiary = GrantRequest.defender_id + 0
        return select(*columns).join(Defender, Defender.id == GrantRequest.defender_id) \
            .where(visible_requests, *(beneficiary.in_(ids) for ids in prefix_matches_to_bind(Defender, words))) \
            .order_by(GrantRequest.id.desc()).limit(bindparam("limit"))
    # SQLite: the requests of the defenders holding the words (its planner then reads the matching name tokens
    # first and each defender's requests by index, rather than every request and its beneficiary's tokens).
    return select(*columns).join(Defender, Defender.id == GrantRequest.defender_id) \
        .where(visible_requests, *(GrantRequest.defender_id.in_(ids) for ids in prefix_matches_to_bind(Defender, words))) \
        .order_by(GrantRequest.id.desc()).limit(bindparam("limit"))


@hookimpl
def observatory_dashboard_widgets(user):
    """What waits for the user's vote, votes the chair must settle, grants whose report is overdue, the year's
    budget used."""
    widgets = []
    votes, reports, chair = permissions.is_member(user), can(permissions.EDIT, user), can(permissions.CHAIR, user)
    today = utcnow().date()
    if votes or reports or chair:  # the lists in one statement
        rows = read_rows(_widgets_statement(votes, reports, chair, user), {
            "member": user.id, "today": today, "quorum": services.rules().quorum, "limit": WIDGET_ROWS}).all()
    if chair:  # the chair and admins: votes stuck (too few may vote) or past their deadline
        stuck = services.stuck_of([row for row in rows if row.part == "chair"], today)
        if stuck:
            widgets.append(Widget(_l("Committee votes that need the chair"), "assistance/_widget_chair.html",
                                  {"stuck": stuck}, permissions.CHAIR, order=34))
    if votes:
        widgets.append(Widget(_l("Grant requests waiting for my vote"), "assistance/_widget_votes.html",
                              {"waiting": [row for row in rows if row.part == "vote"]}, permissions.VOTE, order=35))
    if reports:
        widgets.append(Widget(_l("Grant reports overdue"), "assistance/_widget_reports.html",
                              {"overdue": [row for row in rows if row.part == "report"]}, permissions.EDIT, order=36))
    if can(permissions.BUDGET, user):
        envelope, allocated = services.overall_use(utcnow().year)
        widgets.append(Widget(_l("Grant budget used"), "assistance/_widget_budget.html",
                              {"envelope": envelope, "allocated": allocated,
                               "currency": current_app.config["ASSISTANCE_CURRENCY"]}, permissions.BUDGET, order=37))
    return widgets


def _deadlines_statement(user: Any, limited: bool) -> Select:
    """Reports due, earliest first; ``limited``: only the bind parameter ``limit`` earliest."""
    statement = select(GrantRequest.id, GrantRequest.report_due_on, GrantRequest.confidentiality).where(
        services.visible_requests(user), GrantRequest.status == GrantRequest.APPROVED,
        GrantRequest.report_received_on.is_(None),
        GrantRequest.report_due_on.between(bindparam("start", type_=Date), bindparam("end", type_=Date))) \
        .order_by(GrantRequest.report_due_on, GrantRequest.id)
    return statement.limit(bindparam("limit")) if limited else statement


def _widgets_statement(votes: bool, reports: bool, chair: bool, user: Any) -> Any:
    """The dashboard's lists, as ``(part, id, urgency, submitted_at, report_due_on, vote_deadline, conflicted,
    members)`` rows: with ``votes``, the first requests waiting for the vote of the member (the bind parameter
    ``member``), oldest first (part ``vote``); with ``reports``, the first reports overdue on requests the viewer
    may see (part ``report``); with ``chair``, the first votes too few may vote on or past their deadline (part
    ``chair``, :func:`services.stuck_statement`)."""
    nothing = (cast(null(), Date).label("vote_deadline"), cast(null(), Integer).label("conflicted"),
               cast(null(), Integer).label("members"))
    parts = []
    if votes:
        waiting = _waiting_statement().subquery()
        parts.append(select(literal("vote").label("part"), waiting.c.id, waiting.c.urgency,
                            waiting.c.submitted_at, cast(null(), Date).label("report_due_on"), *nothing))
    if reports:
        overdue = _overdue_statement(user).subquery()
        parts.append(select(literal("report").label("part"), overdue.c.id,
                            cast(null(), String).label("urgency"), cast(null(), UTCDateTime).label("submitted_at"),
                            overdue.c.report_due_on, *nothing))
    if chair:
        stuck = services.stuck_statement().subquery()
        parts.append(select(literal("chair").label("part"), stuck.c.id, stuck.c.urgency, stuck.c.submitted_at,
                            cast(null(), Date).label("report_due_on"), stuck.c.vote_deadline, stuck.c.conflicted,
                            stuck.c.members))
    return union_all(*parts) if len(parts) > 1 else parts[0]


def _waiting_statement() -> Select:
    """Each way before the committee read in order from its own index, then merged (an ``OR`` would read
    them all)."""
    undecided = services.undecided_by(bindparam("member"))
    firsts = [select(GrantRequest.id, GrantRequest.urgency, GrantRequest.submitted_at)
              .where(condition, *undecided).order_by(GrantRequest.submitted_at, GrantRequest.id).limit(WIDGET_ROWS)
              .subquery() for condition in services.BEFORE_THE_COMMITTEE]
    both = union(*(select(first) for first in firsts)).subquery()
    return select(both).order_by(both.c.submitted_at, both.c.id).limit(WIDGET_ROWS)


def _overdue_statement(user: Any) -> Select:
    return select(GrantRequest.id, GrantRequest.report_due_on).where(
        services.visible_requests(user), services.report_overdue(bindparam("today", type_=Date))) \
        .order_by(GrantRequest.report_due_on, GrantRequest.id).limit(WIDGET_ROWS)


@hookimpl
def observatory_annual_report_sections(year, locale):
    return publications.annual_report_sections(year, locale)


@hookimpl
def observatory_demo_data(scale):
    return f"{demo.load(scale)} grant requests"


@hookimpl
def observatory_protected_terms(records):
    """This plugin's confidential fields of the records an output is about, for the core's disclosure guard."""
    return services.protected_terms(records)


@hookimpl
def observatory_records_concerned(records):
    """Whom this plugin's records concern, for the core's disclosure guard."""
    return services.people_concerned(records)
