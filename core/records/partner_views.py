"""Partner organisation pages: list, create and edit (with the duplicate warning), file, reveal contacts."""
from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, render_template, request
from flask_login import current_user

from ..web.fragments import fragment
from ..web.pagination import paginate
from ..web.permissions import can, permission_required
from . import pages, services
from .forms import PartnerForm, RevealForm
from .models import Partner
from .personal import has_personal_details, record_reveal

blueprint = Blueprint("partners", __name__, url_prefix="/partners")
VIEW, EDIT, REVEAL = "core.partners.view", "core.partners.edit", pages.REVEAL


def _form(partner: Partner | None) -> PartnerForm:
    form = PartnerForm(obj=partner)
    pages.prepare_common_fields(form, partner)
    return form


@blueprint.route("/")
@permission_required(VIEW)
def index():
    filters = services.PartnerFilters(**{key: request.args.get(key, "")[:100] for key in FILTERS})
    filters = replace(filters, sort=services.effective_sort(filters, services.PARTNER_SORTS))
    pagination = paginate(services.partners_statement(current_user, filters), deferred=bool(filters.q),
                          columns=LIST_COLUMNS)
    filter_form = fragment("core/partners/_filters.html", pages.FILTER_CONSTANTS, filters=filters,
                           networks=tuple(services.partner_networks(current_user)))
    return render_template("core/partners/index.html", pagination=pagination, filters=filters,
                           countries=pages.countries_by_id(), filter_form=filter_form)


# What a row of the list shows, read as plain rows; countries are named from their per-language list.
LIST_COLUMNS = (Partner.id, Partner.name, Partner.acronym, Partner.country_id, Partner.network, Partner.confidentiality)


FILTERS = ("q", "country", "region", "network", "confidentiality", "sort")


@blueprint.route("/export", methods=["POST"])
@permission_required(pages.EXPORT)
def export():
    return pages.start_export("partner", FILTERS)


@blueprint.route("/new", methods=["GET", "POST"])
@permission_required(EDIT)
def create():
    return pages.edit_page(Partner, _form(None), None, "core/partners/form.html", "partner")


@blueprint.route("/<int:partner_id>/edit", methods=["GET", "POST"])
@permission_required(EDIT)
def edit(partner_id: int):
    partner = pages.visible_record(Partner, partner_id)
    form = _form(partner)
    if not form.is_submitted() and can(REVEAL) and has_personal_details(partner):
        record_reveal(partner, "edit form")
    return pages.edit_page(Partner, form, partner, "core/partners/form.html", "partner")


@blueprint.route("/<int:partner_id>")
@permission_required(VIEW)
def show(partner_id: int):
    return _file(pages.visible_record(Partner, partner_id), revealed=False)


@blueprint.route("/<int:partner_id>/reveal", methods=["POST"])
@permission_required(REVEAL)
def reveal(partner_id: int):
    return pages.reveal_page(Partner, partner_id, _file)


def _file(partner: Partner, revealed: bool, reveal_form: RevealForm | None = None) -> str:
    return pages.render_file("core/partners/show.html", partner, revealed, reveal_form or RevealForm,
                             partner=partner)
