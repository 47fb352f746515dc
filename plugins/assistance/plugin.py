"""Material assistance: grant requests for defenders in danger, decided by a committee. The hook
implementations below are everything the plugin gives the platform."""
from __future__ import annotations

import os

from flask import current_app, url_for
from flask_babel import get_locale
from sqlalchemy import select

from core.api import (
    CASE_OFFICER,
    COMMITTEE,
    COORDINATOR,
    RESTRICTED,
    DatedItem,
    FreeText,
    NavItem,
    Permission,
    RecordType,
    SearchHit,
    Term,
    TimelineEntry,
    WaitingItem,
    Widget,
    can,
    db,
    hookimpl,
    id_url,
    prefix_params,
    utcnow,
)
from core.api import gettext as _
from core.api import lazy_gettext as _l

from . import demo, notices, permissions, publications, queries, services
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
def observatory_people_changed():
    """A member left the committee or was deactivated: votes that are now decided are settled."""
    services.settle_all()


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
    rows = db.session.execute(select(
        GrantRequest.id, GrantRequest.created_at, GrantRequest.confidentiality, Term.label_en, Term.label_fr,
        Term.label_es, Decision.decided_at, Decision.outcome, Decision.kind)
        .join(Term, Term.id == GrantRequest.grant_type_id)
        .outerjoin(Decision, Decision.request_id == GrantRequest.id)
        .where(GrantRequest.defender_id == defender_id, services.visible_requests(user)))
    language, entries, seen, show = str(get_locale() or "en"), [], set(), id_url("assistance.show", "request_id")
    for row in rows:
        kind = getattr(row, f"label_{language}", None) or row.label_en
        url = show(row.id)
        if row.id not in seen:
            seen.add(row.id)
            entries.append(TimelineEntry(row.created_at, "grant", _l(
                "Grant request #%(number)d: %(kind)s", number=row.id, kind=kind), url, row.confidentiality,
                permissions.VIEW, kind_label=_l("Grants")))
        if row.decided_at is not None:
            label = _l("Grant request #%(number)d approved", number=row.id) if row.outcome == Decision.APPROVED \
                else _l("Grant request #%(number)d rejected", number=row.id)
            entries.append(TimelineEntry(row.decided_at, "grant", label, url, row.confidentiality,
                                         permissions.VIEW, kind_label=_l("Grants")))
    return entries


@hookimpl
def observatory_deadlines(start, end, user, limit):
    """Beneficiaries' reports due (not yet received) between ``start`` and ``end``, the ``limit`` earliest or
    all, for those who may see the request; being restricted, they show in calendar feeds as bare
    "confidential" entries."""
    if not can(permissions.VIEW, user):
        return []
    rows = queries.deadline_rows(user, start, end, limit)
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
    rows = queries.search_rows(user, words, limit)
    show, kind, title = id_url("assistance.show", "request_id"), _("Grant request"), _("Grant request #%(number)d")
    return [SearchHit(title % {"number": row.id}, show(row.id), kind, row.name, permissions.VIEW, row.confidentiality,
                      score=1.0) for row in rows]


@hookimpl
def observatory_dashboard_widgets(user):
    """What waits for the user's vote (items of *Waiting for me*), votes the chair must settle, grants whose report
    is overdue, the year's budget used."""
    widgets = []
    votes, reports, chair = permissions.is_member(user), can(permissions.EDIT, user), can(permissions.CHAIR, user)
    today = utcnow().date()
    if votes or reports or chair:  # the lists in one statement
        rows = queries.widget_rows(votes, reports, chair, user, today, services.rules().quorum)
    if chair:  # the chair and admins: votes stuck (too few may vote) or past their deadline
        stuck = services.stuck_of([row for row in rows if row.part == "chair"], today)
        if stuck:
            widgets.append(Widget(_l("Committee votes that need the chair"), "assistance/_widget_chair.html",
                                  {"stuck": stuck}, permissions.CHAIR, order=34))
    if votes:  # the member's own: in the dashboard's *Waiting for me*
        show, committee = id_url("assistance.show", "request_id"), url_for("assistance.committee")
        widgets += [WaitingItem(row.submitted_at, "grant_vote", _l("Your vote"),
                                _l("Grant request #%(number)d", number=row.id), show(row.id), permissions.VOTE,
                                RESTRICTED,
                                late=row.urgency == GrantRequest.EMERGENCY, more_url=committee)
                    for row in rows if row.part == "vote"]
    if reports:
        widgets.append(Widget(_l("Grant reports overdue"), "assistance/_widget_reports.html",
                              {"overdue": [row for row in rows if row.part == "report"]}, permissions.EDIT, order=36))
    if can(permissions.BUDGET, user):
        envelope, allocated = services.overall_use(utcnow().year)
        widgets.append(Widget(_l("Grant budget used"), "assistance/_widget_budget.html",
                              {"envelope": envelope, "allocated": allocated,
                               "currency": current_app.config["ASSISTANCE_CURRENCY"]}, permissions.BUDGET, order=37))
    return widgets


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
