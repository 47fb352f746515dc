"""What happened on a case, in order: the report, consultations, the verification decision, each action's
steps. The same events, seen from a defender, feed the core's defender timeline."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import url_for

from core.api import TimelineEntry, id_url, in_true_order
from core.api import lazy_gettext as _l

from . import services
from .forms import ACTION_TYPES, ACTS, ANSWERS, OUTCOMES, PERPETRATOR_KINDS, RESPONSES, VERIFICATION_DECISIONS
from .models import Action, Case, Development
from .queries import ActionRow, CaseParts, DevelopmentRow


@dataclass(frozen=True)
class Event:
    when: datetime | date
    title: Any
    url: str | None = None
    recorded: datetime | None = None  # when it was written down: orders a day's steps known only by their date


def development_title(development: Development | DevelopmentRow) -> Any:
    """"Arrest: <what happened>" (the kind of act, then the text, cut short), marked when confidential."""
    what = development.what if len(development.what) <= 160 else development.what[:160].rsplit(" ", 1)[0] + " …"
    if development.confidential:
        return _l("Development (confidential): %(act)s: %(what)s", act=ACTS[development.act], what=what)
    return _l("Development: %(act)s: %(what)s", act=ACTS[development.act], what=what)


def case_timeline(case: Case, parts: CaseParts, actions: list[ActionRow], shown: dict[str, set[int]],
                  developments: list[DevelopmentRow] = ()) -> list[Event]:
    """Newest first, in true order (``core.api.in_true_order``); defenders and partners are named only when their
    ids are in ``shown`` (those the user may see); ``developments`` are those the user may see."""
    events = [Event(case.received_at, _l("Report received"))]
    for consultation in parts.consultations:
        partner = consultation.partner.name if consultation.partner_id in shown["partners"] else "—"
        events.append(Event(consultation.consulted_on, _l("%(partner)s consulted", partner=partner),
                            recorded=consultation.recorded))
    if case.verified_on and case.verification != Case.PENDING:
        events.append(Event(case.verified_on, VERIFICATION_DECISIONS[case.verification], recorded=case.verified_at))
    for action in actions:
        url = url_for("interventions.action", action_id=action.id)
        kind = ACTION_TYPES[action.type]
        events.append(Event(action.created_at, _l("%(kind)s drafted", kind=kind), url))
        if action.status == Action.PUBLISHED and action.published_at:
            events.append(Event(action.published_at, _l("%(kind)s published: %(code)s", kind=kind,
                                                         code=action.reference or "—"), url))
        if action.submitted_at:
            events.append(Event(action.submitted_at, _l("%(kind)s sent for review", kind=kind), url))
        for received_on, response, recorded in action.responses:
            events.append(Event(received_on, _l("Response of the authorities: %(kind)s", kind=RESPONSES[response]),
                                url, recorded))
        for at, reason in action.corrections:
            events.append(Event(at, _l("Published text corrected: %(reason)s", reason=reason), url))
    for outcome in parts.outcomes:
        who = f" ({outcome.defender_name})" if outcome.defender_name and outcome.defender_id in shown["defenders"] \
            else ""
        events.append(Event(outcome.occurred_on, _l("Outcome: %(kind)s", kind=OUTCOMES[outcome.kind]) + who,
                            recorded=outcome.recorded))
    for event in parts.events:
        label = _l("Case closed: %(reason)s", reason=event.reason) if event.kind == "closed" else \
            _l("Case reopened: %(reason)s", reason=event.reason)
        events.append(Event(event.at, label))
    for development in developments:
        events.append(Event(development.occurred_at or development.occurred_on, development_title(development),
                            recorded=development.created_at))
    return in_true_order(events)


#: The kinds of step the plugin puts on a defender's file, in the order a case's steps follow each other (steps
#: at the same moment keep it), with the label of the file's filter.
STEP_KINDS = {
    "case": _l("Reports received"), "consultation": _l("Verification and consultations"),
    "verification": _l("Verification and consultations"), "development": _l("Developments"),
    "review": _l("Drafts sent for review"), "action": _l("Published actions"),
    "response": _l("Responses of the authorities"), "outcome": _l("Outcomes"), "status": _l("Cases closed or reopened"),
}
FILTER_KINDS = {"consultation": "verification"}  # one filter for both
RANK = {part: rank for rank, part in enumerate(STEP_KINDS)}


def defender_entries(rows: list[Any]) -> list[TimelineEntry]:
    """The defender timeline's entries from ``queries.defender_steps`` rows, oldest first (each case's steps in
    the order they follow each other); the core merges and orders every plugin's."""
    case_url, action_url = id_url("interventions.show", "case_id"), id_url("interventions.action", "action_id")
    entries = []
    for row in sorted(rows, key=_order):
        kind = FILTER_KINDS.get(row.part, row.part)
        permission, url, when, recorded = services.VIEW, case_url(row.case_id), row.at or row.on, row.recorded
        if row.part == "case":
            title = _l("Report received: %(title)s", title=row.text)
        elif row.part == "consultation":
            title = _l("Partner consulted: %(answer)s", answer=ANSWERS[row.kind])
        elif row.part == "verification":
            title = _l("Verification: %(decision)s", decision=VERIFICATION_DECISIONS[row.kind])
        elif row.part == "development":
            if row.flag:  # by its kind only: the file is printed, and the text stays on the case's page
                title, permission = _l("Development (confidential): %(act)s", act=ACTS[row.kind]), services.EDIT
            else:
                title = _l("%(act)s (%(perpetrator)s): %(what)s", act=ACTS[row.kind],
                           perpetrator=PERPETRATOR_KINDS[row.reference], what=_short(row.text))
        elif row.part == "review":
            title, url = _l("%(kind)s sent for review", kind=ACTION_TYPES[row.kind]), action_url(row.id)
        elif row.part == "action":
            title = _l("%(kind)s published: %(code)s", kind=ACTION_TYPES[row.kind], code=row.reference or "—")
            url = action_url(row.id)
        elif row.part == "response":
            title, url = _l("Response of the authorities: %(kind)s", kind=RESPONSES[row.kind]), action_url(row.id)
        elif row.part == "outcome":
            title = _l("Outcome: %(kind)s", kind=OUTCOMES[row.kind])
        else:
            title = _l("Case closed: %(reason)s", reason=row.text) if row.kind == "closed" else \
                _l("Case reopened: %(reason)s", reason=row.text)
        entries.append(TimelineEntry(when, kind, title, url, row.confidentiality, permission, recorded=recorded,
                                     kind_label=STEP_KINDS[kind]))
    return entries


def _order(row: Any) -> tuple:
    """A case's steps by kind (the order they follow each other), then day, moment and id."""
    day = row.on or (row.at.date() if row.at else None)
    return (row.case_id, RANK[row.part], day.toordinal() if day else 0,
            row.at.timestamp() if row.at else 0.0, row.id)


def _short(text: str, limit: int = 160) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"
