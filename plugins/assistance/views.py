"""Grant request pages: the list, the request form (beneficiary first), the request's file."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from core.api import (
    Defender,
    DefenderFilters,
    Partner,
    User,
    assignee_ids,
    can_see,
    currency_choices,
    db,
    defenders_query,
    paginate,
    permission_required,
    visible,
)
from core.api import gettext as _

from . import permissions, services
from .forms import DECISION_KINDS, STATUS_LABELS, URGENCIES, RequestForm
from .models import GrantRequest
from .request_page import (
    earlier_grants,
    load_history,
    load_request,
    render_request,
    visible_request,
)


def request_labels() -> dict:
    return {"statuses": {key: str(label) for key, label in STATUS_LABELS.items()},
            "urgencies": {key: str(label) for key, label in URGENCIES.items()}}


@permission_required(permissions.VIEW)
def index():
    status, urgency = request.args.get("status", "")[:30], request.args.get("urgency", "")[:20]
    pagination = paginate(services.requests_query(current_user, status, urgency),
                          joinedload(GrantRequest.defender), joinedload(GrantRequest.grant_type))
    return render_template("assistance/index.html", pagination=pagination, status=status, urgency=urgency)


def _staff() -> list:
    return db.session.execute(select(User.id, User.name).where(User.active.is_(True)).order_by(User.name)).all()


def _request_form(grant: GrantRequest | None, defender: Defender) -> RequestForm:
    form = RequestForm(obj=grant)
    types = services.grant_types(active_only=grant is None)
    form.grant_type.choices = [(t.id, t.label) for t in types]
    form.partner.choices = [(0, _("— none —"))] + [(row.id, row.name) for row in db.session.execute(
        select(Partner.id, Partner.name).where(visible(Partner, current_user), or_(
            Partner.country_id == defender.country_id, Partner.country_id.is_(None))).order_by(Partner.name).limit(500))]
    held = [row.currency for row in [*grant.budget_lines, *grant.fundings]] if grant is not None else []
    currencies = currency_choices(*held)  # a currency withdrawn since the request was written stays valid for it
    for entry in form.lines.entries:
        entry.form.currency.choices = currencies
    for entry in form.fundings.entries:
        entry.form.currency.choices = [("", "—")] + currencies
    form.assignees.choices = [(row.id, row.name) for row in _staff()]
    if not form.is_submitted():
        form.defender_id.data = defender.id
        if grant is not None:
            form.grant_type.data, form.partner.data = grant.grant_type_id, grant.partner_id or 0
            form.assignees.data = sorted(assignee_ids(grant))
            for entry, line in zip(form.lines.entries, grant.budget_lines):
                for name in ("description", "amount", "currency", "rate"):
                    entry.form[name].data = getattr(line, name)
            for entry, funding in zip(form.fundings.entries, grant.fundings):
                for name in ("funder", "status", "amount", "currency"):
                    entry.form[name].data = getattr(funding, name)
    return form


def _beneficiary(value: str | int | None) -> Defender | None:
    value = str(value or "")
    defender = db.session.get(Defender, int(value)) if value.isdecimal() and len(value) < 10 else None
    return defender if defender is not None and can_see(defender, current_user) else None


def _save(form: RequestForm, grant: GrantRequest | None, defender: Defender):
    if form.validate_on_submit():
        data = {name: (form[name].data or "").strip() for name in (
            "situation", "justification", "risk_assessment", "destination", "duration", "visa_and_security",
            "family_members", "return_plan")}
        data.update(urgency=form.urgency.data, vote_deadline=form.vote_deadline.data,
                    reporting_currency=current_app.config["ASSISTANCE_CURRENCY"],
                    confidentiality=form.confidentiality.data, grant_type_id=form.grant_type.data,
                    partner_id=form.partner.data or None, defender_id=defender.id)
        lines = [{**row, "rate": row["rate"] if row["currency"] != data["reporting_currency"] else 1}
                 for row in form.line_rows()]
        try:
            saved = services.save_request(grant or GrantRequest(), data, lines, form.funding_rows(),
                                          set(form.assignees.data or []), current_user)
        except services.RuleError as error:
            db.session.rollback()
            form.grant_type.errors = [*form.grant_type.errors, error.message]
        else:
            flash(_("The request was saved. Send it to the committee when it is complete."), "success")
            return redirect(url_for("assistance.show", request_id=saved.id))
    return render_template("assistance/form.html", form=form, grant=grant, defender=defender,
                           earlier=earlier_grants(defender, grant), currency=current_app.config["ASSISTANCE_CURRENCY"]), \
        422 if form.errors or form.grant_type.errors else 200


@permission_required(permissions.EDIT)
def create():
    """First the beneficiary (found among the defenders and organisations the user may see), then the form."""
    defender = _beneficiary(request.form.get("defender_id") if request.method == "POST" else request.args.get("defender"))
    if defender is None:
        if request.method == "POST":
            abort(400)
        words = request.args.get("find", "").strip()[:100]
        found = list(db.session.scalars(defenders_query(current_user, DefenderFilters(q=words)).options(
            joinedload(Defender.country)).limit(20))) if words else []
        return render_template("assistance/beneficiary.html", found=found, words=words)
    return _save(_request_form(None, defender), None, defender)


@permission_required(permissions.EDIT)
def edit(request_id: int):
    grant = visible_request(request_id, selectinload(GrantRequest.budget_lines), selectinload(GrantRequest.fundings))
    if grant.status not in (GrantRequest.DRAFT, GrantRequest.AWAITING):
        flash(_("A request being decided or decided can no longer be edited."), "warning")
        return redirect(url_for("assistance.show", request_id=grant.id))
    return _save(_request_form(grant, grant.defender), grant, grant.defender)


@permission_required(permissions.VIEW)
def show(request_id: int):
    """The request's page (it only reads: a decision that became due because the committee changed is taken
    when it changed, through ``observatory_people_changed``)."""
    return render_request(load_request(request_id))


@permission_required(permissions.VIEW)
def history(request_id: int):
    """Every change of the request's status, who made it and the decision behind it: its own page, so that the
    request's page reads less."""
    grant = load_history(request_id)
    return render_template("assistance/history.html", grant=grant,
                           decisions_by_id={d.id: d for d in grant.decisions}, decision_kinds=DECISION_KINDS)


