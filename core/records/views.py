"""Defender pages: list with filters, create and edit (with the duplicate warning), the file with
its timeline, and revealing personal details."""
from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import Select, bindparam, select

from ..audit.capture import record as audit
from ..audit.models import AuditEntry
from ..database.models import utcnow
from ..database.statements import built_once, fill_collection
from ..disclosure import preflight
from ..documents import documents
from ..extensions import db
from ..languages.i18n import format_date
from ..languages.i18n import gettext as _
from ..languages.i18n import lazy_gettext as _l
from ..plugin_host import gather
from ..web.fragments import fragment
from ..web.pagination import paginate
from ..web.permissions import can, permission_required
from . import pages, services
from .forms import DefenderForm, RevealForm
from .models import Defender, Term, defender_rights
from .personal import has_personal_details, record_reveal

blueprint = Blueprint("defenders", __name__, url_prefix="/defenders")

VIEW, EDIT, REVEAL = "core.defenders.view", "core.defenders.edit", pages.REVEAL
RIGHTS = "rights"


def _form(defender: Defender | None) -> DefenderForm:
    form = DefenderForm(obj=defender)
    pages.prepare_common_fields(form, defender)
    form.rights.choices = [(t.id, t.label) for t in db.session.scalars(
        select(Term).where(Term.vocabulary == RIGHTS, Term.active.is_(True)).order_by(Term.position, Term.key))]
    if defender is not None and not form.is_submitted():
        form.rights.data = [term.id for term in defender.rights]
    return form


@blueprint.route("/")
@permission_required(VIEW)
def index():
    filters = services.DefenderFilters(**{key: request.args.get(key, "")[:100] for key in FILTERS})
    filters = replace(filters, sort=services.effective_sort(filters, services.SORTS))
    pagination = paginate(services.defenders_query(current_user, filters), deferred=bool(filters.q),
                          columns=LIST_COLUMNS)
    filter_form = fragment("core/defenders/_filters.html", pages.FILTER_CONSTANTS, filters=filters)
    return render_template("core/defenders/index.html", pagination=pagination, filters=filters,
                           countries=pages.countries_by_id(), filter_form=filter_form)


# What a row of the list shows, read as plain rows; countries are named from their per-language list.
LIST_COLUMNS = (Defender.id, Defender.name, Defender.country_id, Defender.risk_level, Defender.confidentiality)


FILTERS = ("q", "country", "region", "risk", "confidentiality", "sort")


@built_once
def _rights_statement() -> Select:
    """The rights a defender defends, in the list's order: read plainly (a lazy load of the relationship took
    0.3 ms of the defender's page)."""
    return select(Term).join(defender_rights, defender_rights.c.term_id == Term.id).where(
        defender_rights.c.defender_id == bindparam("defender_id")).order_by(Term.position)


@blueprint.route("/export", methods=["POST"])
@permission_required(pages.EXPORT)
def export():
    return pages.start_export("defender", FILTERS)


@blueprint.route("/new", methods=["GET", "POST"])
@permission_required(EDIT)
def create():
    return pages.edit_page(Defender, _form(None), None, "core/defenders/form.html", "defender")


@blueprint.route("/<int:defender_id>/edit", methods=["GET", "POST"])
@permission_required(EDIT)
def edit(defender_id: int):
    defender = pages.visible_record(Defender, defender_id)
    form = _form(defender)
    if not form.is_submitted() and can(REVEAL) and has_personal_details(defender):
        record_reveal(defender, "edit form")  # the form shows the personal details
    return pages.edit_page(Defender, form, defender, "core/defenders/form.html", "defender")


@blueprint.route("/<int:defender_id>")
@permission_required(VIEW)
def show(defender_id: int):
    return _file(pages.visible_record(Defender, defender_id), revealed=False)


@blueprint.route("/<int:defender_id>/reveal", methods=["POST"])
@permission_required(REVEAL)
def reveal(defender_id: int):
    return pages.reveal_page(Defender, defender_id, _file)


FILE_LEFT_OUT = (
    _l("Personal details (phones, e-mails, addresses, family) are never in a printed file, whoever prints it."),
    _l("Only what you may see is in it: timeline entries from records you may not see are left out."),
)


def _file_guard(defender: Defender):
    """The file's guard, with the decisions taken on its preflight step (the same for every format)."""
    return preflight.request_guard(current_user, external=False, records=[("defender", defender.id)],
                                   no_personal_details=True,
                                   step=url_for("defenders.document_check", defender_id=defender.id))


@blueprint.route("/<int:defender_id>/file", methods=["GET", "POST"])
@permission_required(VIEW)
def document_check(defender_id: int):
    """The file's preflight: what the disclosure guard found in it, the decisions it waits for, the build."""
    defender = pages.visible_record(Defender, defender_id)
    guard = _file_guard(defender)
    builds = [(_("Build the file (%(format)s)", format=fmt.upper()),
               url_for("defenders.document", defender_id=defender.id, fmt=fmt)) for fmt in ("pdf", "docx", "html")]
    return preflight.step_page(preflight.Step(
        address=guard.step, title=_("File of %(name)s", name=defender.name), subtitle=_("To print or send"),
        guard=guard, content=_document(defender), output=f"File of defender {defender.id}", builds=builds,
        back=(_("Back to the defender"), url_for("defenders.show", defender_id=defender.id)),
        left_out=[str(line) for line in FILE_LEFT_OUT]))


@blueprint.route("/<int:defender_id>/file.<fmt>", methods=["GET", "POST"])
@permission_required(VIEW)
def document(defender_id: int, fmt: str):
    """The defender's file to print or send: without personal details, and recorded as an export; the
    decisions taken on its preflight apply (refused while one waits)."""
    if fmt not in documents.FORMATS:
        abort(404)
    defender = pages.visible_record(Defender, defender_id)
    response = documents.download(_document(defender), fmt, defender.name, _file_guard(defender))  # may refuse it
    audit(AuditEntry.EXPORT, "defender", defender.id, defender.name, {"format": fmt})
    db.session.commit()
    return response


def _document(defender: Defender) -> documents.Document:
    labels = current_app.jinja_env.globals.get("_labels") or {}
    rows = [
        (_("Defender"), str(labels.get("kind", {}).get(defender.kind, defender.kind))),
        (_("Country"), defender.country.name if defender.country else "—"),
        (_("Profession or role"), defender.profession or "—"),
        (_("Rights defended"), ", ".join(term.label for term in defender.rights) or "—"),
        (_("Risk level"), str(labels.get("risk", {}).get(defender.risk_level, defender.risk_level))),
        (_("In publications"), _("Named (consent given)") if defender.consent_to_publish
         else _("As “%(name)s” (no consent)", name=defender.publication_name)),
    ]
    blocks: list = [documents.Table((_("Field"), _("Value")), tuple(rows))]
    if defender.summary:
        blocks += [documents.Heading(_("Situation")), documents.Paragraph(defender.summary)]
    timeline = gather.defender_timeline(defender.id, current_user)
    blocks.append(documents.Heading(_("Timeline")))
    blocks.append(documents.Table((_("Date"), _("Event")), tuple(
        (format_date(entry.when, "long"), str(entry.title)) for entry in timeline)) if timeline
        else documents.Paragraph(_("Nothing on the timeline yet."), emphasis=True))
    blocks.append(documents.Paragraph(_("Personal details are never included in printed files."), emphasis=True))
    return documents.Document(defender.name, str(get_locale()), blocks,
                              subtitle=str(labels.get("confidentiality", {}).get(defender.confidentiality, "")),
                              footer=_("Observatory — printed %(date)s", date=format_date(utcnow(), "long")))


def _file(defender: Defender, revealed: bool, reveal_form: RevealForm | None = None) -> str:
    fill_collection(defender, Defender.rights, _rights_statement(), {"defender_id": defender.id})
    timeline = gather.defender_timeline(defender.id, current_user)
    kinds = gather.timeline_kinds(timeline)
    kind = request.args.get("kind", "")
    if kind in dict(kinds):  # the filter by kind: a link per kind of step, no script
        timeline = [entry for entry in timeline if entry.kind == kind]
    else:
        kind = ""
    return pages.render_file("core/defenders/show.html", defender, revealed, reveal_form or RevealForm,
                             defender=defender, timeline=timeline, timeline_kinds=kinds, timeline_kind=kind)
