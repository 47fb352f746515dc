"""Grant request pages: the list, the request form (beneficiary first), the request's file."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import Select, bindparam, or_, select
from sqlalchemy.orm import joinedload, selectinload

from core.api import (
    RESTRICTED,
    Defender,
    DefenderFilters,
    Partner,
    User,
    assignee_ids,
    built_once,
    can_see,
    currency_choices,
    db,
    defenders_query,
    is_admin,
    paginate,
    permission_required,
    record_view,
    the_user,
    viewer,
    visible,
)
from core.api import gettext as _

from . import services
from .forms import STATUS_LABELS, URGENCIES, RequestForm
from .models import Conflict, Decision, GrantRequest, Question, RequestEvent, Vote


def request_labels() -> dict:
    return {"statuses": {key: str(label) for key, label in STATUS_LABELS.items()},
            "urgencies": {key: str(label) for key, label in URGENCIES.items()}}


@permission_required(services.VIEW)
def index():
    status, urgency = request.args.get("status", "")[:30], request.args.get("urgency", "")[:20]
    pagination = paginate(services.requests_query(current_user, status, urgency),
                          joinedload(GrantRequest.defender), joinedload(GrantRequest.grant_type))
    return render_template("assistance/index.html", pagination=pagination, status=status, urgency=urgency)


def visible_request(request_id: int, *options) -> GrantRequest:
    """The request if the user may see it (404 otherwise, with no hint it exists)."""
    grant = db.session.scalar(select(GrantRequest).where(GrantRequest.id == request_id,
                                                         services.visible_requests(current_user)).options(*options))
    if grant is None:
        abort(404)
    return grant


def _staff() -> list:
    return db.session.execute(select(User.id, User.name).where(User.active.is_(True)).order_by(User.name)).all()


def _request_form(grant: GrantRequest | None, defender: Defender) -> RequestForm:
    form = RequestForm(obj=grant)
    types = services.grant_types(active_only=grant is None)
    form.grant_type.choices = [(t.id, t.label) for t in types]
    form.partner.choices = [(0, _("— none —"))] + [(row.id, row.name) for row in db.session.execute(
        select(Partner.id, Partner.name).where(visible(Partner, current_user), or_(
            Partner.country_id == defender.country_id, Partner.country_id.is_(None))).order_by(Partner.name).limit(500))]
    currencies = currency_choices()
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
    defender = db.session.get(Defender, int(value)) if value.isdigit() and len(value) < 10 else None
    return defender if defender is not None and can_see(defender, current_user) else None


def _save(form: RequestForm, grant: GrantRequest | None, defender: Defender):
    if form.validate_on_submit():
        data = {name: (form[name].data or "").strip() for name in (
            "situation", "justification", "risk_assessment", "destination", "duration", "visa_and_security",
            "family_members", "return_plan")}
        data.update(urgency=form.urgency.data, reporting_currency=current_app.config["ASSISTANCE_CURRENCY"],
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


def earlier_grants(defender: Defender, grant: GrantRequest | None) -> list[GrantRequest]:
    """The beneficiary's other approved or open requests: a possible double funding, shown on the form."""
    other = grant is not None and grant.id is not None
    return list(db.session.scalars(_earlier_grants_statement(other), {
        "defender_id": defender.id, "request_id": grant.id if other else None}))


@built_once
def _earlier_grants_statement(other: bool) -> Select:
    query = select(GrantRequest).where(GrantRequest.defender_id == bindparam("defender_id"), GrantRequest.status.in_((GrantRequest.APPROVED, GrantRequest.CLOSED, *GrantRequest.OPEN))).options(
        joinedload(GrantRequest.grant_type)).order_by(GrantRequest.id.desc()).limit(20)
    return query.where(GrantRequest.id != bindparam("request_id")) if other else query


@built_once
def _request_page_statement(admin: bool, committee: bool) -> Select:
    """The request and everything its page shows, built once per kind of viewer (its options made building it
    cost 0.6 ms a view)."""
    return select(GrantRequest).where(GrantRequest.id == bindparam("request_id"),
                                      services.visible_requests_to_viewer(admin, committee)).options(
        joinedload(GrantRequest.defender).joinedload(Defender.country),
        joinedload(GrantRequest.partner), joinedload(GrantRequest.grant_type),
        selectinload(GrantRequest.budget_lines), selectinload(GrantRequest.fundings),
        selectinload(GrantRequest.votes).joinedload(Vote.member).lazyload("*"),
        selectinload(GrantRequest.conflicts).joinedload(Conflict.member).lazyload("*"),
        selectinload(GrantRequest.questions).joinedload(Question.asked_by).lazyload("*"),
        selectinload(GrantRequest.decisions).joinedload(Decision.decided_by).lazyload("*"),
        selectinload(GrantRequest.events).joinedload(RequestEvent.by).lazyload("*"))


@permission_required(services.EDIT)
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


@permission_required(services.EDIT)
def edit(request_id: int):
    grant = visible_request(request_id, selectinload(GrantRequest.budget_lines), selectinload(GrantRequest.fundings))
    if grant.status not in (GrantRequest.DRAFT, GrantRequest.AWAITING):
        flash(_("A request being decided or decided can no longer be edited."), "warning")
        return redirect(url_for("assistance.show", request_id=grant.id))
    return _save(_request_form(grant, grant.defender), grant, grant.defender)


@permission_required(services.VIEW)
def show(request_id: int):
    from .decision_views import render_request

    return render_request(load_request(request_id))


def load_request(request_id: int) -> GrantRequest:
    """The request with everything its page shows, if the user may see it (each view is audited)."""
    user = the_user()
    grant = db.session.scalar(_request_page_statement(is_admin(user), services.sees_submitted(user)),
                              {**viewer(user), "request_id": request_id})
    if grant is None:
        abort(404)
    if grant.confidentiality == RESTRICTED:
        record_view(GrantRequest.__record_type__, grant.id, grant.name)
    return grant
