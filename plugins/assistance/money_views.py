"""The grants' money: the yearly budget page, payments in instalments, closing a grant once its report is in,
and counting the committee's votes again once an envelope was raised."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from core.api import ConfirmForm, is_admin, permission_required, utcnow
from core.api import gettext as _

from . import permissions, services
from .forms import CeilingForm, CloseForm, EnvelopeForm, PaymentForm
from .request_page import (
    page_again,
    page_refused,
    payment_form,
    visible_request,
)


@permission_required(permissions.BUDGET)
def budget():
    """The year's envelopes, with what is allocated (approved) and paid against each."""
    year = request.args.get("year", "")
    year = int(year) if year.isdecimal() and len(year) == 4 and 2000 <= int(year) <= 2100 else utcnow().year
    form = EnvelopeForm() if request.method == "POST" else EnvelopeForm(formdata=None, year=year)
    form.grant_type.choices = [(0, _("All grants"))] + [(t.id, t.label) for t in services.grant_types()]
    if request.method == "POST" and request.form.get("form") == "ceiling":
        return _ceiling(year)
    if form.validate_on_submit():
        services.set_envelope(form.year.data, form.grant_type.data or None, form.amount.data)
        flash(_("The envelope was set."), "success")
        return redirect(url_for("assistance.budget", year=form.year.data))
    return _budget_page(year, form, _ceiling_form(None)), 422 if form.errors else 200


def _ceiling_form(submitted: CeilingForm | None) -> CeilingForm:
    form = submitted or CeilingForm(formdata=None)
    form.grant_type.choices = [(t.id, t.label) for t in services.grant_types()]
    return form


def _budget_page(year: int, form: EnvelopeForm, ceiling_form: CeilingForm) -> str:
    return render_template("assistance/budget.html", year=year, uses=services.budget_use(year), form=form,
                           ceiling_form=ceiling_form, ceilings=services.ceilings(), types=services.grant_types(),
                           currency=current_app.config["ASSISTANCE_CURRENCY"], may_set_ceilings=is_admin(current_user))


def _ceiling(year: int):
    """Ceilings per grant type: admins only."""
    if not is_admin(current_user):
        abort(403)
    form = _ceiling_form(CeilingForm())
    if form.validate_on_submit():
        services.set_ceiling(form.grant_type.data, form.amount.data)
        flash(_("The ceiling was set."), "success")
        return redirect(url_for("assistance.budget", year=year))
    envelope_form = EnvelopeForm(formdata=None, year=year)
    envelope_form.grant_type.choices = [(0, _("All grants"))] + [(t.id, t.label) for t in services.grant_types()]
    return _budget_page(year, envelope_form, form), 422


@permission_required(permissions.BUDGET)
def pay(request_id: int):
    grant = visible_request(request_id)
    form = payment_form(grant, PaymentForm())
    if not (form.validate_on_submit() & form.check_rate(grant.reporting_currency)):
        return page_again(request_id, payment_form=form)
    data = {name: form[name].data for name in ("paid_on", "amount", "currency", "rate", "method", "reference")}
    data["reference"] = data["reference"] or ""
    try:
        services.pay(grant, data, form.report_due_on.data, current_user)
    except services.RuleError as error:
        return page_refused(request_id, error, payment_form=form)
    flash(_("The payment was recorded."), "success")
    return redirect(url_for("assistance.show", request_id=grant.id) + "#payments")


@permission_required(permissions.EDIT)
def close_grant(request_id: int):
    grant = visible_request(request_id)
    form = CloseForm()
    if not form.validate_on_submit():
        return page_again(request_id, close_form=form)
    try:
        services.close_grant(grant, form.received_on.data, current_user)
    except services.RuleError as error:
        return page_refused(request_id, error, close_form=form)
    flash(_("The grant is closed."), "success")
    return redirect(url_for("assistance.show", request_id=grant.id))


@permission_required(permissions.CHAIR)
def recount(request_id: int):
    visible_request(request_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.recount(request_id)
    except services.RuleError as error:
        return page_refused(request_id, error)
    return redirect(url_for("assistance.show", request_id=request_id) + "#decisions")
