"""Advocacy: what was sent to UN, OAS, AU, OSCE, EU and Council of Europe mechanisms, what came back and what
is due next. The hook implementations below are everything the plugin gives the platform."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

import click
from flask import url_for
from flask_babel import get_locale
from sqlalchemy import (
    CompoundSelect,
    Date,
    Select,
    String,
    bindparam,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)

from core.api import (
    CASE_OFFICER,
    COORDINATOR,
    PUBLIC,
    READ_ONLY,
    DatedItem,
    DefenderLinks,
    FreeText,
    NavItem,
    Output,
    OutputRequest,
    Permission,
    RecordChoice,
    RecordType,
    SearchHit,
    TimelineEntry,
    Widget,
    can,
    can_see,
    db,
    hookimpl,
    id_url,
    list_url_when_full,
    matching_word_prefixes,
    prefix_conditions_to_bind,
    prefix_params,
    read_rows,
    utcnow,
    visible,
)
from core.api import gettext as _
from core.api import lazy_gettext as _l

from . import demo, dossiers, publications, requirements, services, statistics
from .blueprint import blueprint
from .forms import ANSWER_KINDS, DOSSIER_FORMATS
from .models import ActionDefender, AdvocacyAction, Answer, Mechanism, MechanismSession

OBSERVATORY_API_VERSIONS = (3,)  # the versions of core.api this plugin is written for
TITLE = _l("Advocacy")
DESCRIPTION = _l("Submissions to intergovernmental mechanisms, their deadlines and answers.")
WIDGET_DAYS, WIDGET_ROWS = 60, 5
BODY = func.coalesce(func.nullif(Mechanism.abbreviation, ""), Mechanism.name_en).label("abbreviation")


@hookimpl
def observatory_blueprints():
    return [blueprint]


@hookimpl
def observatory_permissions():
    return [
        Permission(services.VIEW, _l("See advocacy with intergovernmental mechanisms"),
                   default_roles=(COORDINATOR, CASE_OFFICER, READ_ONLY)),
        Permission(services.EDIT, _l("Record advocacy actions, their answers and the mechanisms' sessions"),
                   default_roles=(COORDINATOR, CASE_OFFICER)),
        Permission(services.CATALOGUE, _l("Edit the catalogue of mechanisms")),
        Permission(dossiers.RESTRICTED_PERMISSION, _l("Include restricted records in advocacy dossiers (audited)"),
                   default_roles=(COORDINATOR,)),
    ]


@hookimpl
def observatory_nav_items():
    return [NavItem(_l("Advocacy"), "advocacy.index", services.VIEW, order=50)]


def _may_see_answer(response: Answer, user) -> bool:
    return can_see(response.action, user)


@hookimpl
def observatory_outputs():
    return [Output("advocacy.dossier", _l("Advocacy dossier (PDF, DOCX, ZIP with JSON and annexes)"), True,
                   _dossiers, record_type=AdvocacyAction.__record_type__)]


def _dossiers(action_id: int, user) -> list[OutputRequest]:
    """The dossier of the action's country for its mechanism, in each language and format, with a cover note."""
    action = db.session.get(AdvocacyAction, action_id)
    if action.country is None:
        return []
    return [OutputRequest(url_for("advocacy.export_dossier"),
                          {"mechanism": action.mechanism_id, "scope": "country", "country": action.country.alpha3,
                           "language": language, "fmt": fmt, "cover_note": ""}, typed=("cover_note",))
            for language in dossiers.languages_for(action.mechanism) for fmt in DOSSIER_FORMATS]


@hookimpl
def observatory_free_text():
    return [FreeText(AdvocacyAction, ("title", "text")), FreeText(Answer, ("summary",)),
            FreeText(MechanismSession, ("title", "notes"))]


@hookimpl
def observatory_record_types():
    return [RecordType(AdvocacyAction.__record_type__, AdvocacyAction, _l("Advocacy action"), services.VIEW, services.EDIT,
                       "advocacy.show", "action_id", links="record_links", linkable=("case", "mission"),
                       defenders=DefenderLinks("defender_links")),
            RecordType(Answer.__record_type__, Answer, _l("Answer from a mechanism"), services.VIEW,
                       services.EDIT, "advocacy.answer", "answer_id", may_see=_may_see_answer)]


@hookimpl
def observatory_record_choices(kind, query, ids, user, limit):
    """Advocacy actions other plugins may link to: by words, or by id."""
    if kind != AdvocacyAction.__record_type__ or not can(services.VIEW, user):
        return []
    conditions = [AdvocacyAction.id.in_(ids)] if ids else matching_word_prefixes(AdvocacyAction, query)
    if not conditions:
        return []
    rows = db.session.execute(select(AdvocacyAction.id, AdvocacyAction.title, AdvocacyAction.sent_on).where(
        visible(AdvocacyAction, user), *conditions).order_by(AdvocacyAction.id.desc()).limit(limit))
    return [RecordChoice(kind, row.id, row.title, row.sent_on.isoformat() if row.sent_on else "",
                         url_for("advocacy.show", action_id=row.id)) for row in rows]


@hookimpl
def observatory_dashboard_widgets(user):
    """The mechanisms' sessions and deadlines of the next 60 days, and the replies overdue, read together in one
    query (a few rows of each)."""
    if not can(services.VIEW, user):
        return []
    today = utcnow().date()
    rows = read_rows(_widget_statement(user), {
        "today": today, "horizon": today + timedelta(days=WIDGET_DAYS)}).all()
    return [Widget(_l("Advocacy"), "advocacy/_widget.html", {
        "dates": [row for row in rows if row.part == "date"], "overdue": [row for row in rows if row.part == "overdue"],
        "days": WIDGET_DAYS, "year": today.year}, services.VIEW, order=50)]


def _widget_statement(user: Any) -> Select:
    today, horizon = bindparam("today", type_=Date), bindparam("horizon", type_=Date)
    dates = select(literal("date").label("part"), MechanismSession.kind, MechanismSession.title,
                   MechanismSession.starts_on.label("day"), MechanismSession.ends_on.label("until"),
                   Mechanism.id.label("mechanism_id"), BODY, literal(0).label("action_id")) \
        .join(Mechanism).where(MechanismSession.starts_on <= horizon,
                               func.coalesce(MechanismSession.ends_on, MechanismSession.starts_on) >= today) \
        .order_by(MechanismSession.starts_on, MechanismSession.id).limit(WIDGET_ROWS)
    overdue = select(literal("overdue").label("part"), literal("").label("kind"), AdvocacyAction.title,
                     AdvocacyAction.reply_expected_by.label("day"), cast(null(), Date).label("until"),
                     Mechanism.id.label("mechanism_id"), BODY, AdvocacyAction.id.label("action_id")) \
        .join(Mechanism, Mechanism.id == AdvocacyAction.mechanism_id) \
        .where(visible(AdvocacyAction, user), AdvocacyAction.reply_expected_by < today) \
        .order_by(AdvocacyAction.reply_expected_by, AdvocacyAction.id).limit(WIDGET_ROWS)
    both = union_all(select(dates.subquery()), select(overdue.subquery())).subquery()
    return select(both).order_by(both.c.part, both.c.day)


@hookimpl
def observatory_deadlines(start, end, user):
    """The mechanisms' sessions and deadlines (public dates), and the replies expected on visible actions, in one
    query."""
    if not can(services.VIEW, user):
        return []
    items, action_url, mechanism_url = [], id_url("advocacy.show", "action_id"), id_url("advocacy.mechanism",
                                                                                          "mechanism_id")
    for row in read_rows(_deadlines_statement(user), {"start": start, "end": end}):
        if row.kind == "reply":
            items.append(DatedItem(row.day, _l("Reply expected: %(title)s", title=row.title), "reply_expected",
                                   action_url(row.id), services.VIEW, row.confidentiality,
                                   (AdvocacyAction.__record_type__, row.id)))
            continue
        url = mechanism_url(row.id)
        if row.kind == MechanismSession.DEADLINE:
            items.append(DatedItem(row.day, _l("Deadline, %(body)s: %(title)s", body=row.abbreviation,
                                               title=row.title), "mechanism_deadline", url, services.VIEW, PUBLIC))
            continue
        if start <= row.day <= end:
            items.append(DatedItem(row.day, _l("Session opens, %(body)s: %(title)s", body=row.abbreviation,
                                               title=row.title), "mechanism_session", url, services.VIEW, PUBLIC))
        if row.until and start <= row.until <= end and row.until != row.day:
            items.append(DatedItem(row.until, _l("Session closes, %(body)s: %(title)s", body=row.abbreviation,
                                                 title=row.title), "mechanism_session", url, services.VIEW, PUBLIC))
    return items


def _deadlines_statement(user: Any) -> CompoundSelect:
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


@hookimpl
def observatory_defender_timeline(defender_id, user):
    """The actions concerning the defender (when sent, or drafted) and the answers to them, in one query."""
    if not can(services.VIEW, user):
        return []
    entries, seen, show = [], set(), id_url("advocacy.show", "action_id")
    for row in read_rows(_timeline_statement(user), {"defender_id": defender_id}):
        url = show(row.id)
        if row.id not in seen:
            seen.add(row.id)
            body = row.abbreviation or row.name_en
            label = _l("Sent to %(body)s: %(title)s", body=body, title=row.title) if row.sent_on \
                else _l("Drafted for %(body)s: %(title)s", body=body, title=row.title)
            entries.append(TimelineEntry(row.sent_on or row.created_at, "advocacy", label, url, row.confidentiality,
                                         services.VIEW))
        if row.answer_id is not None:
            entries.append(TimelineEntry(row.received_on, "advocacy_answer",
                                         _l("Answer: %(kind)s", kind=ANSWER_KINDS.get(row.answer_kind, row.answer_kind)),
                                         f"{url}#answer-{row.answer_id}", row.confidentiality, services.VIEW))
    return entries


def _timeline_statement(user: Any) -> Select:
    return select(AdvocacyAction.id, AdvocacyAction.title, AdvocacyAction.type, AdvocacyAction.sent_on,
                  AdvocacyAction.created_at, AdvocacyAction.confidentiality, Mechanism.abbreviation, Mechanism.name_en,
                  Answer.id.label("answer_id"), Answer.kind.label("answer_kind"), Answer.received_on) \
        .join(ActionDefender, ActionDefender.action_id == AdvocacyAction.id) \
        .join(Mechanism, Mechanism.id == AdvocacyAction.mechanism_id) \
        .outerjoin(Answer, Answer.action_id == AdvocacyAction.id) \
        .where(ActionDefender.defender_id == bindparam("defender_id"), visible(AdvocacyAction, user))


@hookimpl
def observatory_search(query, user, limit):
    """Actions holding every word (as word prefixes) in their title, reference and text; active mechanisms
    holding them in their abbreviation or names. Both read in one statement."""
    words = prefix_params(query)
    if not can(services.VIEW, user) or not words:
        return []
    postgresql = db.engine.dialect.name == "postgresql"
    rows = read_rows(_search_statement(user, len(words) // 2, postgresql),
                     {**words, "limit": limit}).all()
    actions = [row for row in rows if row.part == "action"]
    show_action, show_mechanism = id_url("advocacy.show", "action_id"), id_url("advocacy.mechanism", "mechanism_id")
    more = list_url_when_full(len(actions), limit, "advocacy.index", q=query)
    action_kind, mechanism_kind, language = _("Advocacy action"), _("Mechanism"), str(get_locale() or "en")
    hits = [SearchHit(row.name, show_action(row.id), action_kind,
                      " · ".join(filter(None, (str(requirements.type_label(row.kind)), row.reference))),
                      services.VIEW, row.confidentiality, score=1.1, more_url=more) for row in actions]
    return hits + [SearchHit(getattr(row, f"name_{language}", None) or row.name, show_mechanism(row.id),
                             mechanism_kind, services.SYSTEM_LABELS.get(row.kind, row.kind), services.VIEW, PUBLIC,
                             score=1.0) for row in rows if row.part == "mechanism"]


def _search_statement(user: Any, words: int, postgresql: bool) -> CompoundSelect:
    """The newest matching actions the viewer may see, then the active mechanisms in catalogue order, each at
    most the bind parameter ``limit``: ``(part, id, name, kind, confidentiality, reference, name_fr, name_es)``
    (an action's title and type; a mechanism's English name and system)."""
    text = String()
    actions = select(literal("action").label("part"), AdvocacyAction.id, AdvocacyAction.title.label("name"),
                     AdvocacyAction.type.label("kind"), AdvocacyAction.confidentiality, AdvocacyAction.reference,
                     cast(null(), text).label("name_fr"), cast(null(), text).label("name_es")) \
        .where(visible(AdvocacyAction, user), *prefix_conditions_to_bind(AdvocacyAction, words, postgresql)) \
        .order_by(AdvocacyAction.id.desc()).limit(bindparam("limit")).subquery()
    mechanisms = select(literal("mechanism").label("part"), Mechanism.id, Mechanism.name_en, Mechanism.system,
                        literal(PUBLIC).label("confidentiality"), cast(null(), text), Mechanism.name_fr, Mechanism.name_es) \
        .where(Mechanism.active.is_(True), *prefix_conditions_to_bind(Mechanism, words, postgresql)) \
        .order_by(Mechanism.position).limit(bindparam("limit")).subquery()
    return union_all(select(actions), select(mechanisms))


@click.command("advocacy-catalogue")
def catalogue_command() -> None:
    """Add the mechanisms shipped with this version that the catalogue lacks (edited ones are kept)."""
    added = services.load_catalogue()
    db.session.commit()
    click.echo(f"{len(added)} mechanism(s) added" + (f": {', '.join(added)}" if added else "."))


@hookimpl
def observatory_cli_commands():
    return [catalogue_command]


@hookimpl(trylast=True)  # after the plugins whose cases and missions the demo actions concern
def observatory_demo_data(scale):
    return f"{demo.load(scale)} advocacy actions"


@hookimpl
def observatory_bulletin_sections(year, month, locale):
    return publications.bulletin_sections(year, month, locale)


@hookimpl
def observatory_annual_report_sections(year, locale):
    return publications.annual_report_sections(year, locale)


@hookimpl
def observatory_statistics(year, region, user, locale):
    return statistics.charts(year, region, user, locale)


@hookimpl
def observatory_protected_terms(records, external):
    """This plugin's confidential fields of the records an output is about, for the core's disclosure guard."""
    return services.protected_terms(records, external)


@hookimpl
def observatory_records_concerned(records):
    """Whom this plugin's records concern, for the core's disclosure guard."""
    return services.people_concerned(records)
