"""The rules of advocacy, testable without HTTP: the catalogue, lists, saving and sending actions, consent,
answers and the reply the organisation waits for."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Select, delete, extract, func, select

from core.api import (
    INTERNAL_TITLE,
    PHRASE,
    PUBLIC,
    WITHHELD,
    Assignment,
    Attachment,
    Country,
    Protected,
    db,
    forget_tokens,
    format_date,
    index_tokens,
    linked_records,
    matching_word_prefixes,
    protect_text,
    save_assigned,
    utcnow,
    visible,
)
from core.api import lazy_gettext as _l

from . import queries, requirements
from .models import SYSTEMS, ActionDefender, ActionRecordLink, AdvocacyAction, Answer, Mechanism, MechanismSession

VIEW, EDIT, CATALOGUE = "advocacy.view", "advocacy.edit", "advocacy.catalogue"
CATALOGUE_FILE = Path(__file__).parent / "data" / "mechanisms.json"
CATALOGUE_COLUMNS = ("key", "system", "abbreviation", "name_en", "name_fr", "name_es", "working_languages",
                     "submission_en", "submission_fr", "submission_es")

SYSTEM_LABELS = {"un": _l("United Nations"), "oas": _l("Organization of American States"),
                 "au": _l("African Union"), "osce": _l("OSCE"), "eu": _l("European Union"),
                 "coe": _l("Council of Europe")}
assert set(SYSTEM_LABELS) == set(SYSTEMS)


class AdvocacyError(Exception):
    """A step the rules refuse; ``message`` is translated for the user."""

    def __init__(self, message: Any):
        super().__init__(message)
        self.message = message


# --- The catalogue -------------------------------------------------------------------------------

def shipped_catalogue() -> list[dict[str, str]]:
    """The mechanisms shipped with the plugin, in their order (``position``)."""
    rows = json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))
    return [{**{column: row.get(column, "") for column in CATALOGUE_COLUMNS}, "position": index}
            for index, row in enumerate(rows)]


def load_catalogue() -> list[str]:
    """Add the shipped mechanisms the database lacks; those already there keep the admins' edits.
    Returns the keys added (the caller commits)."""
    present = set(db.session.scalars(select(Mechanism.key)))
    added = [row for row in shipped_catalogue() if row["key"] not in present]
    mechanisms = [Mechanism(**row) for row in added]
    db.session.add_all(mechanisms)
    db.session.flush()
    for mechanism in mechanisms:
        index_tokens(mechanism)
    return [row["key"] for row in added]


def mechanisms(active_only: bool = True) -> list[Mechanism]:
    """The catalogue in its order, grouped by system (a few dozen rows, read in one query)."""
    rows = db.session.scalars(_mechanisms_statement(active_only)).all()
    return sorted(rows, key=lambda m: (SYSTEMS.index(m.system) if m.system in SYSTEMS else len(SYSTEMS)))


def _mechanisms_statement(active_only: bool) -> Select:
    query = select(Mechanism)
    if active_only:
        query = query.where(Mechanism.active.is_(True))
    return query.order_by(Mechanism.position, Mechanism.id)


def grouped(rows: list[Mechanism]) -> list[tuple[Any, list[Mechanism]]]:
    return [(SYSTEM_LABELS[system], [m for m in rows if m.system == system]) for system in SYSTEMS
            if any(m.system == system for m in rows)]


# --- Lists ---------------------------------------------------------------------------------------

@dataclass
class ActionFilters:
    q: str = ""
    mechanism: str = ""
    system: str = ""
    type: str = ""
    country: str = ""
    state: str = ""  # draft, sent, awaiting, overdue
    year: str = ""
    sort: str = "-sent"


STATES = ("draft", "sent", "awaiting", "overdue")
SORTS = {
    "-sent": (AdvocacyAction.sent_on.desc(), AdvocacyAction.id.desc()),
    "sent": (AdvocacyAction.sent_on, AdvocacyAction.id),
    "-updated": (AdvocacyAction.updated_at.desc(), AdvocacyAction.id.desc()),
}


def actions_query(user: Any, filters: ActionFilters, today: date | None = None) -> Select:
    """The actions ``user`` may see, filtered and sorted in the database."""
    query = select(AdvocacyAction).where(visible(AdvocacyAction, user), *matching_word_prefixes(AdvocacyAction, filters.q))
    if filters.mechanism.isdecimal() and len(filters.mechanism) < 10:
        query = query.where(AdvocacyAction.mechanism_id == int(filters.mechanism))
    if filters.system in SYSTEMS:
        query = query.where(AdvocacyAction.mechanism_id.in_(select(Mechanism.id).where(Mechanism.system == filters.system)))
    if filters.type in requirements.TYPES:
        query = query.where(AdvocacyAction.type == filters.type)
    if filters.country.isascii() and filters.country.isalpha():
        query = query.where(AdvocacyAction.country_id.in_(
            select(Country.id).where(Country.alpha3 == filters.country.upper())))
    today = today or utcnow().date()
    if filters.state == "draft":
        query = query.where(AdvocacyAction.sent_on.is_(None))
    elif filters.state == "sent":
        query = query.where(AdvocacyAction.sent_on.is_not(None))
    elif filters.state == "awaiting":
        query = query.where(AdvocacyAction.reply_expected_by >= today)
    elif filters.state == "overdue":
        query = query.where(AdvocacyAction.reply_expected_by < today)
    if filters.year.isdecimal() and len(filters.year) == 4:
        query = query.where(extract("year", AdvocacyAction.sent_on) == int(filters.year))
    return query.order_by(*SORTS.get(filters.sort, SORTS["-sent"]))


def latest_outcomes(action_ids: list[int]) -> dict[int, Any]:
    """For each action, its latest answer that is a result (measures granted, a state reply...): one query of
    plain rows (``kind``, ``received_on``), the list shows nothing else of them."""
    if not action_ids:
        return {}
    statement = queries.latest_outcomes_statement(db.session.get_bind().dialect.name == "postgresql")
    return {row.action_id: row for row in db.session.execute(statement, {"action_ids": action_ids})}


def outcome_counts(user: Any, condition: Any) -> dict[str, int]:
    """How many visible actions match ``condition`` (``"all"``, drafts included: the page's list needs no count
    of its own), how many of them were sent (``"sent"``), and how many got each kind of result: one statement,
    each count a row of one union."""
    return {kind: number for kind, number in db.session.execute(queries.outcome_counts_statement(user, condition))}


def sessions_of(mechanism_id: int, today: date, past: int = 10) -> tuple[list[MechanismSession], list]:
    """The mechanism's coming (and current) sessions and deadlines, and its latest ``past`` ones (latest first),
    read in one statement (built once per process): the coming ones and the latest past ones."""
    rows = db.session.scalars(queries.sessions_statement(),
                              {"mechanism_id": mechanism_id, "today": today, "past": past}).all()
    coming = [row for row in rows if (row.ends_on or row.starts_on) >= today]
    return coming, [row for row in reversed(rows) if (row.ends_on or row.starts_on) < today]


# --- Saving --------------------------------------------------------------------------------------

def save_action(action: AdvocacyAction, data: dict[str, Any], details: dict[str, str], assignees: set[int],
                author: Any) -> AdvocacyAction:
    """Apply validated data; the author stays assigned so a restricted action never vanishes for them."""
    for name, value in data.items():
        setattr(action, name, value)
    kept = {key: value for key, value in details.items() if key in requirements.DETAIL_KEYS and value}
    if kept != (action.details or {}):
        action.details = kept
    save_assigned(action, assignees, author, action.title)
    index_tokens(action)
    db.session.commit()
    return action


def record_consent(action: AdvocacyAction, defender_id: int, consent: str, on: date | None) -> None:
    """The defender's answer to being named in this submission; the date defaults to today."""
    if consent not in ActionDefender.CONSENTS:
        raise AdvocacyError(_l("Choose whether the defender consented."))
    link = next((link for link in action.defender_links if link.defender_id == defender_id), None)
    if link is None:
        raise AdvocacyError(_l("This defender is not linked to the action."))
    link.consent = consent
    link.consent_on = (on or utcnow().date()) if consent else None
    db.session.commit()


def mark_sent(action: AdvocacyAction, sent_on: date, reference: str, reply_expected_by: date | None) -> None:
    """Record the sending; refused while the type's requirements are not all met."""
    gaps = requirements.missing(action)
    if gaps:
        raise AdvocacyError(_l("Still missing before it can be sent: %(elements)s.",
                               elements=", ".join(str(element.label) for element in gaps)))
    if sent_on > utcnow().date():
        raise AdvocacyError(_l("The date it was sent cannot be in the future."))
    if reply_expected_by and reply_expected_by < sent_on:
        raise AdvocacyError(_l("A reply cannot be expected before the action was sent."))
    action.sent_on = sent_on
    action.reference = reference or action.reference
    action.reply_expected_by = reply_expected_by
    db.session.flush()
    index_tokens(action)
    db.session.commit()


def add_response(action: AdvocacyAction, kind: str, received_on: date, summary: str, expect_reply_by: date | None,
                 author: Any) -> Answer:
    """Record an answer. A state reply (or a recorded absence of reply) ends the wait; a new date to wait for
    may be given with any answer."""
    if not action.sent:
        raise AdvocacyError(_l("Record when the action was sent before recording answers."))
    if received_on < action.sent_on:
        raise AdvocacyError(_l("An answer cannot come before the action was sent (%(day)s).",
                               day=format_date(action.sent_on)))
    if received_on > utcnow().date():
        raise AdvocacyError(_l("The date of the answer cannot be in the future."))
    if expect_reply_by and expect_reply_by < received_on:
        raise AdvocacyError(_l("A further reply cannot be expected before this answer."))
    response = Answer(kind=kind, received_on=received_on, summary=summary, created_by_id=author.id)
    action.answers.append(response)
    if expect_reply_by:
        action.reply_expected_by = expect_reply_by
    elif kind in Answer.ENDS_WAIT:
        action.reply_expected_by = None
    if kind == Answer.PUBLIC_STATEMENT and action.made_public_on is None:
        action.made_public_on = received_on  # the mechanism published it
    db.session.flush()
    return response


def delete_draft(action: AdvocacyAction) -> list[str]:
    """Delete an action never sent (what was sent stays on record), with its search words, assignments and
    attachments; returns the stored names of the files to remove once committed."""
    if action.sent:
        raise AdvocacyError(_l("An action that was sent stays on record; it cannot be deleted."))
    files = db.session.scalars(select(Attachment).where(Attachment.record_type == AdvocacyAction.__record_type__,
                                                        Attachment.record_id == action.id)).all()
    stored = [file.stored_name for file in files]
    for file in files:
        db.session.delete(file)
    forget_tokens(AdvocacyAction.__record_type__, action.id)
    db.session.execute(delete(Assignment).where(Assignment.record_type == AdvocacyAction.__record_type__,
                                                Assignment.record_id == action.id))
    db.session.delete(action)
    db.session.commit()
    return stored


def add_session(mechanism: Mechanism, data: dict[str, Any]) -> MechanismSession:
    session = MechanismSession(mechanism_id=mechanism.id, **data)
    db.session.add(session)
    db.session.commit()
    return session


def mechanism_choices() -> list[tuple[int, str]]:
    return [(m.id, f"{SYSTEM_LABELS[m.system]} — {m.name}") for m in mechanisms()]


def countries_with_actions(user: Any) -> list[tuple[Country, int]]:
    """Countries the visible actions concern, with how many: for the country index (one grouped query)."""
    rows = db.session.execute(select(AdvocacyAction.country_id, func.count()).where(
        visible(AdvocacyAction, user), AdvocacyAction.country_id.is_not(None)).group_by(AdvocacyAction.country_id)).all()
    countries = {c.id: c for c in db.session.scalars(select(Country).where(Country.id.in_([r[0] for r in rows])))}
    return sorted(((countries[r[0]], r[1]) for r in rows), key=lambda pair: pair[0].name)


def by_mechanism(user: Any, condition: Any) -> list[tuple[Mechanism, int]]:
    """The mechanisms the visible actions matching ``condition`` went to, most used first (one query)."""
    counts = select(AdvocacyAction.mechanism_id, func.count().label("n")).where(
        visible(AdvocacyAction, user), condition).group_by(AdvocacyAction.mechanism_id).subquery()
    rows = db.session.execute(select(Mechanism, counts.c.n).join(counts, counts.c.mechanism_id == Mechanism.id)
                              .order_by(counts.c.n.desc(), Mechanism.position)).all()
    return [(row[0], row[1]) for row in rows]


def protected_terms(records: list[tuple[str, int]], external: bool) -> list[Protected]:
    """What the disclosure guard must keep out of an output about these actions: the details their type keeps
    confidential (the source of the information), and, outside the organisation, the title of an action that
    is not public (replaced by the mechanism's reference, the publishable way to name it)."""
    ids = [record_id for kind, record_id in records if kind == AdvocacyAction.__record_type__]
    if not ids:
        return []
    secret = [key for key, element in requirements.ELEMENTS.items() if element.confidential]
    found: list[Protected] = []
    for action in db.session.scalars(select(AdvocacyAction).where(AdvocacyAction.id.in_(ids))):
        record = (AdvocacyAction.__record_type__, action.id)
        for key in secret:
            found += protect_text("source", action.detail(key), record)
        if external and action.confidentiality != PUBLIC and action.title.strip():
            found.append(Protected(INTERNAL_TITLE, action.title, action.reference or WITHHELD, PHRASE, record))
    return found


def people_concerned(records: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """The defenders these actions concern and the records linked to them (whose own people the guard then asks
    their plugins for): their personal details stay out of any output about the actions."""
    ids = [record_id for kind, record_id in records if kind == AdvocacyAction.__record_type__]
    if not ids:
        return []
    found = [("defender", i) for i in db.session.scalars(
        select(ActionDefender.defender_id).where(ActionDefender.action_id.in_(ids)))]
    return found + linked_records(ActionRecordLink, ids)
