"""Partner organisation pages: list, create and edit (with the duplicate warning), file, reveal contacts."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..forms import ConfirmForm
from ..pagination import paginate
from ..permissions import can, permission_required
from . import pages, services
from .countries import REGIONS
from .forms import PartnerForm, RevealForm
from .models import Partner
from .personal import has_personal_details, record_reveal
from .visibility import visible

blueprint = Blueprint("partners", __name__, url_prefix="/partners")
VIEW, EDIT, REVEAL = "core.partners.view", "core.partners.edit", pages.REVEAL


def _form(partner: Partner | None) -> PartnerForm:
    form = PartnerForm(obj=partner)
    pages.prepare_common_fields(form, partner)
    return form


def _edit_page(form: PartnerForm, partner: Partner | None):
    duplicates = []
    if form.validate_on_submit():
        duplicates = pages.possible_duplicates(Partner, form, partner)
        if not duplicates:
            data = form.record_data()
            data["country"] = pages.country_named(form.country.data)
            saved = services.save_record(partner or Partner(), data, set(form.assignees.data or []), current_user)
            flash(_("%(name)s was saved.", name=saved.name) if partner else
                  _("%(name)s was registered.", name=saved.name), "success")
            return redirect(url_for("partners.show", partner_id=saved.id))
    status = 422 if form.errors else 200
    return render_template("core/partners/form.html", form=form, partner=partner, duplicates=duplicates), status


@blueprint.route("/")
@permission_required(VIEW)
def index():
    filters = services.PartnerFilters(**{key: request.args.get(key, "")[:100] for key in FILTERS})
    query = services.partners_query(current_user, filters).options(selectinload(Partner.country))
    pagination = paginate(query)
    networks = db.session.scalars(select(Partner.network).where(visible(Partner, current_user), Partner.network != "")
                                  .distinct().order_by(Partner.network).limit(200)).all()
    return render_template("core/partners/index.html", pagination=pagination, filters=filters,
                           country_options=pages.country_options, regions=REGIONS, networks=networks, export_form=ConfirmForm())


FILTERS = ("q", "country", "region", "network", "confidentiality", "sort")


@blueprint.route("/export", methods=["POST"])
@permission_required(pages.EXPORT)
def export():
    return pages.start_export("partner", FILTERS)


@blueprint.route("/new", methods=["GET", "POST"])
@permission_required(EDIT)
def create():
    return _edit_page(_form(None), None)


@blueprint.route("/<int:partner_id>/edit", methods=["GET", "POST"])
@permission_required(EDIT)
def edit(partner_id: int):
    partner = pages.visible_record(Partner, partner_id)
    form = _form(partner)
    if not form.is_submitted() and can(REVEAL) and has_personal_details(partner):
        record_reveal(partner, "edit form")
    return _edit_page(form, partner)


@blueprint.route("/<int:partner_id>")
@permission_required(VIEW)
def show(partner_id: int):
    return _file(pages.visible_record(Partner, partner_id), revealed=False)


@blueprint.route("/<int:partner_id>/reveal", methods=["POST"])
@permission_required(REVEAL)
def reveal(partner_id: int):
    partner = pages.visible_record(Partner, partner_id)
    form = RevealForm()
    if not form.validate_on_submit():
        return _file(partner, revealed=False, reveal_form=form), 422
    record_reveal(partner, form.reason.data.strip())
    return _file(partner, revealed=True, reveal_form=form)


def _file(partner: Partner, revealed: bool, reveal_form: RevealForm | None = None) -> str:
    return pages.render_file("core/partners/show.html", partner, revealed, reveal_form or RevealForm(formdata=None),
                             partner=partner)
