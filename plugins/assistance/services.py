"""The rules of a grant request, testable without HTTP: who may see it, its life from draft to decision,
the committee's conflicts of interest and votes (counted under a lock, so none is lost or counted twice),
the decision rules (quorum of the members who may vote, majority, decided once the result cannot change; when
too few may vote or the deadline passed, the configured rule or the chair; an emergency decided by the chair,
then ratified), and revisions."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from flask import current_app
from sqlalchemy import Date, Integer, Select, bindparam, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from core.api import (
    PERSONAL,
    Protected,
    Term,
    can,
    can_see,
    converted,
    db,
    format_money,
    holder_ids,
    is_admin,
    protect_text,
    save_assigned,
    utcnow,
    visible,
)
from core.api import lazy_gettext as _l

from . import notices
from .models import (
    Conflict,
    Decision,
    Envelope,
    GrantCeiling,
    GrantRequest,
    OtherFunding,
    Payment,
    Question,
    RequestEvent,
    RequestLine,
    Vote,
)
from .permissions import CHAIR, VOTE, committee_members, is_member

GRANT_TYPES = "grant_types"
MAJORITIES = {"simple": Fraction(1, 2), "two_thirds": Fraction(2, 3)}  # more than this share of the votes cast


class RuleError(Exception):
    """A step the rules refuse; ``message`` is translated for the user."""

    def __init__(self, message: Any):
        super().__init__(message)
        self.message = message


# --- Who sees what --------------------------------------------------------------------------------

def visible_requests(user: Any, committee: bool | None = None) -> ColumnElement[bool]:
    """A WHERE clause keeping the requests ``user`` may see. Requests are restricted by default, so for
    staff this is the requests they are assigned to (or, rarely, ones marked internal). ``committee``: whether
    the user sees submitted requests (:func:`sees_submitted`), said by a statement built for a viewer
    (``queries.py``), which cannot ask."""
    if is_admin(user):
        return GrantRequest.id.is_not(None)
    staff = visible(GrantRequest, user)
    if sees_submitted(user) if committee is None else committee:
        return staff | (GrantRequest.status != GrantRequest.DRAFT)
    return staff


def sees_submitted(user: Any) -> bool:
    """The committee and its chair see every request once submitted."""
    return can(VOTE, user) or can(CHAIR, user)


def may_see(request: GrantRequest, user: Any) -> bool:
    """:func:`visible_requests` asked of one request already loaded (the record type's ``may_see``)."""
    if request.status != GrantRequest.DRAFT and sees_submitted(user):
        return True
    return can_see(request, user)


def requests_query(user: Any, status: str = "", urgency: str = "") -> Select:
    query = select(GrantRequest).where(visible_requests(user))
    if status in GrantRequest.STATUSES:
        query = query.where(GrantRequest.status == status)
    if urgency in (GrantRequest.EMERGENCY, GrantRequest.NORMAL):
        query = query.where(GrantRequest.urgency == urgency)
    return query.order_by(GrantRequest.updated_at.desc(), GrantRequest.id.desc())


def grant_types(active_only: bool = True) -> list[Term]:
    query = select(Term).where(Term.vocabulary == GRANT_TYPES)
    if active_only:
        query = query.where(Term.active.is_(True))
    return list(db.session.scalars(query.order_by(Term.position, Term.key)))


# --- Amounts --------------------------------------------------------------------------------------

def requested_total(request: GrantRequest) -> Decimal:
    return sum((converted(line.amount, line.rate, request.reporting_currency) for line in request.budget_lines),
               Decimal(0))


# --- The request's life ----------------------------------------------------------------------------

def save_request(request: GrantRequest, data: dict[str, Any], lines: list[dict[str, Any]],
                 fundings: list[dict[str, Any]], assignees: set[int], author: Any) -> GrantRequest:
    """Apply validated data; the author stays assigned so the (restricted) request never vanishes for them."""
    if request.status not in (GrantRequest.DRAFT, GrantRequest.AWAITING) and request.id is not None:
        raise RuleError(_l("A request being decided or decided can no longer be edited."))
    for name, value in data.items():
        setattr(request, name, value)
    total = sum((converted(line["amount"], line["rate"], request.reporting_currency) for line in lines), Decimal(0))
    check_ceiling(request.grant_type_id, total)
    request.budget_lines = [RequestLine(**line) for line in lines]
    request.fundings = [OtherFunding(**funding) for funding in fundings]
    save_assigned(request, assignees, author, None)  # the request's notices are its own (notices.py)
    db.session.commit()
    return request


def _event(request: GrantRequest, status: str, user: Any, reason: str = "", decision: Any = None) -> None:
    """A change of status, by ``user`` (``None``: the committee) or by the ``decision`` it follows."""
    request.status = status
    request.events.append(RequestEvent(status=status, reason=reason.strip(), by_id=user.id if user else None,
                                       decision=decision))


VOTE_DAYS = 2  # a vote's deadline leaves the committee at least these days: never a way round its vote
DEADLINE_TOO_SOON = _l("The committee's vote deadline must be at least two days from today: set a later one, or "
                       "none.")


def deadline_too_soon(deadline: date | None, today: date | None = None) -> bool:
    return deadline is not None and deadline < (today or utcnow().date()) + timedelta(days=VOTE_DAYS)


def submit(request: GrantRequest, user: Any) -> None:
    """Send a draft (or an answered request awaiting information) to the committee."""
    if request.status not in (GrantRequest.DRAFT, GrantRequest.AWAITING):
        raise RuleError(_l("Only a draft, or a request awaiting information, can be sent to the committee."))
    if not request.budget_lines:
        raise RuleError(_l("Add at least one budget line before sending the request."))
    if deadline_too_soon(request.vote_deadline):  # set long ago, or in the past: the chair would decide at once
        raise RuleError(DEADLINE_TOO_SOON)
    request.submitted_at = request.submitted_at or utcnow()
    _event(request, GrantRequest.SUBMITTED, user)
    notices.submitted(request, user)
    db.session.commit()


def ask_for_information(request: GrantRequest, question: str, user: Any) -> None:
    """A member or staff asks the requester; the request waits for the answer (and its votes stay)."""
    if request.status not in GrantRequest.OPEN:
        raise RuleError(_l("Questions are asked while the committee is deciding."))
    request.questions.append(Question(question=question.strip(), asked_by_id=user.id))
    _event(request, GrantRequest.AWAITING, user, question)
    notices.question_asked(request, user)
    db.session.commit()


def answer(question: Question, text: str, user: Any) -> None:
    question.answer, question.answered_by_id, question.answered_at = text.strip(), user.id, utcnow()
    notices.question_answered(db.session.get(GrantRequest, question.request_id), question.asked_by_id, user)
    db.session.commit()


def close_without_decision(request: GrantRequest, status: str, reason: str, user: Any) -> None:
    """Withdrawn (by staff) or ineligible (by the chair), always with a reason."""
    if status not in (GrantRequest.WITHDRAWN, GrantRequest.INELIGIBLE):
        raise RuleError(_l("This step is not possible now, or you may not take it."))
    if request.status not in (GrantRequest.DRAFT, *GrantRequest.OPEN):
        raise RuleError(_l("This step is not possible now, or you may not take it."))
    if not reason.strip():
        raise RuleError(_l("Give the reason."))
    _event(request, status, user, reason)
    db.session.commit()


# --- The committee -------------------------------------------------------------------------------

#: What applies when fewer members may vote on a request than the quorum: the quorum falls to the members who
#: may vote (not below ``ASSISTANCE_QUORUM_MINIMUM``; below it, the chair decides), or the chair decides.
LOWER_QUORUM, CHAIR_DECIDES = "lower_quorum", "chair"
DEADLOCK_RULES = (LOWER_QUORUM, CHAIR_DECIDES)


@dataclass(frozen=True)
class Rules:
    quorum: int
    majority: Fraction
    deadlock: str = LOWER_QUORUM
    minimum: int = 2

    def quorum_for(self, eligible: int) -> int | None:
        """The quorum when ``eligible`` members may vote: the configured one; when fewer may vote, under
        ``lower_quorum`` all of them if they are at least the minimum; ``None`` when the committee cannot
        decide and the chair does."""
        if eligible >= self.quorum:
            return self.quorum
        if self.deadlock == LOWER_QUORUM and eligible >= max(min(self.minimum, self.quorum), 1):
            return eligible
        return None


def rules() -> Rules:
    config = current_app.config
    return Rules(config["ASSISTANCE_QUORUM"], MAJORITIES[config["ASSISTANCE_MAJORITY"]],
                 config["ASSISTANCE_DEADLOCK_RULE"], config["ASSISTANCE_QUORUM_MINIMUM"])


def _locked(request_id: int) -> GrantRequest:
    """The request, its row locked until the transaction ends (PostgreSQL): votes on it are counted one
    transaction after the other. SQLite serialises writers by itself."""
    return db.session.scalar(select(GrantRequest).where(GrantRequest.id == request_id).with_for_update()
                             .execution_options(populate_existing=True))


def declare(request_id: int, member: Any, has_conflict: bool, note: str = "") -> GrantRequest:
    """A member's declaration of interest, once per request. A conflict leaves one member fewer who may vote,
    which may settle the vote (or lower the quorum): the decision due is taken at once."""
    request = _locked(request_id)
    if not voting_open(request) and request.status != GrantRequest.AWAITING:
        raise RuleError(_closed_message(request))
    if any(c.member_id == member.id for c in request.conflicts):
        raise RuleError(_l("You have already declared your interests on this request."))
    request.conflicts.append(Conflict(member_id=member.id, has_conflict=has_conflict, note=note.strip()))
    if has_conflict and voting_open(request):
        db.session.flush()
        _decide_if_due(request)
    db.session.commit()
    return request


def _closed_message(request: GrantRequest) -> Any:
    """Why a vote or a declaration is refused once the vote is over: decided by the committee, decided by the
    chair, or not before the committee."""
    decision = request.decision
    if request.status in (GrantRequest.APPROVED, GrantRequest.REJECTED, GrantRequest.CLOSED) and decision:
        if decision.kind in (Decision.COMMITTEE, Decision.RATIFICATION):
            return _l("The vote on this request is over: its result could no longer change, so it was decided "
                      "without the remaining votes.")
        return _l("This request has already been decided.")
    return _l("The committee is not voting on this request now.")


def vote(request_id: int, member: Any, choice: str, comment: str = "") -> GrantRequest:
    """Record the member's vote and, under the same lock, take the committee's decision if the rules allow."""
    request = _locked(request_id)
    if not voting_open(request):
        raise RuleError(_closed_message(request))
    if not is_member(member):
        raise RuleError(_l("Only committee members vote."))
    declaration = next((c for c in request.conflicts if c.member_id == member.id), None)
    if declaration is None:
        raise RuleError(_l("Declare your interests before voting."))
    if declaration.has_conflict:
        raise RuleError(_l("You declared a conflict of interest: you do not vote on this request."))
    if any(v.member_id == member.id for v in request.votes):
        raise RuleError(_l("You have already voted on this request."))
    if choice not in Vote.CHOICES:
        raise RuleError(_l("Choose approve, reject or abstain."))
    request.votes.append(Vote(member_id=member.id, choice=choice, comment=comment.strip()))
    try:
        db.session.flush()
    except IntegrityError:  # the same member voting twice at the same moment: the second one is refused
        db.session.rollback()
        raise RuleError(_l("You have already voted on this request.")) from None
    _decide_if_due(request)
    db.session.commit()
    return request


def pending_ratification(request: GrantRequest) -> Decision | None:
    """The chair's emergency decision in force that the committee has not voted on yet."""
    return request.decision if request.awaiting_ratification else None


def voting_open(request: GrantRequest) -> bool:
    """The committee votes on a submitted request, or to ratify the chair's emergency decision."""
    return request.status == GrantRequest.SUBMITTED or request.awaiting_ratification


@dataclass(frozen=True)
class Tally:
    approve: int
    reject: int
    abstain: int
    eligible: int

    @property
    def cast(self) -> int:
        return self.approve + self.reject + self.abstain


def tally(request: GrantRequest) -> Tally:
    """The votes of the members who may vote on the request: active committee members (``committee_members``)
    who have not declared a conflict; a vote of someone who has since left the committee no longer counts."""
    conflicted = {c.member_id for c in request.conflicts if c.has_conflict}
    eligible = [m for m in committee_members() if m.id not in conflicted]
    eligible_ids = {m.id for m in eligible}
    votes = [v for v in request.votes if v.member_id in eligible_ids]
    return Tally(sum(v.choice == Vote.APPROVE for v in votes), sum(v.choice == Vote.REJECT for v in votes),
                 sum(v.choice == Vote.ABSTAIN for v in votes), len(eligible))


def outcome_of(count: Tally, rule: Rules) -> str | None:
    """The committee's outcome, or ``None`` while the vote goes on.

    The result is the one everyone's votes would give: approved when more than the majority share of the votes
    for or against (abstentions aside) are for it, rejected otherwise. It is decided as soon as it can no longer
    change, whatever the members who have not voted yet choose, and once the quorum that applies is cast
    (:meth:`Rules.quorum_for`); not when the first votes arrive."""
    quorum = rule.quorum_for(count.eligible)
    if quorum is None or count.cast < quorum:
        return None
    remaining = max(count.eligible - count.cast, 0)
    expressed = count.approve + count.reject
    if expressed + remaining == 0:  # everyone abstained: no majority for it
        return Decision.REJECTED
    if Fraction(count.approve, expressed + remaining) > rule.majority:  # even if all the others vote against
        return Decision.APPROVED
    if Fraction(count.approve + remaining, expressed + remaining) <= rule.majority:  # even if all vote for it
        return Decision.REJECTED
    return None


@dataclass(frozen=True)
class Standing:
    """Where an open vote stands, computed on display: the tally, the quorum that applies (``None``: the
    committee cannot decide), whether fewer may vote than the configured quorum, and whether its deadline
    passed; in either case the chair or admins are warned and, when the committee cannot decide, the chair
    is asked to."""

    tally: Tally
    rules: Rules
    quorum: int | None
    overdue: bool

    @property
    def short(self) -> bool:
        return self.tally.eligible < self.rules.quorum

    @property
    def chair_asked(self) -> bool:
        return self.quorum is None or self.overdue


def chair_in_place(request: GrantRequest, state: Standing | None) -> bool:
    """Whether the chair's decision now takes the committee's place (:func:`chair_settles`): the chair is asked
    to decide, and this is not an emergency not yet decided (that one the chair decides alone, to be ratified),
    nor the chair's own emergency decision waiting for the committee's ratification."""
    emergency = request.urgency == GrantRequest.EMERGENCY and not request.decisions
    return state is not None and state.chair_asked and not emergency and not request.awaiting_ratification


def standing(request: GrantRequest, today: Any = None) -> Standing | None:
    """How the vote stands while the committee votes, else ``None``."""
    if not voting_open(request):
        return None
    count, rule = tally(request), rules()
    today = today or utcnow().date()
    return Standing(count, rule, rule.quorum_for(count.eligible),
                    request.vote_deadline is not None and request.vote_deadline < today)


def _decide_if_due(request: GrantRequest, strict: bool = False) -> None:
    """Record the committee's outcome once due. An approval the year's budget cannot cover waits (the vote
    stays) until a coordinator raises the envelope, which counts again (``strict`` says why it waits). The
    decision is the committee's: nobody is credited with it but the committee, its tally recorded."""
    count = tally(request)
    outcome = outcome_of(count, rules())
    if outcome is None:
        return
    chair = pending_ratification(request)
    if outcome == Decision.APPROVED and chair is None:
        try:
            check_budget(request, requested_total(request), utcnow().year)
        except BudgetExceeded:
            if strict:
                raise
            return
    if chair is not None:  # the committee ratifies the chair's decision, or overturns it
        chair.ratified, request.awaiting_ratification = outcome == chair.outcome, False
        amount, conditions, kind = chair.amount, chair.conditions, Decision.RATIFICATION
    else:
        amount, conditions, kind = requested_total(request), "", Decision.COMMITTEE
    decision = Decision(kind=kind, outcome=outcome, amount=amount if outcome == Decision.APPROVED else None,
                        conditions=conditions, votes_for=count.approve, votes_against=count.reject,
                        abstentions=count.abstain)
    request.decisions.append(decision)
    _event(request, _status_of(outcome), None, decision=decision)
    notices.decided(request, None)


def decision_due(request: GrantRequest) -> bool:
    """Whether the committee's decision is due on a request nobody voted on since (a member left the committee,
    was deactivated, or lost the vote): what the request's page asks before it is shown."""
    state = standing(request)
    outcome = outcome_of(state.tally, state.rules) if state is not None else None
    if outcome is None:
        return False
    if outcome == Decision.APPROVED and pending_ratification(request) is None:
        try:
            check_budget(request, requested_total(request), utcnow().year)
        except BudgetExceeded:
            return False  # it waits for the budget, as the page says
    return True


def settle(request_id: int) -> bool:
    """Take the committee's decision if it has become due without a vote (a member left the committee or was
    deactivated): under the same lock as votes. Whether a decision was taken."""
    request = _locked(request_id)
    decided = False
    if voting_open(request):
        before = len(request.decisions)
        _decide_if_due(request)
        decided = len(request.decisions) > before
    db.session.commit()
    return decided


def settle_all() -> int:
    """:func:`settle` every request before the committee (after a budget was raised, for instance), locked one
    after the other in the order of their ids; how many were decided."""
    ids = list(db.session.scalars(select(GrantRequest.id).where(or_(*BEFORE_THE_COMMITTEE))
                                  .order_by(GrantRequest.id)))
    return sum(settle(request_id) for request_id in ids)


def _status_of(outcome: str) -> str:
    return GrantRequest.APPROVED if outcome == Decision.APPROVED else GrantRequest.REJECTED


def _new_decision(request: GrantRequest, kind: str, outcome: str, amount: Decimal | None, conditions: str,
                  reason: str, user: Any) -> None:
    if outcome not in (Decision.APPROVED, Decision.REJECTED):
        raise RuleError(_l("Choose approve or reject."))
    if outcome == Decision.APPROVED and not amount:
        raise RuleError(_l("Give the amount granted."))
    if outcome == Decision.APPROVED:
        check_ceiling(request.grant_type_id, amount)
    if outcome == Decision.APPROVED:  # the amount in force before this decision is released first
        current = granted_amount(request) if request.decision and request.decision.decided_at.year == utcnow().year \
            else None
        check_budget(request, amount - (current or Decimal(0)), utcnow().year)
    decision = Decision(kind=kind, outcome=outcome, conditions=conditions.strip(),
                        amount=amount if outcome == Decision.APPROVED else None, reason=reason.strip(),
                        decided_by_id=user.id)
    request.decisions.append(decision)
    _event(request, _status_of(outcome), user, reason, decision=decision)
    notices.decided(request, user)
    if request.awaiting_ratification:
        notices.put_to_ratification(request, user)
    db.session.commit()


def chair_decides(request: GrantRequest, outcome: str, amount: Decimal | None, conditions: str, reason: str,
                  chair: Any) -> None:
    """An emergency decided by the chair (or a delegate) alone, in force at once; the committee then votes
    on it, which ratifies it or overturns it."""
    if request.urgency != GrantRequest.EMERGENCY:
        raise RuleError(_l("Only emergencies may be decided by the chair alone."))
    if request.status not in GrantRequest.OPEN or request.decisions:
        raise RuleError(_l("This request has already been decided."))
    request.awaiting_ratification = True
    _new_decision(request, Decision.CHAIR, outcome, amount, conditions, reason, chair)


def chair_settles(request_id: int, outcome: str, amount: Decimal | None, conditions: str, reason: str,
                  chair: Any) -> GrantRequest:
    """The chair's decision when the committee cannot reach one: too few may vote under the rule that applies,
    or the vote's deadline passed. Under the votes' lock, so it never crosses the committee's own decision."""
    request = _locked(request_id)
    state = standing(request)
    if state is None:
        raise RuleError(_closed_message(request))
    if not state.chair_asked:
        raise RuleError(_l("The committee can still decide this request: the chair decides only when too few "
                           "members may vote, or once the vote's deadline has passed."))
    request.awaiting_ratification = False
    _new_decision(request, Decision.CASTING, outcome, amount, conditions, reason, chair)
    return request


def revise(request: GrantRequest, outcome: str, amount: Decimal | None, conditions: str, reason: str,
           chair: Any) -> None:
    """A decision taken is never changed; a new one, with its reason, supersedes it."""
    if not request.decisions:
        raise RuleError(_l("There is no decision to revise yet."))
    if not reason.strip():
        raise RuleError(_l("Give the reason."))
    request.awaiting_ratification = False  # the revision, reasoned, is the decision in force
    _new_decision(request, Decision.REVISION, outcome, amount, conditions, reason, chair)


def waiting_query(member: Any) -> Select:
    """Requests before the committee (or awaiting ratification) on which ``member`` has neither voted nor
    declared a conflict, oldest first."""
    return select(GrantRequest).where(or_(*BEFORE_THE_COMMITTEE), *undecided_by(member.id)).order_by(
        GrantRequest.submitted_at, GrantRequest.id)


#: The two ways a request comes before the committee: submitted, or decided by the chair alone and awaiting
#: the committee's ratification.
BEFORE_THE_COMMITTEE = (GrantRequest.status == GrantRequest.SUBMITTED, GrantRequest.awaiting_ratification.is_(True))


def undecided_by(member_id: Any) -> tuple[ColumnElement[bool], ...]:
    """Requests on which the member has neither voted nor declared a conflict; ``member_id`` may be a bind
    parameter."""
    voted = select(Vote.request_id).where(Vote.member_id == member_id)
    conflicted = select(Conflict.request_id).where(Conflict.member_id == member_id, Conflict.has_conflict.is_(True))
    return GrantRequest.id.not_in(voted), GrantRequest.id.not_in(conflicted)


@dataclass(frozen=True)
class Stuck:
    """A request before the committee that cannot go on as usual: fewer may vote than the quorum, or its
    deadline passed; ``standing`` says which rule applies (its tally holds only the members who may vote)."""

    id: int
    urgency: str
    submitted_at: Any
    deadline: Any
    standing: Standing


def stuck_votes(limit: int, today: Any = None) -> list[Stuck]:
    """The first ``limit`` requests before the committee on which fewer members may vote than the quorum, or
    whose vote's deadline passed, oldest first, in one statement whatever their number."""
    today = today or utcnow().date()
    rows = db.session.execute(stuck_statement(), {"quorum": rules().quorum, "today": today, "limit": limit})
    return stuck_of(rows, today)


def stuck_of(rows: Any, today: Any) -> list[Stuck]:
    """:class:`Stuck` requests from rows of :func:`stuck_statement`."""
    rule = rules()
    found = []
    for row in rows:
        eligible = max(row.members - row.conflicted, 0)
        found.append(Stuck(row.id, row.urgency, row.submitted_at, row.vote_deadline, Standing(
            Tally(0, 0, 0, eligible), rule, rule.quorum_for(eligible),
            row.vote_deadline is not None and row.vote_deadline < today)))
    return found


def stuck_statement() -> Select:
    """Requests before the committee with fewer members who may vote (the committee, counted in the same
    statement, less those in conflict) than the bind parameter ``quorum``, or whose deadline is before ``today``:
    the ``limit`` oldest, as rows (id, urgency, submitted_at, vote_deadline, conflicted, members)."""
    members = holder_ids(VOTE).subquery()
    member_count = select(func.count()).select_from(members).scalar_subquery()
    conflicted = func.count(Conflict.id)
    return select(GrantRequest.id, GrantRequest.urgency, GrantRequest.submitted_at, GrantRequest.vote_deadline,
                  conflicted.label("conflicted"), member_count.label("members")) \
        .outerjoin(Conflict, (Conflict.request_id == GrantRequest.id) & Conflict.has_conflict.is_(True)
                   & Conflict.member_id.in_(select(members.c.id))) \
        .where(or_(*BEFORE_THE_COMMITTEE)) \
        .group_by(GrantRequest.id, GrantRequest.urgency, GrantRequest.submitted_at, GrantRequest.vote_deadline) \
        .having((member_count - conflicted < bindparam("quorum", type_=Integer))
                | (GrantRequest.vote_deadline < bindparam("today", type_=Date))) \
        .order_by(GrantRequest.submitted_at, GrantRequest.id).limit(bindparam("limit"))


def waiting_for(member: Any, limit: int | None = None) -> list[GrantRequest]:
    """The first ``limit`` (or all) of :func:`waiting_query`, in one query."""
    query = waiting_query(member)
    return list(db.session.scalars(query.limit(limit) if limit else query))


# --- Budget envelopes, payments and the beneficiary's report --------------------------------------

class BudgetExceeded(RuleError):
    """An approval the year's budget cannot cover."""


@dataclass(frozen=True)
class EnvelopeUse:
    """One line of the budget page: an envelope (or none set) and what is allocated and paid against it."""

    term: Any  # a grant type, or None for all grants
    envelope: Decimal | None
    allocated: Decimal
    paid: Decimal

    @property
    def remaining(self) -> Decimal | None:
        return None if self.envelope is None else self.envelope - self.allocated


def granted_amount(request: GrantRequest) -> Decimal | None:
    """The amount of the decision in force, if it approves the grant."""
    decision = request.decision
    return decision.amount if decision is not None and decision.outcome == Decision.APPROVED else None


def paid_amount(request: GrantRequest) -> Decimal:
    return sum((converted(p.amount, p.rate, request.reporting_currency) for p in request.payments), Decimal(0))


def _granted_in(year: int) -> list[GrantRequest]:
    """Requests whose decision in force approves a grant decided in ``year`` (a few hundred a year at most)."""
    from sqlalchemy.orm import selectinload

    requests = db.session.scalars(select(GrantRequest).where(GrantRequest.status.in_(
        (GrantRequest.APPROVED, GrantRequest.CLOSED))).options(selectinload(GrantRequest.decisions),
                                                             selectinload(GrantRequest.payments)))
    return [r for r in requests if granted_amount(r) is not None and r.decision.decided_at.year == year]


def overall_use(year: int) -> tuple[Decimal | None, Decimal]:
    """(envelope for all grants, amount allocated) of ``year`` in one query, for the dashboard: the amounts
    of the decisions in force (no later decision on the request) that approve a grant decided that year."""
    from sqlalchemy import exists, extract, func

    later = aliased(Decision)
    envelope = select(Envelope.amount).where(Envelope.year == year, Envelope.term_id.is_(None)).scalar_subquery()
    row = db.session.execute(
        select(func.coalesce(func.sum(Decision.amount), 0).label("allocated"), envelope.label("envelope"))
        .select_from(Decision).join(GrantRequest, GrantRequest.id == Decision.request_id)
        .where(~exists().where(later.request_id == Decision.request_id, later.id > Decision.id),
               Decision.outcome == Decision.APPROVED, extract("year", Decision.decided_at) == year,
               GrantRequest.status.in_((GrantRequest.APPROVED, GrantRequest.CLOSED)))).one()
    return (None if row.envelope is None else Decimal(row.envelope)), Decimal(row.allocated).quantize(Decimal("0.01"))


def budget_use(year: int) -> list[EnvelopeUse]:
    """All grants first, then each grant type: envelope, allocated (approved amounts) and paid."""
    envelopes = {e.term_id: e.amount for e in db.session.scalars(select(Envelope).where(Envelope.year == year))}
    granted = _granted_in(year)
    rows = [EnvelopeUse(None, envelopes.get(None), sum((granted_amount(r) for r in granted), Decimal(0)),
                        sum((paid_amount(r) for r in granted), Decimal(0)))]
    for term in grant_types(active_only=False):
        mine = [r for r in granted if r.grant_type_id == term.id]
        if term.id in envelopes or mine:
            rows.append(EnvelopeUse(term, envelopes.get(term.id), sum((granted_amount(r) for r in mine), Decimal(0)),
                                    sum((paid_amount(r) for r in mine), Decimal(0))))
    return rows


def check_budget(request: GrantRequest, amount: Decimal, year: int) -> None:
    """Refuse an approval of ``amount`` the year's envelopes (all grants, and the request's type) cannot cover."""
    uses = {use.term.id if use.term else None: use for use in budget_use(year)}
    overall, own = uses.get(None), uses.get(request.grant_type_id)
    if (overall is None or overall.envelope is None) and (own is None or own.envelope is None):
        raise BudgetExceeded(_l("No budget is set for %(year)d: a coordinator sets it on the budget page first.",
                                year=year))
    for use in (overall, own):
        if use is not None and use.envelope is not None and amount > use.remaining:
            raise BudgetExceeded(_l(
                "The %(year)d budget has %(remaining)s left for this grant, less than %(amount)s: a coordinator "
                "must raise the envelope first.", year=year, remaining=format_money(use.remaining, request.reporting_currency),
                amount=format_money(amount, request.reporting_currency)))


def ceilings() -> dict[int, Decimal]:
    return {c.term_id: c.amount for c in db.session.scalars(select(GrantCeiling))}


def check_ceiling(grant_type_id: int, amount: Decimal) -> None:
    """Refuse an amount above the ceiling admins set for the grant type."""
    ceiling = ceilings().get(grant_type_id)
    if ceiling is not None and amount > ceiling:
        currency = current_app.config["ASSISTANCE_CURRENCY"]
        raise RuleError(_l("%(amount)s is above the ceiling of %(ceiling)s for this type of grant.",
                           amount=format_money(amount, currency), ceiling=format_money(ceiling, currency)))


def set_ceiling(term_id: int, amount: Decimal | None) -> None:
    ceiling = db.session.get(GrantCeiling, term_id)
    if amount is None:
        if ceiling is not None:
            db.session.delete(ceiling)
    elif ceiling is None:
        db.session.add(GrantCeiling(term_id=term_id, amount=amount, currency=current_app.config["ASSISTANCE_CURRENCY"]))
    else:
        ceiling.amount = amount
    db.session.commit()


def set_envelope(year: int, term_id: int | None, amount: Decimal) -> None:
    envelope = db.session.scalar(select(Envelope).where(Envelope.year == year, Envelope.term_id.is_(None)
                                                        if term_id is None else Envelope.term_id == term_id))
    if envelope is None:
        db.session.add(Envelope(year=year, term_id=term_id, amount=amount,
                                currency=current_app.config["ASSISTANCE_CURRENCY"]))
    else:
        envelope.amount = amount
    db.session.commit()
    settle_all()  # an approval that waited for the budget goes through now


def recount(request_id: int) -> GrantRequest:
    """Take the committee's decision again, under the same lock as votes; says why it still waits, if it does.
    Envelopes set, conflicts declared and views of the request count again by themselves: this is the
    chair's button for the rest."""
    request = _locked(request_id)
    if not voting_open(request):
        raise RuleError(_closed_message(request))
    _decide_if_due(request, strict=True)
    db.session.commit()
    return request


def pay(request: GrantRequest, data: dict[str, Any], report_due_on: Any, user: Any) -> None:
    """Record an instalment: never more than granted in all, and above the configured amount the grant is paid
    in instalments of at most half of it."""
    granted = granted_amount(request)
    if granted is None or request.status != GrantRequest.APPROVED:
        raise RuleError(_l("Only an approved grant is paid."))
    rate = Decimal(1) if data["currency"] == request.reporting_currency else data["rate"]
    value = converted(data["amount"], rate, request.reporting_currency)
    if paid_amount(request) + value > granted:
        raise RuleError(_l("This payment would exceed the amount granted (%(granted)s).", granted=format_money(granted, request.reporting_currency)))
    threshold = Decimal(current_app.config["ASSISTANCE_INSTALMENTS_ABOVE"])
    if granted > threshold and value > granted / 2:
        raise RuleError(_l("Grants above %(threshold)s are paid in instalments: at most half of the grant at once.",
                           threshold=format_money(threshold, request.reporting_currency)))
    request.payments.append(Payment(paid_on=data["paid_on"], amount=data["amount"], currency=data["currency"],
                                    rate=rate, method=data["method"], reference=data["reference"].strip(),
                                    created_by_id=user.id))
    if report_due_on:
        request.report_due_on = report_due_on
    db.session.commit()


def close_grant(request: GrantRequest, received_on: Any, user: Any) -> None:
    """The beneficiary's report is in (receipts attached to the request): the grant is closed."""
    if request.status != GrantRequest.APPROVED:
        raise RuleError(_l("Only an approved grant is closed."))
    if received_on is None:
        raise RuleError(_l("Give the date the beneficiary's report was received."))
    request.report_received_on = received_on
    _event(request, GrantRequest.CLOSED, user)
    db.session.commit()


def report_overdue(today: Any) -> ColumnElement[bool]:
    """Approved requests whose beneficiary's report, due before ``today`` (a date or a bind parameter), has not
    come."""
    return (GrantRequest.status == GrantRequest.APPROVED) & (GrantRequest.report_due_on < today) \
        & GrantRequest.report_received_on.is_(None)


def protected_terms(records: list[tuple[str, int]]) -> list[Protected]:
    """What the disclosure guard must keep out of any output about these grant requests: where the beneficiary
    is relocated, their family, their visa and security arrangements."""
    ids = [record_id for kind, record_id in records if kind == GrantRequest.__record_type__]
    if not ids:
        return []
    found: list[Protected] = []
    for request_id, destination, family, visa in db.session.execute(select(
            GrantRequest.id, GrantRequest.destination, GrantRequest.family_members,
            GrantRequest.visa_and_security).where(GrantRequest.id.in_(ids))):
        record = (GrantRequest.__record_type__, request_id)
        found += protect_text(PERSONAL, destination, record) + protect_text(PERSONAL, family, record)
        found += protect_text(PERSONAL, visa, record, whole=False)
    return found


def people_concerned(records: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """The beneficiaries of these grant requests and the partners who referred them: their personal details stay
    out of any output about the requests."""
    ids = [record_id for kind, record_id in records if kind == GrantRequest.__record_type__]
    if not ids:
        return []
    found: list[tuple[str, int]] = []
    for defender_id, partner_id in db.session.execute(select(GrantRequest.defender_id, GrantRequest.partner_id)
                                                      .where(GrantRequest.id.in_(ids))):
        found.append(("defender", defender_id))
        if partner_id is not None:
            found.append(("partner", partner_id))
    return found
