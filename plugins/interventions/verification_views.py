"""Verifying a case: consulting partners, the decision, and a coordinator's override. Each step is a page of
its own, reached from the case's verification panel."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from core.api import Partner, permission_required, utcnow, visible_ids
from core.api import gettext as _

from . import services
from .forms import ANSWERS, ConsultationForm, OverrideForm, VerificationForm
from .views import partner_choices, step_page, visible_case


def _back_to_verification(case_id: int):
    return redirect(url_for("interventions.show", case_id=case_id) + "#verification")


@permission_required(services.VERIFY)
def consult(case_id: int):
    case = visible_case(case_id)
    form = ConsultationForm()
    form.partner.choices = partner_choices(case.country_id)
    if not form.is_submitted():
        form.consulted_on.data = utcnow().date()
    if form.validate_on_submit():
        services.add_consultation(case, form.partner.data, form.consulted_on.data, form.answer.data,
                                  (form.notes.data or "").strip(), current_user)
        flash(_("The consultation was recorded."), "success")
        return _back_to_verification(case.id)
    return render_template("interventions/consultation.html", case=case, form=form), 422 if form.errors else 200


@permission_required(services.VERIFY)
def verify(case_id: int):
    """The decision, next to what the consulted partners said (the ones the user may see are named)."""
    case = visible_case(case_id)
    form = VerificationForm()
    if not form.is_submitted():
        form.decided_on.data = case.verified_on or utcnow().date()
        if case.verification in (case.VERIFIED, case.NOT_CONFIRMED):
            form.decision.data = case.verification
    if form.validate_on_submit():
        try:
            services.decide_verification(case, form.decision.data, form.decided_on.data,
                                         (form.note.data or "").strip(), current_user)
        except services.WorkflowError as error:
            form.decision.errors.append(error.message)
        else:
            flash(_("The verification decision was recorded."), "success")
            return _back_to_verification(case.id)
    shown = visible_ids(Partner, [c.partner for c in case.consultations], current_user)
    return step_page(case, form, _("Record the decision"), consultations=case.consultations, shown_partners=shown,
                     answers=ANSWERS)


@permission_required(services.OVERRIDE)
def override(case_id: int):
    case = visible_case(case_id)
    if case.publishable:
        flash(_("This case may already be published."), "info")
        return _back_to_verification(case.id)
    form = OverrideForm()
    if form.validate_on_submit():
        services.override_verification(case, form.reason.data, current_user)
        flash(_("The case may now be published without verification; the reason is in the audit trail."),
              "warning")
        return _back_to_verification(case.id)
    return step_page(case, form, _("Publish without verification"),
                     intro=_("Only when lives are at stake and partners cannot be reached in time. The reason is kept "
                             "in the audit trail."))
