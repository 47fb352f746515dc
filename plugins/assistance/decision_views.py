"""The request's file and what is done on it: sending it to the committee, questions and answers,
declarations of interest and votes, the chair's emergency decision, revisions, withdrawal; and the
committee's own page."""
from __future__ import annotations

from datetime import timedelta

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from core.api import (
    ConfirmForm,
    can,
    db,
    page_argument,
    page_size,
    permission_required,
    utcnow,
)
from core.api import gettext as _

from . import permissions, services
from .forms import (
    OUTCOMES,
    AnswerForm,
    ConflictForm,
    DecisionForm,
    QuestionForm,
    ReasonForm,
    VoteForm,
)
from .models import GrantRequest, Question
from .request_page import (
    page_again,
    page_refused,
    visible_request,
)


@permission_required(permissions.EDIT)
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


@permission_required(permissions.EDIT)
def close(request_id: int):
    """Withdrawn (staff) or ineligible (the chair), with a reason."""
    grant = visible_request(request_id)
    form = ReasonForm()
    if form.status.data == GrantRequest.INELIGIBLE and not can(permissions.CHAIR):
        abort(403)
    if not form.validate_on_submit():
        return page_again(request_id, reason_form=form, failed=form.status.data)
    try:
        services.close_without_decision(grant, form.status.data, form.reason.data, current_user)
    except services.RuleError as error:
        return page_refused(request_id, error, reason_form=form, failed=form.status.data)
    return redirect(url_for("assistance.show", request_id=grant.id))


@permission_required(permissions.VIEW)
def ask(request_id: int):
    grant = visible_request(request_id)
    if not (permissions.is_member(current_user) or can(permissions.EDIT)):
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


@permission_required(permissions.EDIT)
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


@permission_required(permissions.VOTE)
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


@permission_required(permissions.VOTE)
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


@permission_required(permissions.CHAIR)
def decide(request_id: int):
    """The chair's emergency decision (to be ratified), the chair's decision when the committee cannot reach
    one (too few may vote, or past the deadline), or a revision of the decision in force (with its reason)."""
    grant = visible_request(request_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        return page_again(request_id, decision_form=form)
    arguments = (form.outcome.data, form.amount.data, form.conditions.data or "", form.reason.data or "",
                 current_user)
    try:
        if services.chair_in_place(grant, services.standing(grant)):
            services.chair_settles(grant.id, *arguments)
        elif grant.decisions:
            services.revise(grant, *arguments)
        else:
            services.chair_decides(grant, *arguments)
    except services.RuleError as error:
        return page_refused(request_id, error, decision_form=form)
    flash(_("The decision was recorded."), "success")
    return redirect(url_for("assistance.show", request_id=grant.id) + "#decisions")


STUCK_ROWS = 50


@permission_required(permissions.VOTE)
def committee():
    """What waits for the member, oldest first, with emergencies pending too long flagged; for the chair and
    admins, first the votes the committee cannot carry on as usual (too few may vote, or past the deadline)."""
    hours = current_app.config["ASSISTANCE_EMERGENCY_HOURS"]
    now = utcnow()
    pagination = db.paginate(services.waiting_query(current_user), page=page_argument(), per_page=page_size(),
                             error_out=False)
    waiting = [(grant, now - (grant.submitted_at or grant.created_at),
                grant.urgency == GrantRequest.EMERGENCY and now - (grant.submitted_at or now) > timedelta(hours=hours))
               for grant in pagination.items]
    stuck = services.stuck_votes(STUCK_ROWS) if can(permissions.CHAIR) else []
    return render_template("assistance/committee.html", waiting=waiting, hours=hours, pagination=pagination,
                           stuck=stuck)
