"""The delegation and the budget of a mission."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from core.api import ConfirmForm, can, converted, currency_choices, db, permission_required
from core.api import gettext as _

from . import services
from .forms import BUDGET_CATEGORIES, BUDGET_KINDS, BudgetLineForm, DelegateForm
from .models import BudgetLine, Delegate, Mission
from .views import load_mission, staff, visible_mission


def delegate_form(submitted: DelegateForm | None = None) -> DelegateForm:
    form = submitted or DelegateForm(formdata=None)
    form.user.choices = [(0, "—")] + [(row.id, row.name) for row in staff()]
    return form


@permission_required(services.EDIT)
def add_delegate(mission_id: int):
    """A page of its own: its list of staff would weigh on every view of the mission."""
    mission = load_mission(mission_id)
    form = delegate_form(DelegateForm() if request.method == "POST" else None)
    if not form.validate_on_submit():
        return render_template("missions/delegate_form.html", mission=mission, form=form), \
            422 if form.errors else 200
    mission.delegates.append(Delegate(
        user_id=form.user.data or None, kind=form.kind.data,
        **{name: (form[name].data or "").strip() for name in ("name", "organisation", "role", "languages", "contact")}))
    db.session.commit()
    flash(_("The delegate was added."), "success")
    return redirect(url_for("missions.show", mission_id=mission.id) + "#delegates")


@permission_required(services.EDIT)
def remove_delegate(mission_id: int, delegate_id: int):
    mission = visible_mission(mission_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    mission.delegates = [delegate for delegate in mission.delegates if delegate.id != delegate_id]
    db.session.commit()
    return redirect(url_for("missions.show", mission_id=mission.id) + "#delegates")


def _budget_form(mission, submitted: BudgetLineForm | None = None) -> BudgetLineForm:
    form = submitted or BudgetLineForm(formdata=None, currency=mission.reporting_currency)
    form.currency.choices = currency_choices(mission.reporting_currency)
    return form


def _budget_options() -> tuple:
    return (selectinload(Mission.budget_lines),)


@permission_required(services.VIEW)
def budget(mission_id: int):
    """Planned lines and actual expenses, each converted to the reporting currency at its recorded rate."""
    mission = load_mission(mission_id, _budget_options)
    form = _budget_form(mission, BudgetLineForm() if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if not can(services.EDIT):
            abort(403)
        valid = form.validate_on_submit()
        if form.check_rate(mission.reporting_currency) and valid:
            services.add_budget_line(mission, {name: form[name].data for name in (
                "kind", "category", "amount", "currency", "rate", "spent_on")} | {
                "description": (form.description.data or "").strip()}, current_user)
            flash(_("The budget line was added."), "success")
            return redirect(url_for("missions.budget", mission_id=mission.id))
        status = 422
    return render_template("missions/budget.html", mission=mission, form=form, summary=services.budget_summary(mission),
                           converted=converted, categories=BUDGET_CATEGORIES, kinds=BUDGET_KINDS,
                           can_edit=can(services.EDIT)), status


@permission_required(services.EDIT)
def remove_budget_line(mission_id: int, line_id: int):
    mission = visible_mission(mission_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    line = db.session.get(BudgetLine, line_id)
    if line is None or line.mission_id != mission.id:
        abort(404)
    db.session.delete(line)
    db.session.commit()
    return redirect(url_for("missions.budget", mission_id=mission.id))

