"""Urgent interventions: reports of repression, their verification, appeals and letters with their
reference codes. The hook implementations below are everything the plugin gives the platform."""
from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

from flask import url_for
from sqlalchemy import select

from core.api import (
    CASE_OFFICER,
    COORDINATOR,
    READ_ONLY,
    Country,
    DefenderLinks,
    FreeText,
    NavItem,
    NotificationKind,
    Output,
    OutputRequest,
    Permission,
    RecordChoice,
    RecordType,
    SearchHit,
    WaitingItem,
    Widget,
    can,
    db,
    hookimpl,
    id_url,
    in_language,
    list_url_when_full,
    utcnow,
    visible,
)
from core.api import gettext as _
from core.api import lazy_gettext as _l

from . import demo, publications, queries, search, services, statistics, summaries, timeline
from .blueprint import blueprint
from .codes import format_code
from .forms import ACTION_TYPES
from .models import (
    Action,
    Case,
    CaseEvent,
    Consultation,
    Correction,
    Development,
    Dispatch,
    Outcome,
    Perpetrator,
    Response,
)

OBSERVATORY_API_VERSIONS = (3,)  # the versions of core.api this plugin is written for
TITLE = _l("Urgent interventions")
DESCRIPTION = _l("Reports of repression, verification, urgent appeals, follow-ups and outcomes.")
DEFAULT_VERIFICATION_HOURS = 48
DEFAULT_CONSULTATION_DAYS = 3
WIDGET_ROWS = 5  # the dashboard's rows of each list


@hookimpl
def observatory_startup(app):
    """How long a report may wait for verification before the dashboard flags it (configuration, else the
    environment: ``OBSERVATORY_INTERVENTIONS_VERIFICATION_HOURS``, else 48 hours), and how many days a consultation
    may stay without an answer before the case's officers see its verification overdue in *Waiting for me*
    (``OBSERVATORY_INTERVENTIONS_CONSULTATION_DAYS``, else 3)."""
    problems = []
    for key, default in (("INTERVENTIONS_VERIFICATION_HOURS", DEFAULT_VERIFICATION_HOURS),
                         ("INTERVENTIONS_CONSULTATION_DAYS", DEFAULT_CONSULTATION_DAYS)):
        value = app.config.get(key, os.environ.get(f"OBSERVATORY_{key}", default))
        valid = str(value).isdigit() and int(value) >= 1
        app.config[key] = int(value) if valid else default
        if not valid:
            problems.append(f"OBSERVATORY_{key} must be a whole number of at least 1, not {value!r}")
    if problems:  # reported on the admin's plugins page; the defaults apply meanwhile
        raise ValueError("; ".join(problems))


@hookimpl
def observatory_blueprints():
    return [blueprint]


@hookimpl
def observatory_permissions():
    return [
        Permission(services.VIEW, _l("See intervention cases"), default_roles=(COORDINATOR, CASE_OFFICER, READ_ONLY)),
        Permission(services.EDIT, _l("Register cases and draft actions"), default_roles=(COORDINATOR, CASE_OFFICER)),
        Permission(services.VERIFY, _l("Record the verification of cases"), default_roles=(COORDINATOR, CASE_OFFICER)),
        Permission(services.OVERRIDE, _l("Publish a case without verification (with a reason)"),
                   default_roles=(COORDINATOR,)),
        Permission(services.PUBLISH, _l("Approve and publish actions"), default_roles=(COORDINATOR,)),
    ]


@hookimpl
def observatory_notification_kinds():
    return [NotificationKind(services.REVIEW_NOTICE, _l("Actions sent for review (those who approve them)"),
                             _l("An action on %(record)s was sent for review: it waits for you."),
                             _l("Something waits for you in the Observatory"), email=True)]


@hookimpl
def observatory_nav_items():
    return [NavItem(_l("Interventions"), "interventions.index", services.VIEW, order=20)]


@hookimpl
def observatory_record_types():
    return [RecordType("case", Case, _l("Intervention case"), services.VIEW, services.EDIT, "interventions.show",
                       "case_id", defenders=DefenderLinks("links", refuses_removal=services.defenders_kept))]


@hookimpl
def observatory_outputs():
    return [Output("interventions.letters", _l("Letters to the authorities (PDF, DOCX, HTML)"), True, _letters,
                   record_type="case"),
            Output("interventions.export", _l("List of intervention cases (CSV, XLSX)"), False,
                   lambda _record, _user: [OutputRequest(url_for("interventions.export"), {"format": fmt})
                                           for fmt in ("csv", "xlsx")])]


def _letters(case_id: int, _user) -> list[OutputRequest]:
    """Every letter of the case's actions: to each addressee, in each language of the action, in each format."""
    actions = db.session.scalars(select(Action).where(Action.case_id == case_id)).all()
    return [OutputRequest(url_for("interventions.letter", action_id=action.id, authority_id=authority.id,
                                  lang=lang, fmt=fmt))
            for action in actions for authority in action.authorities for lang in action.languages()
            for fmt in ("pdf", "docx", "html")]


@hookimpl
def observatory_free_text():
    parts = tuple(f"{part}_{lang}" for part in ("title", "body", "requested") for lang in ("en", "fr", "es"))
    return [FreeText(Case, ("title", "events_place", "description", "source_details", "verification_note")),
            FreeText(Action, parts), FreeText(CaseEvent, ("reason",)), FreeText(Consultation, ("notes",)),
            FreeText(Outcome, ("notes",)), FreeText(Dispatch, ("notes",)), FreeText(Response, ("notes",)),
            FreeText(Correction, ("before", "after", "reason")), FreeText(Perpetrator, ("details",)),
            FreeText(Development, ("what", "place", "source_details"))]


@hookimpl
def observatory_record_choices(kind, query, ids, user, limit):
    """Cases other plugins may link to (a mission concerning a case): by words, or the linked ones by id."""
    if kind != Case.__record_type__ or not can(services.VIEW, user):
        return []
    condition = Case.id.in_(ids) if ids else search.matching(Case.id, query)
    if condition is None:
        return []
    rows = db.session.execute(select(Case.id, Case.title, Case.country_number, Case.obs_number, Case.first_issued,
                                     Country.alpha3)
                              .join(Country, Country.id == Case.country_id)
                              .where(visible(Case, user), condition).order_by(Case.id.desc()).limit(limit))
    return [RecordChoice(kind, row.id, row.title,
                         format_code(row.alpha3, row.country_number, row.first_issued, row.obs_number)
                         if row.obs_number else row.alpha3,
                         url_for("interventions.show", case_id=row.id)) for row in rows]


@hookimpl
def observatory_record_summaries(kind, ids, country, user, locale, include_restricted, limit):
    """Cases for documents sent outside (advocacy dossiers): chosen ones, or those of a country."""
    if kind != "case" or not can(services.VIEW, user):
        return []

    return summaries.case_summaries(ids, country, user, locale, include_restricted, limit)


@hookimpl
def observatory_statistics(year, region, user, locale):
    return statistics.charts(year, region, user, locale)


@hookimpl
def observatory_vocabularies():
    return [(services.VIOLATIONS, _l("Violations"))]


@hookimpl
def observatory_dashboard_widgets(user):
    """The open cases waiting for verification (the widget), and what waits for ``user`` alone: the actions sent for
    review they may approve, and their own cases whose verification is overdue; read in one statement."""
    from flask import current_app

    if not can(services.VIEW, user):
        return []
    hours = current_app.config["INTERVENTIONS_VERIFICATION_HOURS"]
    now = utcnow()
    reviews = can(services.PUBLISH, user)
    rows = queries.dashboard_rows(
        user, reviews, WIDGET_ROWS,
        consulted_before=now.date() - timedelta(days=current_app.config["INTERVENTIONS_CONSULTATION_DAYS"]),
        received_before=now - timedelta(hours=hours))
    late = now - timedelta(hours=hours)
    waiting = [(row, _aware(row.at) < late) for row in rows if row.part == "verify"]
    case_url, action_url = id_url("interventions.show", "case_id"), id_url("interventions.action", "action_id")
    types = in_language(ACTION_TYPES)
    items = [WaitingItem(row.at, "case_review", _l("To review"), _l("%(kind)s — %(case)s", kind=types[row.type],
                                                                    case=row.title),
                         action_url(row.action_id), services.PUBLISH,
                         more_url=url_for("interventions.index", action_stage=Action.IN_REVIEW))
             for row in rows if row.part == "review"]
    items += [WaitingItem(row.at, "case_verification", _l("Verification overdue"), row.title, case_url(row.id),
                          services.VIEW, late=True, more_url=url_for("interventions.index", verification="pending",
                                                                     status="open", officer=user.id))
              for row in rows if row.part == "mine"]
    return [Widget(_l("Cases awaiting verification"), "interventions/_widget.html",
                   {"waiting": waiting, "hours": hours, "year": now.year}, services.VIEW, order=20), *items]


def _aware(moment: datetime) -> datetime:
    """A moment read from a UNION, which SQLite hands back without its time zone (UTC, as every stored moment)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


@hookimpl
def observatory_defender_timeline(defender_id, user):
    """Every step of the defender's cases: the report, consultations and verification, developments (the
    confidential ones for those who may edit the case, by their kind only), drafts sent for review, published
    actions with their codes, the authorities' responses, outcomes (the case's or the defender's), closing and
    reopening. In one statement (``queries.defender_steps``)."""
    if not can(services.VIEW, user):
        return []
    return timeline.defender_entries(queries.defender_steps(defender_id, user))


@hookimpl
def observatory_search(query, user, limit):
    """Cases whose title, description or action texts (any language) hold the words, newest first."""
    if not can(services.VIEW, user):
        return []
    postgresql = db.engine.dialect.name == "postgresql"
    expression = search.match_expression(query, postgresql)
    if expression is None:
        return []
    rows = queries.search_rows(user, expression, limit, postgresql)
    show, kind = id_url("interventions.show", "case_id"), _("Intervention case")
    more = list_url_when_full(len(rows), limit, "interventions.index", q=query)
    return [SearchHit(row.title, show(row.id), kind,
                      format_code(row.alpha3, row.country_number, row.first_issued, row.obs_number)
                      if row.obs_number else "", services.VIEW, row.confidentiality, score=1.5,
                      more_url=more) for row in rows]


@hookimpl
def observatory_bulletin_sections(year, month, locale):
    return publications.bulletin_sections(year, month, locale)


@hookimpl
def observatory_annual_report_sections(year, locale):
    return publications.annual_report_sections(year, locale)


@hookimpl
def observatory_demo_data(scale):
    return f"{demo.load(scale)} intervention cases"


@hookimpl
def observatory_protected_terms(records, external):
    """This plugin's confidential fields of the records an output is about, for the core's disclosure guard."""
    return services.protected_terms(records, external)


@hookimpl
def observatory_records_concerned(records):
    """Whom this plugin's records concern, for the core's disclosure guard."""
    return services.people_concerned(records)
