"""Who is told what about a grant request. Only people who may see the request are told; the messages
name the request by its number, never the beneficiary, and emails carry only a subject and a link."""
from __future__ import annotations

from typing import Any, Iterable

from core.api import NotificationKind, assignee_ids, holders, notify, record_url
from core.api import lazy_gettext as _l

from .models import GrantRequest
from .permissions import CHAIR, committee_members

SUBMITTED, EMERGENCY, RATIFY = "grant_submitted", "grant_emergency", "grant_ratify"
QUESTION, ANSWER, DECIDED = "grant_question", "grant_answer", "grant_decided"

KINDS = [
    NotificationKind(SUBMITTED, _l("Grant requests sent to the committee"),
                     _l("Grant request #%(number)s was sent to the committee: your vote is awaited."),
                     _l("A grant request awaits your vote"), email=True),
    NotificationKind(EMERGENCY, _l("Emergency grant requests"),
                     _l("Emergency: grant request #%(number)s awaits a decision within hours."),
                     _l("An emergency grant request awaits a decision"), email=True),
    NotificationKind(RATIFY, _l("Emergency decisions to ratify"),
                     _l("The chair decided grant request #%(number)s alone: the committee's vote is awaited."),
                     _l("An emergency decision awaits the committee's vote"), email=True),
    NotificationKind(QUESTION, _l("Questions on the grant requests I follow"),
                     _l("A question was asked on grant request #%(number)s."),
                     _l("A question was asked on a grant request"), email=True),
    NotificationKind(ANSWER, _l("Answers to my questions on grant requests"),
                     _l("Your question on grant request #%(number)s was answered."),
                     _l("Your question on a grant request was answered")),
    NotificationKind(DECIDED, _l("Decisions on the grant requests I follow"),
                     _l("A decision was recorded on grant request #%(number)s."),
                     _l("A decision was recorded on a grant request"), email=True),
]


def _tell(user_ids: Iterable[int], kind: str, request: GrantRequest, actor: Any) -> None:
    """Everyone in ``user_ids`` but the person who acted (``None``: the committee; the caller commits)."""
    notify(set(user_ids) - ({actor.id} if actor is not None else set()), kind, {"number": request.id},
           record_url(GrantRequest.__record_type__, request.id) or "/")


def _committee() -> list[int]:
    return [member.id for member in committee_members()]


def submitted(request: GrantRequest, actor: Any) -> None:
    """The committee (and, for an emergency, whoever may decide it alone) learns of a request to decide."""
    if request.urgency == GrantRequest.EMERGENCY:
        _tell({*_committee(), *(user.id for user in holders(CHAIR))}, EMERGENCY, request, actor)
    else:
        _tell(_committee(), SUBMITTED, request, actor)


def put_to_ratification(request: GrantRequest, actor: Any) -> None:
    _tell(_committee(), RATIFY, request, actor)


def question_asked(request: GrantRequest, actor: Any) -> None:
    """The staff assigned to the request are the ones who can answer."""
    _tell(assignee_ids(request), QUESTION, request, actor)


def question_answered(request: GrantRequest, asker_id: int | None, actor: Any) -> None:
    if asker_id is not None:
        _tell([asker_id], ANSWER, request, actor)


def decided(request: GrantRequest, actor: Any) -> None:
    _tell(assignee_ids(request), DECIDED, request, actor)
