"""Defender pages: list with filters, create, edit, the file with its timeline, revealing personal details."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import gather
from ..audit.capture import record as audit
from ..audit.models import AuditEntry
from ..contributions import RESTRICTED
from ..extensions import db
from ..models import User
from ..navigation import page_argument, page_size
from ..permissions import can, permission_required
from . import services
from .countries import REGIONS
from .forms import DefenderForm, RevealForm
from .models import Country, Defender, Term
from .visibility import assignee_ids, can_see

blueprint = Blueprint("defenders", __name__, url_prefix="/defenders")

VIEW, EDIT, REVEAL = "core.defenders.view", "core.defenders.edit", "core.personal.reveal"
RIGHTS = "rights"


def _countries() -> list[Country]:
    return sorted(db.session.scalars(select(Country)), key=lambda country: country.name)


def _visible_defender(defender_id: int) -> Defender:
    """The defender, or 404 for a missing one and for one the user may not see (no hint it exists)."""
    defender = db.session.get(Defender, defender_id)
    if defender is None or not can_see(defender, current_user):
        abort(404)
    return defender


def _form(defender: Defender | None) -> DefenderForm:
    form = DefenderForm(obj=defender)
    if not can(REVEAL):
        form.without_personal_details()
    form.country.choices = [("", _("Choose a country"))] + [(c.alpha3, c.name) for c in _countries()]
    form.rights.choices = [(t.id, t.label) for t in db.session.scalars(
        select(Term).where(Term.vocabulary == RIGHTS, Term.active.is_(True)).order_by(Term.position, Term.key))]
    staff = db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.name))
    form.assignees.choices = [(u.id, u.name) for u in staff]
    if defender is not None and not form.is_submitted():
        form.country.data = defender.country.alpha3 if defender.country else ""
        form.rights.data = [term.id for term in defender.rights]
        form.assignees.data = sorted(assignee_ids(defender))
    return form


def _save(form: DefenderForm, defender: Defender) -> Defender:
    data = form.record_data()
    data["country"] = db.session.scalar(select(Country).where(Country.alpha3 == form.country.data))
    return services.save_defender(defender, data, set(form.assignees.data or []), current_user)


@blueprint.route("/")
@permission_required(VIEW)
def index():
    filters = services.DefenderFilters(**{key: request.args.get(key, "")[:100] for key in
                                          ("q", "country", "region", "risk", "confidentiality", "sort")})
    query = services.defenders_query(current_user, filters).options(selectinload(Defender.country))
    pagination = db.paginate(query, page=page_argument(), per_page=page_size(), error_out=False)
    return render_template("core/defenders/index.html", pagination=pagination, filters=filters,
                           countries=_countries(), regions=REGIONS)


@blueprint.route("/new", methods=["GET", "POST"])
@permission_required(EDIT)
def create():
    form = _form(None)
    if form.validate_on_submit():
        defender = _save(form, Defender())
        flash(_("%(name)s was registered.", name=defender.name), "success")
        return redirect(url_for("defenders.show", defender_id=defender.id))
    return render_template("core/defenders/form.html", form=form, defender=None), 200 if not form.errors else 422


@blueprint.route("/<int:defender_id>")
@permission_required(VIEW)
def show(defender_id: int):
    return _render_file(_visible_defender(defender_id), revealed=False)


@blueprint.route("/<int:defender_id>/reveal", methods=["POST"])
@permission_required(REVEAL)
def reveal(defender_id: int):
    defender = _visible_defender(defender_id)
    form = RevealForm()
    if not form.validate_on_submit():
        return _render_file(defender, revealed=False, reveal_form=form), 422
    services.record_reveal(defender, form.reason.data.strip())
    return _render_file(defender, revealed=True, reveal_form=form)


def _render_file(defender: Defender, revealed: bool, reveal_form: RevealForm | None = None):
    if defender.confidentiality == RESTRICTED:
        audit(AuditEntry.VIEW, defender.__record_type__, defender.id, defender.name)
        db.session.commit()
    return render_template(
        "core/defenders/show.html",
        defender=defender,
        personal=services.personal_details(defender, revealed),
        revealed=revealed,
        reveal_form=reveal_form or RevealForm(formdata=None),
        timeline=gather.defender_timeline(defender.id, current_user),
        assignees=db.session.scalars(select(User).where(User.id.in_(assignee_ids(defender)))).all(),
        can_reveal=can(REVEAL),
    )


@blueprint.route("/<int:defender_id>/edit", methods=["GET", "POST"])
@permission_required(EDIT)
def edit(defender_id: int):
    defender = _visible_defender(defender_id)
    form = _form(defender)
    if form.validate_on_submit():
        _save(form, defender)
        flash(_("%(name)s was saved.", name=defender.name), "success")
        return redirect(url_for("defenders.show", defender_id=defender.id))
    if not form.is_submitted() and can(REVEAL) and any(getattr(defender, f) for f in Defender.PERSONAL_FIELDS):
        services.record_reveal(defender, "edit form")  # the form shows the personal details
    return render_template("core/defenders/form.html", form=form, defender=defender), 200 if not form.errors else 422
