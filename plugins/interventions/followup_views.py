"""Following a case up: the authorities' responses and the impact of each action, outcomes, closing and
reopening with a reason, and corrections of published texts."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from core.api import Defender, db, permission_required, utcnow, visible_ids
from core.api import gettext as _

from . import services
from .action_views import action_page, visible_action
from .forms import LANGUAGE_NAMES, CorrectionForm, ImpactForm, OutcomeForm, ReasonForm, ResponseForm
from .models import LANGUAGES
from .views import outcome_choices, step_page, visible_case


@permission_required(services.EDIT)
def response(action_id: int):
    action = visible_action(action_id)
    form = ResponseForm()
    if form.validate_on_submit():
        try:
            services.record_response(action, form.kind.data, form.received_on.data, (form.notes.data or "").strip(),
                                     current_user)
        except services.WorkflowError as error:
            db.session.rollback()
            return action_page(visible_action(action_id), 422, str(error.message))
        else:
            flash(_("The response was recorded."), "success")
            return redirect(url_for("interventions.action", action_id=action.id) + "#follow-up")
    db.session.rollback()
    return action_page(visible_action(action_id), 422, response_form=form)


@permission_required(services.EDIT)
def impact(action_id: int):
    action = visible_action(action_id)
    form = ImpactForm()
    if not form.validate_on_submit():
        return action_page(action, 422, impact_form=form)
    action.impact = form.impact.data
    db.session.commit()
    flash(_("The assessment was saved."), "success")
    return redirect(url_for("interventions.action", action_id=action.id) + "#follow-up")


@permission_required(services.PUBLISH)
def correct(action_id: int):
    action = visible_action(action_id)
    form = CorrectionForm(obj=action)
    if form.validate_on_submit():
        try:
            services.correct(action, form.text_data(), form.reason.data, current_user)
        except services.WorkflowError as error:
            form.reason.errors.append(error.message)
        else:
            flash(_("The correction was published and logged."), "success")
            return redirect(url_for("interventions.action", action_id=action.id))
        action = visible_action(action_id)
    if action.status != "published":
        flash(_("Only a published text is corrected; edit the draft instead."), "danger")
        return redirect(url_for("interventions.action", action_id=action.id))
    return render_template("interventions/action_form.html", form=form, case=action.case, action=action,
                           languages=LANGUAGES, language_names=LANGUAGE_NAMES, correcting=True), \
        422 if form.errors else 200


@permission_required(services.EDIT)
def outcome(case_id: int):
    case = visible_case(case_id)
    form = OutcomeForm()
    seen = visible_ids(Defender, case.defenders, current_user)
    form.defender.choices = outcome_choices([defender for defender in case.defenders if defender.id in seen])
    if not form.is_submitted():
        form.occurred_on.data = utcnow().date()
    if form.validate_on_submit():
        try:
            services.record_outcome(case, form.kind.data, form.defender.data or None, form.occurred_on.data,
                                    (form.notes.data or "").strip(), current_user)
        except services.WorkflowError as error:
            form.defender.errors.append(error.message)
        else:
            flash(_("The outcome was recorded."), "success")
            return redirect(url_for("interventions.show", case_id=case.id) + "#follow-up")
    return step_page(case, form, _("Record an outcome"))


@permission_required(services.EDIT)
def close(case_id: int):
    return _change_status(case_id, services.close_case, _("Close the case"), _("The case was closed."))


@permission_required(services.EDIT)
def reopen(case_id: int):
    return _change_status(case_id, services.reopen_case, _("Reopen the case"), _("The case was reopened."))


def _change_status(case_id: int, change, heading: str, done: str):
    """Closing and reopening take a reason, kept on the case's timeline."""
    case = visible_case(case_id)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            change(case, form.reason.data, current_user)
        except services.WorkflowError as error:
            form.reason.errors.append(error.message)
        else:
            flash(done, "success")
            return redirect(url_for("interventions.show", case_id=case.id))
    return step_page(case, form, heading)
