"""What happened on a case, in order: the report, consultations, the verification decision, each action's
steps. The same events, seen from a defender, feed the core's defender timeline."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import url_for

from core.api import lazy_gettext as _l

from .forms import ACTION_TYPES, OUTCOMES, RESPONSES, VERIFICATION_DECISIONS
from .models import Action, Case
from .queries import ActionRow, CaseParts


@dataclass(frozen=True)
class Event:
    when: datetime | date
    title: Any
    url: str | None = None


def _sort_key(event: Event) -> datetime:
    when = event.when
    return when.replace(tzinfo=None) if isinstance(when, datetime) else datetime(when.year, when.month, when.day)


def case_timeline(case: Case, parts: CaseParts, actions: list[ActionRow], shown: dict[str, set[int]]) -> list[Event]:
    """Newest first; defenders and partners are named only when their ids are in ``shown`` (those the user
    may see)."""
    events = [Event(case.received_at, _l("Report received"))]
    for consultation in parts.consultations:
        partner = consultation.partner.name if consultation.partner_id in shown["partners"] else "—"
        events.append(Event(consultation.consulted_on, _l("%(partner)s consulted", partner=partner)))
    if case.verified_on and case.verification != Case.PENDING:
        events.append(Event(case.verified_on, VERIFICATION_DECISIONS[case.verification]))
    for action in actions:
        url = url_for("interventions.action", action_id=action.id)
        kind = ACTION_TYPES[action.type]
        events.append(Event(action.created_at, _l("%(kind)s drafted", kind=kind), url))
        if action.status == Action.PUBLISHED and action.published_at:
            events.append(Event(action.published_at, _l("%(kind)s published: %(code)s", kind=kind,
                                                         code=action.reference or "—"), url))
        for received_on, response in action.responses:
            events.append(Event(received_on, _l("Response of the authorities: %(kind)s", kind=RESPONSES[response]),
                                url))
        for at, reason in action.corrections:
            events.append(Event(at, _l("Published text corrected: %(reason)s", reason=reason), url))
    for outcome in parts.outcomes:
        who = f" ({outcome.defender_name})" if outcome.defender_name and outcome.defender_id in shown["defenders"] \
            else ""
        events.append(Event(outcome.occurred_on, _l("Outcome: %(kind)s", kind=OUTCOMES[outcome.kind]) + who))
    for event in parts.events:
        label = _l("Case closed: %(reason)s", reason=event.reason) if event.kind == "closed" else \
            _l("Case reopened: %(reason)s", reason=event.reason)
        events.append(Event(event.at, label))
    return sorted(events, key=_sort_key, reverse=True)
