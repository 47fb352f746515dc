"""The request's file and what is done on it: sending it to the committee, questions and answers,
declarations of interest and votes, the chair's emergency decision, revisions, withdrawal; and the
committee's own page."""
from __future__ import annotations

from datetime import timedelta

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from core.api import (
    AttachmentForm,
    ConfirmForm,
    attachments_of,
    can,
    converted,
    db,
    page_argument,
    page_size,
    permission_required,
    record_pages,
    utcnow,
)
from core.api import gettext as _

from . import services
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
    QuestionForm,
    ReasonForm,
    VoteForm,
)
from .models import GrantRequest, Question
from .views import earlier_grants, load_request, visible_request


def render_request(grant: GrantRequest, status: int = 200, **forms):
    """The request's page; ``forms`` replace the blank ones (a form that failed, shown with its errors)."""
    member = services.is_member(current_user)
    mine = next((c for c in grant.conflicts if c.member_id == current_user.id), None)
    voted = next((v for v in grant.votes if v.member_id == current_user.id), None)
    return render_template(
        "assistance/show.html", grant=grant, total=services.requested_total(grant),
        converted=converted, earlier=earlier_grants(grant.defender, grant),
        tally=services.tally(grant) if grant.status != GrantRequest.DRAFT else None,
        rules=services.rules(), member=member, my_conflict=mine, my_vote=voted,
        voting_open=services.voting_open(grant), can_edit=can(services.EDIT), can_chair=can(services.CHAIR),
        conflict_form=forms.get("conflict_form") or ConflictForm(formdata=None),
        vote_form=forms.get("vote_form") or VoteForm(formdata=None),
        question_form=forms.get("question_form") or QuestionForm(formdata=None),
        answer_form=forms.get("answer_form") or AnswerForm(formdata=None),
        decision_form=forms.get("decision_form") or DecisionForm(formdata=None),
        reason_form=forms.get("reason_form") or ReasonForm(formdata=None),
        blank_answer=AnswerForm(formdata=None), blank_reason=ReasonForm(formdata=None),
        attachments=attachments_of(grant), attachment_form=AttachmentForm,
        granted=services.granted_amount(grant), can_pay=can(services.BUDGET),
        paid=services.paid_amount(grant) if grant.status in (GrantRequest.APPROVED, GrantRequest.CLOSED) else 0,
        payment_form=_payment_form(forms.get("payment_form")), payment_methods=PAYMENT_METHODS,
        close_form=forms.get("close_form") or CloseForm(formdata=None, received_on=utcnow().date()),
        budget_blocked=_budget_blocked(grant), today=utcnow().date(),
        failed=forms.get("failed", ""), assignees=record_pages.assignee_names(grant), vote_choices=VOTE_CHOICES,
        outcomes=OUTCOMES, decision_kinds=DECISION_KINDS, funding_statuses=FUNDING_STATUSES), status


def _payment_form(submitted):
    from .money_views import payment_form

    return payment_form(submitted)


def _budget_blocked(grant: GrantRequest):
    """Why the committee's approval waits, if the year's budget cannot cover it."""
    if not services.voting_open(grant) or services.outcome_of(services.tally(grant), services.rules()) != "approved":
        return None
    try:
        services.check_budget(grant, services.requested_total(grant), utcnow().year)
    except services.BudgetExceeded as error:
        return error.message
    return None


def page_again(request_id: int, **forms):
    """The page again, with the failed form and its errors (422); nothing was saved."""
    db.session.rollback()
    return render_request(load_request(request_id), 422, **forms)


def page_refused(request_id: int, error: services.RuleError, **forms):
    db.session.rollback()
    flash(error.message, "danger")
    return render_request(load_request(request_id), 422, **forms)


@permission_required(services.EDIT)
def submit(request_id: int):
    grant = visible_request(request_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.submit(grant, current_user)
    except services.RuleError as error:
        return page_refused(request_id, error)
    flash(_("The request is before the committee."), "success")
    return redirect(url_for("assistance.show", request_id=grant.id))


@permission_required(services.EDIT)
def close(request_id: int):
    """Withdrawn (staff) or ineligible (the chair), with a reason."""
    grant = visible_request(request_id)
    form = ReasonForm()
    if form.status.data == GrantRequest.INELIGIBLE and not can(services.CHAIR):
        abort(403)
    if not form.validate_on_submit():
        return page_again(request_id, reason_form=form, failed=form.status.data)
    try:
        services.close_without_decision(grant, form.status.data, form.reason.data, current_user)
    except services.RuleError as error:
        return page_refused(request_id, error, reason_form=form, failed=form.status.data)
    return redirect(url_for("assistance.show", request_id=grant.id))


@permission_required(services.VIEW)
def ask(request_id: int):
    grant = visible_request(request_id)
    if not (services.is_member(current_user) or can(services.EDIT)):
        abort(403)
    form = QuestionForm()
    if not form.validate_on_submit():
        return page_again(request_id, question_form=form)
    try:
        services.ask_for_information(grant, form.question.data, current_user)
    except services.RuleError as error:
        return page_refused(request_id, error, question_form=form)
    flash(_("The question was recorded; the request awaits the answer."), "success")
    return redirect(url_for("assistance.show", request_id=grant.id) + "#questions")


@permission_required(services.EDIT)
def answer(request_id: int, question_id: int):
    grant = visible_request(request_id)
    question = db.session.get(Question, question_id)
    if question is None or question.request_id != grant.id:
        abort(404)
    form = AnswerForm()
    if not form.validate_on_submit():
        return page_again(request_id, answer_form=form, failed=f"answer-{question_id}")
    services.answer(question, form.answer.data, current_user)
    flash(_("The answer was recorded. Send the request back to the committee when ready."), "success")
    return redirect(url_for("assistance.show", request_id=grant.id) + "#questions")


@permission_required(services.VOTE)
def declare(request_id: int):
    visible_request(request_id)
    form = ConflictForm()
    if not form.validate_on_submit():
        return page_again(request_id, conflict_form=form)
    try:
        services.declare(request_id, current_user, form.has_conflict.data, form.note.data or "")
    except services.RuleError as error:
        return page_refused(request_id, error)
    return redirect(url_for("assistance.show", request_id=request_id) + "#committee")


@permission_required(services.VOTE)
def vote(request_id: int):
    visible_request(request_id)
    form = VoteForm()
    if not form.validate_on_submit():
        return page_again(request_id, vote_form=form)
    try:
        grant = services.vote(request_id, current_user, form.choice.data, form.comment.data or "")
    except services.RuleError as error:
        return page_refused(request_id, error, vote_form=form)
    flash(_("Your vote was recorded.") if grant.status in GrantRequest.OPEN else
          _("Your vote was recorded; the committee has decided: %(status)s.",
            status=str(OUTCOMES[grant.decision.outcome])), "success")
    return redirect(url_for("assistance.show", request_id=request_id) + "#committee")


@permission_required(services.CHAIR)
def decide(request_id: int):
    """The chair's emergency decision, or a revision of the decision in force (with its reason)."""
    grant = visible_request(request_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        return page_again(request_id, decision_form=form)
    arguments = (form.outcome.data, form.amount.data, form.conditions.data or "", form.reason.data or "",
                 current_user)
    try:
        if grant.decisions:
            services.revise(grant, *arguments)
        else:
            services.chair_decides(grant, *arguments)
    except services.RuleError as error:
        return page_refused(request_id, error, decision_form=form)
    flash(_("The decision was recorded."), "success")
    return redirect(url_for("assistance.show", request_id=grant.id) + "#decisions")


@permission_required(services.VOTE)
def committee():
    """What waits for the member, oldest first, with emergencies pending too long flagged."""
    hours = current_app.config["ASSISTANCE_EMERGENCY_HOURS"]
    now = utcnow()
    pagination = db.paginate(services.waiting_query(current_user), page=page_argument(), per_page=page_size(),
                             error_out=False)
    waiting = [(grant, now - (grant.submitted_at or grant.created_at),
                grant.urgency == GrantRequest.EMERGENCY and now - (grant.submitted_at or now) > timedelta(hours=hours))
               for grant in pagination.items]
    return render_template("assistance/committee.html", waiting=waiting, hours=hours, pagination=pagination)
