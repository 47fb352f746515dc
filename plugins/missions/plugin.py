"""Missions: fact-finding, trial observation, support and solidarity missions, from the proposal to the
published report and its recommendations. The hook implementations below are everything the plugin gives
the platform."""
from __future__ import annotations

from datetime import timedelta

from flask import url_for
from flask_babel import get_locale
from sqlalchemy import select

from core.api import (
    CASE_OFFICER,
    COORDINATOR,
    READ_ONLY,
    DatedItem,
    DefenderLinks,
    FreeText,
    NavItem,
    Output,
    OutputRequest,
    PartnerLinks,
    Permission,
    RecordChoice,
    RecordType,
    SearchHit,
    Term,
    TimelineEntry,
    Widget,
    can,
    db,
    hookimpl,
    id_url,
    list_url_when_full,
    matching_word_prefixes,
    utcnow,
    visible,
)
from core.api import gettext as _
from core.api import lazy_gettext as _l

from . import demo, publications, queries, services, statistics, summaries
from .blueprint import blueprint
from .forms import HEARING_OUTCOMES, MissionDefenderForm, MissionPartnerForm
from .models import (
    BudgetLine,
    ChecklistAnswer,
    Delegate,
    Hearing,
    Mission,
    MissionDefender,
    MissionPartner,
    MissionStep,
    Recommendation,
    RecommendationUpdate,
    ReportText,
)

OBSERVATORY_API_VERSIONS = (3,)  # the versions of core.api this plugin is written for
TITLE = _l("Missions")
DESCRIPTION = _l("Fact-finding, trial observation, support and solidarity missions and their reports.")
WIDGET_DAYS, WIDGET_ROWS = 30, 5
ACTIVE = (Mission.APPROVED, Mission.PREPARING, Mission.IN_FIELD)  # missions whose dates are still ahead


@hookimpl
def observatory_blueprints():
    return [blueprint]


@hookimpl
def observatory_permissions():
    return [
        Permission(services.VIEW, _l("See missions"), default_roles=(COORDINATOR, CASE_OFFICER, READ_ONLY)),
        Permission(services.EDIT, _l("Plan missions, record hearings, budgets and reports"),
                   default_roles=(COORDINATOR, CASE_OFFICER)),
        Permission(services.APPROVE, _l("Approve and cancel missions, publish their reports"),
                   default_roles=(COORDINATOR,)),
        Permission(services.SECURITY, _l("See the security assessment of every mission"),
                   default_roles=(COORDINATOR,)),
    ]


@hookimpl
def observatory_nav_items():
    return [NavItem(_l("Missions"), "missions.index", services.VIEW, order=30)]


@hookimpl
def observatory_outputs():
    return [Output("missions.report", _l("Mission report and its findings (PDF, DOCX, HTML)"), True, _reports,
                   record_type="mission")]


def _reports(mission_id: int, _user) -> list[OutputRequest]:
    mission = db.session.get(Mission, mission_id)
    return [OutputRequest(url_for("missions.report_file", mission_id=mission_id, language=language, format=fmt,
                                  **({"part": "findings"} if findings else {})))
            for language in mission.report_languages() for fmt in ("pdf", "docx", "html") for findings in (False, True)]


@hookimpl
def observatory_free_text():
    return [FreeText(Mission, ("title", "terms_of_reference", "objectives", "court", "charges", "security_measures",
                               "emergency_contacts")),
            FreeText(ReportText, ("title", "summary", "findings")), FreeText(Delegate, ("role", "contact")),
            FreeText(Recommendation, ("text", "addressee")), FreeText(RecommendationUpdate, ("note",)),
            FreeText(Hearing, ("outcome_details", "notes")), FreeText(ChecklistAnswer, ("notes",)),
            FreeText(MissionStep, ("reason",)), FreeText(BudgetLine, ("description",)),
            FreeText(MissionPartner, ("role",))]


@hookimpl
def observatory_record_types():
    return [RecordType(Mission.__record_type__, Mission, _l("Mission"), services.VIEW, services.EDIT,
                       "missions.show", "mission_id", links="record_links", linkable=("case",),
                       defenders=DefenderLinks("defender_links", form=MissionDefenderForm),
                       partners=PartnerLinks("partner_links", form=MissionPartnerForm))]


@hookimpl
def observatory_record_choices(kind, query, ids, user, limit):
    """Missions other plugins may link to (advocacy submitting a mission report): by words, or by id."""
    if kind != Mission.__record_type__ or not can(services.VIEW, user):
        return []
    conditions = [Mission.id.in_(ids)] if ids else matching_word_prefixes(Mission, query)
    if not conditions:
        return []
    rows = db.session.execute(select(Mission.id, Mission.title, Mission.start_date).where(
        visible(Mission, user), *conditions).order_by(Mission.id.desc()).limit(limit))
    return [RecordChoice(kind, row.id, row.title, row.start_date.isoformat() if row.start_date else "",
                         url_for("missions.show", mission_id=row.id)) for row in rows]


@hookimpl
def observatory_record_summaries(kind, ids, country, related, user, locale, include_restricted, limit):
    """Missions and their published findings for documents sent outside (advocacy dossiers)."""
    if kind != Mission.__record_type__ or not can(services.VIEW, user):
        return []

    return summaries.mission_summaries(ids, country, related, user, locale, include_restricted, limit)


@hookimpl
def observatory_statistics(year, region, user, locale):
    return statistics.charts(year, region, user, locale)


@hookimpl
def observatory_vocabularies():
    return [(services.MISSION_TYPES, _l("Mission types")), (services.FAIR_TRIAL, _l("Fair-trial guarantees"))]


@hookimpl
def observatory_dashboard_widgets(user):
    """Missions in the field, and hearings in the next 30 days, read together in one query (a window of real
    activity: a few rows)."""
    if not can(services.VIEW, user):
        return []
    today = utcnow().date()
    rows = queries.widget_rows(user, today, today + timedelta(days=WIDGET_DAYS), WIDGET_ROWS)
    return [Widget(_l("Missions"), "missions/_widget.html", {
        "in_field": [row for row in rows if row.kind == "field"][:WIDGET_ROWS],
        "hearings": [row for row in rows if row.kind == "hearing"][:WIDGET_ROWS], "days": WIDGET_DAYS},
        services.VIEW, order=30)]


@hookimpl
def observatory_deadlines(start, end, user):
    """Mission dates and trial hearings between ``start`` and ``end``, read in one query; restricted missions
    carry their level, so calendar feeds show them as bare "confidential" entries."""
    if not can(services.VIEW, user):
        return []
    items, trial_url, mission_url = [], id_url("missions.trial", "mission_id"), id_url("missions.show", "mission_id")
    for row in queries.deadline_rows(user, start, end):
        if row.kind == "hearing":
            items.append(DatedItem(row.day, _l("Hearing: %(title)s", title=row.title), "hearing",
                                   trial_url(row.id), services.VIEW, row.confidentiality, ("mission", row.id)))
            continue
        url = mission_url(row.id)
        if row.day and start <= row.day <= end:
            items.append(DatedItem(row.day, _l("Mission begins: %(title)s", title=row.title), "mission",
                                   url, services.VIEW, row.confidentiality, ("mission", row.id)))
        if row.until and start <= row.until <= end and row.until != row.day:
            items.append(DatedItem(row.until, _l("Mission ends: %(title)s", title=row.title), "mission",
                                   url, services.VIEW, row.confidentiality, ("mission", row.id)))
    return items


@hookimpl
def observatory_defender_timeline(defender_id, user):
    """The missions concerning the defender, their hearings and their published reports, in one query."""
    if not can(services.VIEW, user):
        return []
    rows = db.session.execute(select(
        Mission.id, Mission.title, Mission.start_date, Mission.created_at, Mission.confidentiality,
        Mission.report_published_on, Mission.status, MissionDefender.on_trial, Hearing.id.label("hearing_id"),
        Hearing.held_on, Hearing.outcome)
        .join(MissionDefender, MissionDefender.mission_id == Mission.id)
        .outerjoin(Hearing, Hearing.mission_id == Mission.id)
        .where(MissionDefender.defender_id == defender_id, visible(Mission, user))
        .order_by(Mission.id, Hearing.held_on, Hearing.id))
    entries, seen = [], set()
    show, report, trial = (id_url(f"missions.{page}", "mission_id") for page in ("show", "report", "trial"))
    kind_label = _l("Missions and hearings")
    for row in rows:
        url = show(row.id)
        if row.id not in seen:
            seen.add(row.id)
            label = _l("Trial observed: %(title)s", title=row.title) if row.on_trial \
                else _l("Mission: %(title)s", title=row.title)
            entries.append(TimelineEntry(row.start_date or row.created_at, "mission", label, url, row.confidentiality,
                                         services.VIEW, recorded=row.created_at, kind_label=kind_label))
            if row.report_published_on and row.status in (Mission.PUBLISHED, Mission.CLOSED):
                entries.append(TimelineEntry(row.report_published_on, "mission",
                                             _l("Mission report published: %(title)s", title=row.title),
                                             report(row.id), row.confidentiality, services.VIEW,
                                             kind_label=kind_label))
        if row.hearing_id is not None:
            entries.append(TimelineEntry(row.held_on, "mission", _l(
                "Hearing observed (%(outcome)s): %(title)s", outcome=HEARING_OUTCOMES[row.outcome], title=row.title),
                trial(row.id), row.confidentiality, services.VIEW, kind_label=kind_label))
    return entries


@hookimpl
def observatory_search(query, user, limit):
    """Missions holding every word (as word prefixes) in their titles, objectives, report and findings."""
    conditions = matching_word_prefixes(Mission, query)
    if not can(services.VIEW, user) or not conditions:
        return []
    rows = db.session.execute(select(
        Mission.id, Mission.title, Mission.confidentiality, Mission.start_date, Term.label_en, Term.label_fr,
        Term.label_es).join(Term, Term.id == Mission.type_id).where(visible(Mission, user), *conditions)
        .order_by(Mission.id.desc()).limit(limit)).all()
    language = str(get_locale() or "en")
    show, kind = id_url("missions.show", "mission_id"), _("Mission")
    more = list_url_when_full(len(rows), limit, "missions.index", q=query)
    return [SearchHit(row.title, show(row.id), kind,
                      getattr(row, f"label_{language}", None) or row.label_en, services.VIEW, row.confidentiality,
                      score=1.2, more_url=more) for row in rows]


@hookimpl
def observatory_bulletin_sections(year, month, locale):
    return publications.bulletin_sections(year, month, locale)


@hookimpl
def observatory_annual_report_sections(year, locale):
    return publications.annual_report_sections(year, locale)


@hookimpl
def observatory_demo_data(scale):
    return f"{demo.load(scale)} missions"



@hookimpl
def observatory_protected_terms(records, external):
    """This plugin's confidential fields of the records an output is about, for the core's disclosure guard."""
    return services.protected_terms(records, external)


@hookimpl
def observatory_records_concerned(records):
    """Whom this plugin's records concern, for the core's disclosure guard."""
    return services.people_concerned(records)
