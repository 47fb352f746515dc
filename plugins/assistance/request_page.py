"""A grant request's page: the request loaded if the viewer may see it (audited), and its page drawn with its
forms, blank or as they failed. Every view of a request (its file, the committee's and the money's steps)
answers with it."""
from __future__ import annotations

from typing import Any

from flask import flash, render_template
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from core.api import (
    AttachmentForm,
    Defender,
    assignee_names,
    attachments_of,
    can,
    converted,
    currency_choices,
    db,
    utcnow,
    visible_record,
)

from . import permissions, queries, services
from .forms import (
    DECISION_KINDS,
    FUNDING_STATUSES,
    OUTCOMES,
    PAYMENT_METHODS,
    VOTE_CHOICES,
    AnswerForm,
    CloseForm,
    ConflictForm,
    DecisionForm,
    PaymentForm,
    QuestionForm,
    ReasonForm,
    VoteForm,
)
from .models import GrantRequest, RequestEvent


def visible_request(request_id: int, *options) -> GrantRequest:
    """The request if the user may see it (``visible_record``: 404 otherwise, with no hint it exists; a view
    of a restricted request is audited)."""
    return visible_record(GrantRequest, request_id, *options)


def load_request(request_id: int) -> GrantRequest:
    """The request with everything its page shows, if the user may see it (each view is audited).

    Its creator and its four short lists (budget lines, other funders, decisions and payments) are joined to it,
    in one statement of lines × funders × decisions × payments rows: the forms allow at most 30 lines and 10
    funders, a request has one decision or two (a revision, a ratification) and a grant is paid in one instalment
    or a few, so usually a handful of rows and at worst a few thousand small ones, against four more statements
    on every view. The committee's lists (votes, declarations, questions) one query each. The history has its
    own page. Its statement is built once per process (``queries.request_page_statement``)."""
    return visible_record(GrantRequest, request_id, load=lambda id_: db.session.scalars(
        queries.request_page_statement(), {"request_id": id_}).unique().one_or_none())


def load_history(request_id: int) -> GrantRequest:
    """The request with its history (each change of status, who made it, the decision behind it), if the user
    may see it (each view is audited)."""
    return visible_record(
        GrantRequest, request_id, joinedload(GrantRequest.created_by).lazyload("*"),
        selectinload(GrantRequest.decisions),
        selectinload(GrantRequest.events).joinedload(RequestEvent.by).lazyload("*"))


def render_request(grant: GrantRequest, status: int = 200, **forms):
    """The request's page; ``forms`` replace the blank ones (a form that failed, shown with its errors). A blank
    form is built only where the page may offer it (its status and the user's rights): most are not offered in
    most states, and each costs as much to build as a statement to run."""
    member = permissions.is_member(current_user)
    mine = next((c for c in grant.conflicts if c.member_id == current_user.id), None)
    voted = next((v for v in grant.votes if v.member_id == current_user.id), None)
    state = services.standing(grant)
    voting, can_edit, can_chair = member and services.voting_open(grant), can(permissions.EDIT), can(permissions.CHAIR)
    can_pay, approved = can(permissions.BUDGET), grant.status == GrantRequest.APPROVED
    closable = can_edit and grant.status in (GrantRequest.DRAFT, *GrantRequest.OPEN)
    unanswered = can_edit and any(not question.answer for question in grant.questions)
    return render_template(
        "assistance/show.html", grant=grant, total=services.requested_total(grant),
        converted=converted, earlier=earlier_grants(grant.defender, grant), standing=state,
        tally=(state.tally if state else services.tally(grant)) if grant.status != GrantRequest.DRAFT else None,
        decisions_by_id={d.id: d for d in grant.decisions}, chair_in_place=services.chair_in_place(grant, state),
        rules=services.rules(), member=member, my_conflict=mine, my_vote=voted,
        voting_open=services.voting_open(grant), can_edit=can_edit, can_chair=can_chair,
        conflict_form=forms.get("conflict_form") or _blank(ConflictForm, voting),
        vote_form=forms.get("vote_form") or _blank(VoteForm, voting),
        question_form=forms.get("question_form") or _blank(
            QuestionForm, grant.status in GrantRequest.OPEN and (member or can_edit)),
        answer_form=forms.get("answer_form") or _blank(AnswerForm, unanswered),
        decision_form=forms.get("decision_form") or _blank(DecisionForm, can_chair),
        reason_form=forms.get("reason_form") or _blank(ReasonForm, closable),
        blank_answer=_blank(AnswerForm, unanswered), blank_reason=_blank(ReasonForm, closable),
        attachments=attachments_of(grant), attachment_form=AttachmentForm,
        granted=services.granted_amount(grant), can_pay=can_pay,
        paid=services.paid_amount(grant) if grant.status in (GrantRequest.APPROVED, GrantRequest.CLOSED) else 0,
        payment_form=payment_form(grant, forms.get("payment_form")) if can_pay and approved else None,
        payment_methods=PAYMENT_METHODS,
        close_form=forms.get("close_form") or _blank(CloseForm, can_edit and approved, received_on=utcnow().date()),
        budget_blocked=_budget_blocked(grant), today=utcnow().date(),
        failed=forms.get("failed", ""), assignees=assignee_names(grant), vote_choices=VOTE_CHOICES,
        outcomes=OUTCOMES, decision_kinds=DECISION_KINDS, funding_statuses=FUNDING_STATUSES), status


def _blank(form_class: Any, offered: bool, **data: Any) -> Any:
    """A blank form of ``form_class`` if the page may offer it, else None (the page does not show it)."""
    return form_class(formdata=None, **data) if offered else None


def page_again(request_id: int, **forms):
    """The page again, with the failed form and its errors (422); nothing was saved."""
    db.session.rollback()
    return render_request(load_request(request_id), 422, **forms)


def page_refused(request_id: int, error: services.RuleError, **forms):
    db.session.rollback()
    flash(error.message, "danger")
    return render_request(load_request(request_id), 422, **forms)


def payment_form(grant: GrantRequest, submitted: PaymentForm | None = None) -> PaymentForm:
    """The payment form, its currencies including the request's own (even if withdrawn since it was written)."""
    form = submitted or PaymentForm(formdata=None, paid_on=utcnow().date())
    form.currency.choices = currency_choices(grant.reporting_currency)
    return form




def _budget_blocked(grant: GrantRequest):
    """Why the committee's approval waits, if the year's budget cannot cover it."""
    if not services.voting_open(grant) or services.outcome_of(services.tally(grant), services.rules()) != "approved":
        return None
    try:
        services.check_budget(grant, services.requested_total(grant), utcnow().year)
    except services.BudgetExceeded as error:
        return error.message
    return None


def earlier_grants(defender: Defender, grant: GrantRequest | None) -> list[Any]:
    """The beneficiary's other approved or open requests: a possible double funding, shown on the form. Rows of
    what the warning names (number, status and type), not the requests."""
    other = grant is not None and grant.id is not None
    return db.session.execute(queries.earlier_requests_statement(other), {"defender_id": defender.id, "request_id": grant.id if other
                                                          else None}).all()
