"""The interventions plugin's speed measures, for its two main pages (held to 10 statements and 0.3 times the
bare page's speed at 100,000 records); every other read of the plugin is plain ORM code next to its rule.

The global search (:func:`search_statement`): the cases matching the words, built once per kind of viewer.

The case list (:func:`cases_query`): a violation's cases read newest first from their index, and a word
search's matches in id order, so the page stops after its rows; the violations and staff its filters offer in
one statement (:func:`filter_choices`: the list stays at 4 statements, 5 without).

What the case page reads: the case with its country; its small parts (defenders, assigned officers, source,
verifier, perpetrators, consultations, outcomes, closing events, violations, developments) in one statement; then its actions
with their responses and corrections in another, all as plain rows, each statement built once.

Rows rather than records: loading a case's defenders and actions as ORM records took 0.3 ms of the page, and
read what the page never shows (a defender's contact details, an action's texts). Joining the small parts into
the case's own query cost as much again (the ORM prepares a loader for each, on every request). The page names
only what it lists here.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any, NamedTuple

from flask_babel import get_locale
from sqlalchemy import (
    Boolean,
    Date,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    cast,
    exists,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy import case as when
from sqlalchemy.orm import joinedload

from core.api import (
    Assignment,
    Country,
    Defender,
    Partner,
    Term,
    User,
    UTCDateTime,
    Viewer,
    built_once,
    db,
    read_rows,
    viewer,
    visible,
)

from . import search
from .models import (
    Action,
    Case,
    CaseDefender,
    CaseEvent,
    Consultation,
    Correction,
    Development,
    Outcome,
    Perpetrator,
    Response,
    case_violations,
    languages_with_text,
)
from .services import SORTS, VIOLATIONS, CaseFilters


class ActionRow(NamedTuple):
    """An action as the case page lists it and its timeline tells it."""

    id: int
    type: str
    status: str
    reference: str | None
    created_at: datetime
    published_at: datetime | None
    languages: list[str]
    responses: list[tuple[date, str, datetime | None]]  # (received on, kind, recorded at), in the order received
    corrections: list[tuple[datetime, str]]  # (when, reason), in the order made
    submitted_at: datetime | None = None  # when it was last sent for review


class DefenderRow(NamedTuple):
    id: int
    name: str
    consent_to_publish: bool
    publication_name: str
    confidentiality: str


class AssigneeRow(NamedTuple):
    id: int
    name: str


class PartnerRow(NamedTuple):
    id: int
    name: str
    confidentiality: str


class PerpetratorRow(NamedTuple):
    state: bool
    type: str
    details: str


class ConsultationRow(NamedTuple):
    partner_id: int
    partner: PartnerRow
    consulted_on: date
    answer: str
    notes: str
    recorded: datetime | None = None  # when it was written down (none before interventions_0009)


class OutcomeRow(NamedTuple):
    defender_id: int | None
    defender_name: str | None  # None once the defender is gone
    kind: str
    occurred_on: date
    notes: str
    recorded: datetime | None = None  # when it was written down (none before interventions_0009)


class EventRow(NamedTuple):
    kind: str  # closed, reopened
    reason: str
    at: datetime


class DevelopmentRow(NamedTuple):
    """A development as the case page lists it and its timeline tells it."""

    id: int
    occurred_on: date
    occurred_at: datetime | None
    act: str
    perpetrator: str
    what: str
    place: str
    reliability: str
    confidential: bool
    source_partner: PartnerRow | None
    source_details: str
    created_at: datetime

    @property
    def source_partner_id(self) -> int | None:
        return self.source_partner.id if self.source_partner else None


class CaseParts(NamedTuple):
    """The case's small parts, each in the order its relationship keeps."""

    defenders: list[DefenderRow]  # by name; restricted ones included (the page keeps those the user may see)
    assignees: list[AssigneeRow]  # the assigned case officers, by name
    source_partner: PartnerRow | None
    verified_by: str | None  # the name of who recorded the verification decision
    violations: list[str]  # labels in the user's language, in the list's order
    perpetrators: list[PerpetratorRow]
    consultations: list[ConsultationRow]
    outcomes: list[OutcomeRow]
    events: list[EventRow]
    developments: list[DevelopmentRow]  # in the order they happened; the confidential ones only when asked for


def case(case_id: int) -> Case | None:
    return db.session.scalar(_case_statement(), {"case_id": case_id})


def parts(case_id: int, confidential: bool = False) -> CaseParts:
    """The case's small parts; its confidential developments too when ``confidential`` (the reader may see
    them)."""
    language = str(get_locale() or "en")
    by_part: dict[str, list[Any]] = defaultdict(list)
    for row in read_rows(_parts_statement(), {"case_id": case_id, "language": language,
                                              "confidential": bool(confidential)}):
        by_part[row.part].append(row)

    def ordered(part: str) -> list[Any]:  # the statement's order
        return by_part[part]

    source = by_part["source"][0] if by_part["source"] else None
    return CaseParts(
        [DefenderRow(row.id, row.name, bool(row.flag), row.notes, row.confidentiality) for row in ordered("defender")],
        [AssigneeRow(row.id, row.name) for row in ordered("assignee")],
        PartnerRow(source.ref_id, source.name, source.confidentiality) if source else None,
        by_part["verifier"][0].name if by_part["verifier"] else None,
        [row.name for row in ordered("violation")],
        [PerpetratorRow(bool(row.flag), row.kind, row.notes) for row in ordered("perpetrator")],
        [ConsultationRow(row.ref_id, PartnerRow(row.ref_id, row.name, row.confidentiality), row.on, row.kind,
                         row.notes, row.at) for row in ordered("consultation")],
        [OutcomeRow(row.ref_id, row.name, row.kind, row.on, row.notes, row.at) for row in ordered("outcome")],
        [EventRow(row.kind, row.notes, row.at) for row in ordered("event")],
        [DevelopmentRow(row.id, row.on, row.at, row.kind, row.actor, row.notes, row.place, row.grade, bool(row.flag),
                        PartnerRow(row.ref_id, row.name, row.confidentiality) if row.ref_id is not None else None,
                        row.details, row.recorded)
         for row in sorted(by_part["development"], key=lambda row: (  # NULLs sort apart on each database
             row.on, row.at is not None, row.at.timestamp() if row.at else 0.0, row.id))])


def actions(case_id: int) -> list[ActionRow]:
    """The case's actions, oldest first, with the authorities' responses and the corrections of each."""
    found, responses, corrections = [], defaultdict(list), defaultdict(list)
    for row in read_rows(_actions_statement(), {"case_id": case_id}):
        if row.what == "action":
            found.append(row)
        elif row.what == "response":
            responses[row.action_id].append((row.on, row.detail, row.id, row.at))
        else:
            corrections[row.action_id].append((row.at, row.detail, row.id))
    return [ActionRow(row.id, row.type, row.status, row.reference, row.created_at, row.published_at,
                      languages_with_text(row),
                      [(on, kind, at) for on, kind, _id, at in sorted(responses[row.id], key=lambda r: (r[0], r[2]))],
                      [(at, reason) for at, reason, _id in sorted(corrections[row.id], key=lambda c: c[2])],
                      row.submitted_at)
            for row in sorted(found, key=lambda row: row.id)]


@built_once
def _case_statement() -> Select:
    return select(Case).where(Case.id == bindparam("case_id")).options(joinedload(Case.country))


@built_once
def _parts_statement() -> Any:
    """One row per small part of the case, told apart by ``part``; each kind of value in its own typed column.
    Each part in its order: the violations as their list orders them (``position``), defenders and officers by
    name (the database's order of names, as the lists' own), the others by date, then id."""
    case_id = bindparam("case_id")
    of_case = select(Case.source_partner_id, Case.verified_by_id).where(Case.id == case_id).subquery()
    language = bindparam("language", type_=String)
    label = func.coalesce(func.nullif(when((language == literal_column("'fr'"), Term.label_fr),
                                           (language == literal_column("'es'"), Term.label_es),
                                           else_=Term.label_en), literal_column("''")), Term.label_en)

    def row(part: str, id: Any = None, ref_id: Any = None, name: Any = None, confidentiality: Any = None,
            kind: Any = None, flag: Any = None, notes: Any = None, on: Any = None, at: Any = None,
            position: Any = None, actor: Any = None, place: Any = None, grade: Any = None, details: Any = None,
            recorded: Any = None) -> Select:
        def typed(value: Any, type_: Any) -> Any:  # a NULL cast to the column's type: PostgreSQL asks for it
            return cast(null(), type_) if value is None else value
        return select(literal(part).label("part"), typed(id, Integer).label("id"),
                      typed(ref_id, Integer).label("ref_id"), typed(name, String).label("name"),
                      typed(confidentiality, String).label("confidentiality"), typed(kind, String).label("kind"),
                      typed(flag, Boolean).label("flag"), typed(notes, String).label("notes"),
                      typed(on, Date).label("on"), typed(at, UTCDateTime).label("at"),
                      typed(position, Integer).label("position"), typed(actor, String).label("actor"),
                      typed(place, String).label("place"), typed(grade, String).label("grade"),
                      typed(details, String).label("details"), typed(recorded, UTCDateTime).label("recorded"))

    parts = union_all(
        row("defender", Defender.id, name=Defender.name, confidentiality=Defender.confidentiality,
            flag=Defender.consent_to_publish, notes=Defender.publication_name)
        .join(CaseDefender, CaseDefender.defender_id == Defender.id).where(CaseDefender.case_id == case_id),
        row("assignee", User.id, name=User.name)
        .join(Assignment, Assignment.user_id == User.id)
        .where(Assignment.record_type == literal(Case.__record_type__), Assignment.record_id == case_id),
        row("source", Partner.id, Partner.id, Partner.name, Partner.confidentiality)
        .where(Partner.id == of_case.c.source_partner_id),
        row("verifier", User.id, name=User.name).where(User.id == of_case.c.verified_by_id),
        row("violation", Term.id, name=label, position=Term.position)
        .join(case_violations, case_violations.c.term_id == Term.id).where(case_violations.c.case_id == case_id),
        row("perpetrator", Perpetrator.id, kind=Perpetrator.type, flag=Perpetrator.state, notes=Perpetrator.details)
        .where(Perpetrator.case_id == case_id),
        row("consultation", Consultation.id, Consultation.partner_id, Partner.name, Partner.confidentiality,
            Consultation.answer, notes=Consultation.notes, on=Consultation.consulted_on, at=Consultation.recorded_at)
        .join(Partner, Partner.id == Consultation.partner_id).where(Consultation.case_id == case_id),
        row("outcome", Outcome.id, Outcome.defender_id, Defender.name, Defender.confidentiality, Outcome.kind,
            notes=Outcome.notes, on=Outcome.occurred_on, at=Outcome.recorded_at)
        .outerjoin(Defender, Defender.id == Outcome.defender_id).where(Outcome.case_id == case_id),
        row("event", CaseEvent.id, kind=CaseEvent.kind, notes=CaseEvent.reason, at=CaseEvent.at)
        .where(CaseEvent.case_id == case_id),
        row("development", Development.id, Development.source_partner_id, Partner.name, Partner.confidentiality,
            Development.act, Development.confidential, Development.what, Development.occurred_on,
            Development.occurred_at, actor=Development.perpetrator, place=Development.place,
            grade=Development.reliability, details=Development.source_details, recorded=Development.created_at)
        .outerjoin(Partner, Partner.id == Development.source_partner_id)
        .where(Development.case_id == case_id,
               or_(Development.confidential.is_(False), bindparam("confidential", type_=Boolean)))).subquery()
    named = or_(parts.c.part == literal_column("'defender'"), parts.c.part == literal_column("'assignee'"))
    return select(parts).order_by(parts.c.part, parts.c.position, parts.c.on, parts.c.at,
                                  when((named, parts.c.name)), parts.c.id)


@built_once
def _actions_statement() -> Any:
    """The case's actions (``what`` is ``action``) and the responses and corrections of each, in one statement:
    each kind of value in its own typed column (a date for a response, a moment for a correction)."""
    case_id = bindparam("case_id")
    of_case = select(Action.id).where(Action.case_id == case_id)
    texts = (Action.title_en, Action.title_fr, Action.title_es, Action.body_en, Action.body_fr, Action.body_es)

    def none(type_: Any) -> Any:  # a NULL cast to the column's type: PostgreSQL asks for it
        return cast(null(), type_)

    def event(what: str, id: Any, action_id: Any, on: Any, at: Any, detail: Any) -> Select:
        return select(literal(what).label("what"), id, action_id, none(String), none(String), none(String),
                      none(UTCDateTime), none(UTCDateTime), none(UTCDateTime), *(none(String) for _text in texts),
                      on, at, detail)

    return union_all(
        select(literal("action").label("what"), Action.id.label("id"), none(Integer).label("action_id"),
               Action.type.label("type"), Action.status.label("status"), Action.reference.label("reference"),
               Action.created_at.label("created_at"), Action.published_at.label("published_at"),
               Action.submitted_at.label("submitted_at"),
               *(text.label(text.key) for text in texts), none(Date).label("on"), none(UTCDateTime).label("at"),
               none(String).label("detail")).where(Action.case_id == case_id),
        event("response", Response.id, Response.action_id, Response.received_on, Response.recorded_at, Response.kind)
        .where(Response.action_id.in_(of_case)),
        event("correction", Correction.id, Correction.action_id, none(Date), Correction.at, Correction.reason)
        .where(Correction.action_id.in_(of_case)))


# --- The dashboard ---------------------------------------------------------------------------------

def dashboard_rows(user: Any, reviews: bool, rows: int, consulted_before: date, received_before: datetime) -> list[Any]:
    """The rows of :func:`dashboard_statement` for ``user``."""
    return read_rows(dashboard_statement(viewer(user), reviews, rows), {
        "viewer_id": user.id, "consulted_before": consulted_before, "received_before": received_before}).all()


@built_once
def dashboard_statement(user: Viewer, reviews: bool, rows: int) -> Any:
    """The dashboard's rows, as ``(part, id, action_id, type, title, at)``, at most ``rows`` of each part, in one
    statement (the dashboard keeps its 10): part ``verify``, the open cases ``user`` may see waiting for
    verification, oldest report first (the widget); part ``mine``, those of them assigned to ``user`` whose
    verification is overdue (a consultation without an answer since the bind parameter ``consulted_before``, or
    none recorded on a report received before ``received_before``); with ``reviews``, part ``review``, the
    actions sent for review on cases ``user`` may see, the longest waiting first (``at``: when they were sent).
    Built once per kind of viewer and ``reviews`` (building it took 0.8 ms of the dashboard's 12)."""
    pending = (visible(Case, user), Case.status == Case.OPEN, Case.verification == Case.PENDING)
    nothing = (cast(null(), Integer).label("action_id"), cast(null(), String).label("type"))
    verify = select(literal("verify").label("part"), Case.id, *nothing, Case.title, Case.received_at.label("at")) \
        .where(*pending).order_by(Case.received_at, Case.id).limit(rows)
    silent = exists().where(Consultation.case_id == Case.id, Consultation.answer == "no_answer",
                            Consultation.consulted_on <= bindparam("consulted_before", type_=Date))
    unasked = and_(~exists().where(Consultation.case_id == Case.id),
                   Case.received_at < bindparam("received_before", type_=UTCDateTime))
    mine = select(literal("mine").label("part"), Case.id, *nothing, Case.title, Case.received_at.label("at")) \
        .where(*pending, Case.id.in_(select(Assignment.record_id).where(
            Assignment.user_id == user.id, Assignment.record_type == Case.__record_type__)), or_(silent, unasked)) \
        .order_by(Case.received_at, Case.id).limit(rows)
    parts = [select(verify.subquery()), select(mine.subquery())]
    if reviews:
        sent = func.coalesce(Action.submitted_at, Action.updated_at)  # an action put in review before it was dated
        review = select(literal("review").label("part"), Case.id, Action.id.label("action_id"),
                        Action.type.label("type"), Case.title, sent.label("at")) \
            .join(Case, Case.id == Action.case_id).where(Action.status == Action.IN_REVIEW, visible(Case, user)) \
            .order_by(sent, Action.id).limit(rows)
        parts.append(select(review.subquery()))
    return union_all(*parts)


def search_rows(user: Any, expression: str, limit: int, postgresql: bool) -> list[Any]:
    """The global search's cases: the ``limit`` newest that ``user`` may see matching the full-text
    ``expression`` (``search.match_expression``)."""
    return read_rows(search_statement(viewer(user), postgresql), {
        "viewer_id": user.id, "match": expression, "limit": limit}).all()


@built_once
def search_statement(user: Viewer, postgresql: bool) -> Select:
    """Rows ``(id, title, confidentiality, country_number, obs_number, first_issued, alpha3)`` of the cases
    matching the bind parameter ``match``, newest first, at most ``limit``. Built once per kind of viewer
    (building it took 0.8 ms of the global search's 9.5 at 100,000 records)."""
    return select(Case.id, Case.title, Case.confidentiality, Case.country_number, Case.obs_number,
                  Case.first_issued, Country.alpha3).join(Country, Country.id == Case.country_id) \
        .where(visible(Case, user), search.matching_to_bind(Case.id, postgresql)) \
        .order_by(Case.id.desc()).limit(bindparam("limit"))


# --- A defender's timeline -------------------------------------------------------------------------

def defender_steps(defender_id: int, user: Any) -> list[Any]:
    """Every step of the cases of a defender that ``user`` may see, in one statement: ``(part, case_id, id,
    on, at, recorded, kind, text, reference, confidentiality, flag)`` rows, in no order. The defender's file stays at the same number of
    statements however many cases, actions and developments concern them (one statement a part: seven more)."""
    cases = select(Case.id).join(CaseDefender, CaseDefender.case_id == Case.id).where(
        CaseDefender.defender_id == bindparam("defender_id"), visible(Case, user)).scalar_subquery()
    actions = select(Action.id).where(Action.case_id.in_(cases))

    def row(part: str, case_id: Any, id: Any, on: Any = None, at: Any = None, recorded: Any = None,
            kind: Any = None, text: Any = None, reference: Any = None, flag: Any = None) -> Select:
        def typed(value: Any, type_: Any) -> Any:  # a NULL cast to the column's type: PostgreSQL asks for it
            return cast(null(), type_) if value is None else value
        return select(literal(part).label("part"), typed(case_id, Integer).label("case_id"),
                      typed(id, Integer).label("id"), typed(on, Date).label("on"), typed(at, UTCDateTime).label("at"),
                      typed(recorded, UTCDateTime).label("recorded"), typed(kind, String).label("kind"),
                      typed(text, String).label("text"), typed(reference, String).label("reference"),
                      Case.confidentiality.label("confidentiality"), typed(flag, Boolean).label("flag"))

    of_case = Case.id.in_(cases)
    steps = union_all(
        row("case", Case.id, Case.id, at=Case.received_at, text=Case.title).where(of_case),
        row("consultation", Case.id, Consultation.id, on=Consultation.consulted_on, kind=Consultation.answer,
            recorded=Consultation.recorded_at)
        .join(Consultation, Consultation.case_id == Case.id).where(of_case),
        row("verification", Case.id, Case.id, on=Case.verified_on, kind=Case.verification, recorded=Case.verified_at)
        .where(of_case, Case.verified_on.is_not(None), Case.verification != literal(Case.PENDING)),
        row("development", Case.id, Development.id, on=Development.occurred_on, at=Development.occurred_at,
            recorded=Development.created_at, kind=Development.act, text=Development.what,
            reference=Development.perpetrator, flag=Development.confidential)
        .join(Development, Development.case_id == Case.id).where(of_case),
        row("review", Case.id, Action.id, at=Action.submitted_at, kind=Action.type)
        .join(Action, Action.case_id == Case.id).where(of_case, Action.submitted_at.is_not(None)),
        row("action", Case.id, Action.id, at=Action.published_at, kind=Action.type, reference=Action.reference)
        .join(Action, Action.case_id == Case.id)
        .where(of_case, Action.status == literal(Action.PUBLISHED), Action.published_at.is_not(None)),
        row("response", Case.id, Response.action_id, on=Response.received_on, kind=Response.kind,
            recorded=Response.recorded_at)
        .join(Action, Action.case_id == Case.id).join(Response, Response.action_id == Action.id)
        .where(of_case, Response.action_id.in_(actions)),
        row("outcome", Case.id, Outcome.id, on=Outcome.occurred_on, kind=Outcome.kind, recorded=Outcome.recorded_at)
        .join(Outcome, Outcome.case_id == Case.id)
        .where(of_case, or_(Outcome.defender_id.is_(None), Outcome.defender_id == bindparam("defender_id"))),
        row("status", Case.id, CaseEvent.id, at=CaseEvent.at, kind=CaseEvent.kind, text=CaseEvent.reason)
        .join(CaseEvent, CaseEvent.case_id == Case.id).where(of_case)).subquery()
    return list(read_rows(select(steps), {"defender_id": defender_id}))


# --- The case list --------------------------------------------------------------------------------

def cases_query(user: Any, filters: CaseFilters) -> Select:
    """The cases ``user`` may see, filtered and sorted in the database."""
    postgresql = db.engine.dialect.name == "postgresql"
    sort = filters.sort if filters.sort in SORTS else "-created"
    match = search.match_expression(filters.q, postgresql)
    year = int(filters.year) if filters.year.isdecimal() and len(filters.year) == 4 else None
    officer = int(filters.officer) if filters.officer.isdecimal() and len(filters.officer) < 10 else None
    query = select(Case).where(visible(Case, user))
    order = SORTS[sort]
    if match is not None:
        query = search.restrict_to_matches_to_bind(query, sort == "-created", postgresql)
    if filters.country:
        query = query.where(Case.country_id == select(Country.id).where(Country.alpha3 == bindparam("country"))
                            .scalar_subquery())
    if filters.region:
        query = query.where(Case.country_id.in_(select(Country.id).where(Country.region == bindparam("region"))))
    if filters.status in (Case.OPEN, Case.CLOSED):
        query = query.where(Case.status == bindparam("status"))
    if filters.verification:
        query = query.where(Case.verification == bindparam("verification"))
    if filters.violation:
        # The term's id found once. Newest first, the violation's cases drive, read newest first from their
        # index (term, case): the page stops after its rows. Otherwise one index seek per case (its link to
        # the violation), rather than reading each case's violations and their terms.
        term = select(Term.id).where(Term.vocabulary == VIOLATIONS, Term.key == bindparam("violation")) \
            .scalar_subquery()
        if sort == "-created" and match is None:
            query = query.join(case_violations, and_(case_violations.c.case_id == Case.id,
                                                     case_violations.c.term_id == term))
            order = (case_violations.c.case_id.desc(),)  # the same order as Case.id, the index's own
        else:
            query = query.where(exists().where(case_violations.c.case_id == Case.id,
                                               case_violations.c.term_id == term))
    stage = filters.action_stage if filters.action_stage in Action.STAGES else ""
    if filters.action_type or stage:  # one action of that type at that stage, when both are asked
        query = query.where(Case.actions.any(and_(
            *((Action.type == bindparam("action_type"),) if filters.action_type else ()),
            *((Action.status == bindparam("action_stage"),) if stage else ()))))
    if year is not None:
        query = query.where(Case.received_at >= bindparam("year_from", type_=Date),
                            Case.received_at < bindparam("year_to", type_=Date))
    if officer is not None:
        query = query.where(Case.id.in_(select(Assignment.record_id).where(
            Assignment.record_type == Case.__record_type__, Assignment.user_id == bindparam("officer"))))
    if filters.confidentiality:
        query = query.where(Case.confidentiality == bindparam("level"))
    if not (match is not None and sort == "-created"):
        query = query.order_by(*order)
    return query.params(
        match=match, country=filters.country, region=filters.region, status=filters.status,
        verification=filters.verification, violation=filters.violation, action_type=filters.action_type,
        action_stage=stage,
        officer=officer, level=filters.confidentiality, year_from=date(year, 1, 1) if year else None,
        year_to=date(year + 1, 1, 1) if year else None)


class TermChoice(NamedTuple):
    id: int
    key: str
    label: str


class StaffChoice(NamedTuple):
    id: int
    name: str


def filter_choices() -> tuple[list[TermChoice], list[StaffChoice]]:
    """The active violation terms, in order, labelled in the user's language; and the active staff by name
    (without loading their roles): what the list's filters and the case form offer, read in one statement (the
    case list stays at 4 statements)."""
    column = {"fr": 3, "es": 4}.get(str(get_locale() or "en"), 2)  # label_en, label_fr, label_es
    violations, staff = [], []
    for row in read_rows(_choices_statement(), {}):
        if row[0] == "violation":
            violations.append(TermChoice(row[1], row[2], row[column + 1] or row[3]))
        else:
            staff.append(StaffChoice(row[1], row[3]))
    return violations, staff


@built_once
def _choices_statement() -> Any:
    """``(part, id, key, label_en or name, label_fr, label_es)`` rows: the violations by their position, then the
    staff by name (the database's order of names, as the lists' own). A union keeps no order of its own: it is
    sorted by ``part``, then each part's own columns (ranking each part apart with a window cost twice as much)."""
    text = String()
    violations = select(literal("violation").label("part"), Term.id, Term.key, Term.label_en, Term.label_fr,
                        Term.label_es, Term.position.label("place"), Term.key.label("tie")) \
        .where(Term.vocabulary == VIOLATIONS, Term.active.is_(True))
    staff = select(literal("staff").label("part"), User.id, cast(null(), text), User.name, cast(null(), text),
                   cast(null(), text), cast(null(), Integer), User.name).where(User.active.is_(True))
    both = union_all(violations, staff).subquery()
    return select(both).order_by(both.c.part.desc(), both.c.place, both.c.tie, both.c.id)
