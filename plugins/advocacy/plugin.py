"""Advocacy: what was sent to UN, OAS, AU, OSCE, EU and Council of Europe mechanisms, what came back and what
is due next. The hook implementations below are everything the plugin gives the platform."""
from __future__ import annotations

from datetime import timedelta

import click
from flask import url_for
from sqlalchemy import (
    select,
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
    WaitingItem,
    Widget,
    can,
    can_see,
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

from . import demo, dossiers, publications, queries, requirements, services, statistics
from .blueprint import blueprint
from .forms import ANSWER_KINDS, DOSSIER_FORMATS
from .models import ActionDefender, AdvocacyAction, Answer, Mechanism, MechanismSession

OBSERVATORY_API_VERSIONS = (3,)  # the versions of core.api this plugin is written for
TITLE = _l("Advocacy")
DESCRIPTION = _l("Submissions to intergovernmental mechanisms, their deadlines and answers.")
WIDGET_DAYS, WIDGET_ROWS = 60, 5
REPLY_DAYS = 14  # a reply due within two weeks on one's own action waits for them (*Waiting for me*)


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
    """The mechanisms' sessions and deadlines of the next 60 days and the replies overdue (the widget), and the
    replies due within two weeks on the user's own actions (their *Waiting for me*), read together in one query (a
    few rows of each)."""
    if not can(services.VIEW, user):
        return []
    today = utcnow().date()
    rows = queries.widget_rows(user, today, today + timedelta(days=WIDGET_DAYS), WIDGET_ROWS,
                               today + timedelta(days=REPLY_DAYS))
    show, mine = id_url("advocacy.show", "action_id"), url_for("advocacy.index", state="awaiting")
    items = [WaitingItem(row.day, "advocacy_reply", _l("Reply due"), _l("%(body)s: %(title)s", body=row.abbreviation,
                                                                        title=row.title),
                         show(row.action_id), services.VIEW, due=True, late=row.day < today, more_url=mine)
             for row in rows if row.part == "mine"]
    return [Widget(_l("Advocacy"), "advocacy/_widget.html", {
        "dates": [row for row in rows if row.part == "date"], "overdue": [row for row in rows if row.part == "overdue"],
        "days": WIDGET_DAYS, "year": today.year}, services.VIEW, order=50), *items]


@hookimpl
def observatory_deadlines(start, end, user):
    """The mechanisms' sessions and deadlines (public dates), and the replies expected on visible actions, in one
    query."""
    if not can(services.VIEW, user):
        return []
    items, action_url, mechanism_url = [], id_url("advocacy.show", "action_id"), id_url("advocacy.mechanism",
                                                                                          "mechanism_id")
    for row in queries.deadline_rows(user, start, end):
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


@hookimpl
def observatory_defender_timeline(defender_id, user):
    """The actions concerning the defender (when sent, or drafted) and the answers to them, in one query."""
    if not can(services.VIEW, user):
        return []
    entries, seen, show = [], set(), id_url("advocacy.show", "action_id")
    rows = db.session.execute(select(
        AdvocacyAction.id, AdvocacyAction.title, AdvocacyAction.type, AdvocacyAction.sent_on,
        AdvocacyAction.created_at, AdvocacyAction.confidentiality, Mechanism.abbreviation, Mechanism.name_en,
        Answer.id.label("answer_id"), Answer.kind.label("answer_kind"), Answer.received_on)
        .join(ActionDefender, ActionDefender.action_id == AdvocacyAction.id)
        .join(Mechanism, Mechanism.id == AdvocacyAction.mechanism_id)
        .outerjoin(Answer, Answer.action_id == AdvocacyAction.id)
        .where(ActionDefender.defender_id == defender_id, visible(AdvocacyAction, user)))
    for row in rows:
        url = show(row.id)
        if row.id not in seen:
            seen.add(row.id)
            body = row.abbreviation or row.name_en
            label = _l("Sent to %(body)s: %(title)s", body=body, title=row.title) if row.sent_on \
                else _l("Drafted for %(body)s: %(title)s", body=body, title=row.title)
            entries.append(TimelineEntry(row.sent_on or row.created_at, "advocacy", label, url, row.confidentiality,
                                         services.VIEW, recorded=row.created_at, kind_label=_l("Advocacy")))
        if row.answer_id is not None:
            entries.append(TimelineEntry(row.received_on, "advocacy_answer",
                                         _l("Answer: %(kind)s", kind=ANSWER_KINDS.get(row.answer_kind, row.answer_kind)),
                                         f"{url}#answer-{row.answer_id}", row.confidentiality, services.VIEW,
                                         kind_label=_l("Advocacy")))
    return entries


@hookimpl
def observatory_search(query, user, limit):
    """Actions holding every word (as word prefixes) in their title, reference and text; active mechanisms
    holding them in their abbreviation or names."""
    conditions = matching_word_prefixes(AdvocacyAction, query)
    if not can(services.VIEW, user) or not conditions:
        return []
    actions = db.session.execute(select(
        AdvocacyAction.id, AdvocacyAction.title, AdvocacyAction.type, AdvocacyAction.confidentiality,
        AdvocacyAction.reference).where(visible(AdvocacyAction, user), *conditions)
        .order_by(AdvocacyAction.id.desc()).limit(limit)).all()
    mechanisms = db.session.scalars(select(Mechanism).where(
        Mechanism.active.is_(True), *matching_word_prefixes(Mechanism, query))
        .order_by(Mechanism.position).limit(limit)).all()
    show_action, show_mechanism = id_url("advocacy.show", "action_id"), id_url("advocacy.mechanism", "mechanism_id")
    more = list_url_when_full(len(actions), limit, "advocacy.index", q=query)
    action_kind, mechanism_kind = _("Advocacy action"), _("Mechanism")
    hits = [SearchHit(row.title, show_action(row.id), action_kind,
                      " · ".join(filter(None, (str(requirements.type_label(row.type)), row.reference))),
                      services.VIEW, row.confidentiality, score=1.1, more_url=more) for row in actions]
    return hits + [SearchHit(mechanism.name, show_mechanism(mechanism.id), mechanism_kind,
                             services.SYSTEM_LABELS.get(mechanism.system, mechanism.system), services.VIEW, PUBLIC,
                             score=1.0) for mechanism in mechanisms]


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
