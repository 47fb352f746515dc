"""What the case page reads: the case with its many-to-one records and small collections, then its violations,
defenders and actions as plain rows, each in one statement built once.

Rows rather than records: loading a case's defenders and actions as ORM records took 0.3 ms of the page, and
read what the page never shows (a defender's contact details, an action's texts). The page names only what it
lists here.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any, NamedTuple

from flask_babel import get_locale
from sqlalchemy import Date, Select, bindparam, literal_column, null, select, type_coerce, union_all
from sqlalchemy.orm import joinedload

from core.extensions import db
from core.models import UTCDateTime
from core.records.models import Defender, Term
from core.statements import built_once, read_rows

from .models import (
    Action,
    Case,
    CaseDefender,
    Consultation,
    Correction,
    Outcome,
    Response,
    case_violations,
    languages_with_text,
)


class ActionRow(NamedTuple):
    """An action as the case page lists it and its timeline tells it."""

    id: int
    type: str
    status: str
    reference: str | None
    created_at: datetime
    published_at: datetime | None
    languages: list[str]
    responses: list[tuple[date, str]]  # (received on, kind), in the order received
    corrections: list[tuple[datetime, str]]  # (when, reason), in the order made


def case(case_id: int) -> Case | None:
    return db.session.scalar(_case_statement(), {"case_id": case_id})


def violations(case_id: int) -> list[str]:
    """The labels of the case's violations, in the user's language and the list's order."""
    language = str(get_locale() or "en")
    return [getattr(row, f"label_{language}", None) or row.label_en
            for row in read_rows(_violations_statement(), {"case_id": case_id})]


def defenders(case_id: int) -> list[Any]:
    """(id, name, consent_to_publish, publication_name, confidentiality) of the case's defenders, by name."""
    return read_rows(_defenders_statement(), {"case_id": case_id}).all()


def actions(case_id: int) -> list[ActionRow]:
    """The case's actions, oldest first, with the authorities' responses and the corrections of each."""
    params = {"case_id": case_id}
    responses, corrections = defaultdict(list), defaultdict(list)
    for event in read_rows(_action_events_statement(), params):
        if event.what == "response":
            responses[event.action_id].append((event.on, event.detail, event.id))
        else:
            corrections[event.action_id].append((event.at, event.detail, event.id))
    return [ActionRow(row.id, row.type, row.status, row.reference, row.created_at, row.published_at,
                      languages_with_text(row),
                      [(on, kind) for on, kind, _id in sorted(responses[row.id], key=lambda r: (r[0], r[2]))],
                      [(at, reason) for at, reason, _id in sorted(corrections[row.id], key=lambda c: c[2])])
            for row in read_rows(_actions_statement(), params)]


@built_once
def _case_statement() -> Select:
    """The case with its many-to-one records and small collections, joined into the case's own query."""
    return select(Case).where(Case.id == bindparam("case_id")).options(
        joinedload(Case.country), joinedload(Case.source_partner), joinedload(Case.verified_by),
        joinedload(Case.perpetrators), joinedload(Case.consultations).joinedload(Consultation.partner),
        joinedload(Case.outcomes).joinedload(Outcome.defender), joinedload(Case.events))


@built_once
def _violations_statement() -> Select:
    return select(Term.label_en, Term.label_fr, Term.label_es) \
        .join(case_violations, case_violations.c.term_id == Term.id) \
        .where(case_violations.c.case_id == bindparam("case_id")).order_by(Term.position)


@built_once
def _defenders_statement() -> Select:
    return select(Defender.id, Defender.name, Defender.consent_to_publish, Defender.publication_name,
                  Defender.confidentiality) \
        .join(CaseDefender, CaseDefender.defender_id == Defender.id) \
        .where(CaseDefender.case_id == bindparam("case_id")).order_by(Defender.name, Defender.id)


@built_once
def _actions_statement() -> Select:
    return select(Action.id, Action.type, Action.status, Action.reference, Action.created_at, Action.published_at,
                  Action.title_en, Action.title_fr, Action.title_es, Action.body_en, Action.body_fr, Action.body_es) \
        .where(Action.case_id == bindparam("case_id")).order_by(Action.id)


@built_once
def _action_events_statement() -> Any:
    """The responses and corrections of all the case's actions, in one statement (a date for a response, a
    moment for a correction: each in its own typed column)."""
    of_case = select(Action.id).where(Action.case_id == bindparam("case_id"))
    return union_all(
        select(Response.id, Response.action_id, literal_column("'response'").label("what"),
               Response.received_on.label("on"), type_coerce(null(), UTCDateTime).label("at"),
               Response.kind.label("detail")).where(Response.action_id.in_(of_case)),
        select(Correction.id, Correction.action_id, literal_column("'correction'"), type_coerce(null(), Date),
               Correction.at, Correction.reason).where(Correction.action_id.in_(of_case)))
