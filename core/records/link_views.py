"""Linking a plugin's record to records of other plugins, for every record type that declares links: the
search of linkable records, link and unlink. Each view asks the record's type for its edit permission (403
without it) and shows nothing of a record the user may not see (404); the owner's audit trail holds each
change (:mod:`core.records.links`).

Defenders and partner organisations are linked and unlinked here too, for every record type that declares
``defenders=DefenderLinks(...)`` or ``partners=PartnerLinks(...)``: one the user may not see is never linked (400:
a forged form) nor unlinked (404, as if there were none)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField
from wtforms.validators import InputRequired

from ..extensions import db
from ..languages.i18n import gettext as _
from ..web.forms import ConfirmForm, required
from ..web.permissions import login_only
from . import links
from .registry import record_url, resolve

blueprint = Blueprint("links", __name__, url_prefix="/links")


class LinkForm(FlaskForm):
    record_type = HiddenField(validators=[required()])
    record_id = IntegerField(validators=[InputRequired()])


def _owner(owner_type: str, owner_id: int):
    """The record whose links change, if its type has links and the user may edit it."""
    if links.link_kind(owner_type) is None:
        abort(404)
    return resolve(owner_type, owner_id, edit=True)


def _back(owner_type: str, owner_id: int):
    return redirect(record_url(owner_type, owner_id) + "#records")


@blueprint.route("/<owner_type>/<int:owner_id>/find")
@login_only  # the record type decides the permission, checked by resolve()
def find(owner_type: str, owner_id: int):
    """Records of the kind asked for, matching the words, that the user may see and may link."""
    kind, record = _owner(owner_type, owner_id)  # the page names it: a restricted one's view is audited
    record_type, words = request.args.get("record_type", ""), request.args.get("words", "")
    return render_template(
        "core/records/link_find.html",
        kind=kind,
        record=record,
        kinds=links.linkable_kinds(kind),
        record_type=record_type,
        words=words[:100],
        found=links.find_linkable(kind, record, record_type, words),
        back=record_url(owner_type, owner_id) + "#records",
    )


@blueprint.route("/<owner_type>/<int:owner_id>", methods=["POST"])
@login_only
def link(owner_type: str, owner_id: int):
    kind, record = _owner(owner_type, owner_id)
    form = LinkForm()
    if not form.validate_on_submit() or not links.add_link(kind, record, form.record_type.data, form.record_id.data):
        abort(400)  # not a kind this record links, or not a record the user may see
    flash(_("The record is now linked."), "success")
    return _back(owner_type, owner_id)


@blueprint.route("/<owner_type>/<int:owner_id>/<int:link_id>/remove", methods=["POST"])
@login_only
def unlink(owner_type: str, owner_id: int, link_id: int):
    kind, record = _owner(owner_type, owner_id)
    if not ConfirmForm().validate_on_submit() or not links.remove_link(kind, record, link_id):
        abort(400)
    flash(_("The link was removed."), "success")
    return _back(owner_type, owner_id)


def _target_owner(owner_type: str, owner_id: int, target: str):
    """The record whose defenders (partners) change, if its type links them and the user may edit it."""
    if links.target_kind(owner_type, target) is None:
        abort(404)
    return resolve(owner_type, owner_id, edit=True)


def _refused_fields(form, target: str) -> bool:
    """Flash the errors of the fields the user filled in (a role too long), so the page says what was wrong;
    False when the form is only forged (no record named: a 400)."""
    errors = {name: messages for name, messages in form.errors.items()
              if name not in (links.TARGETS[target].column, "csrf_token")}
    for name, messages in errors.items():
        for message in messages:
            flash(_("%(field)s: %(message)s", field=form[name].label.text, message=message), "danger")
    return bool(errors)


@blueprint.route("/<owner_type>/<int:owner_id>/defenders", methods=["POST"], defaults={"target": "defenders"})
@blueprint.route("/<owner_type>/<int:owner_id>/partners", methods=["POST"], defaults={"target": "partners"})
@login_only
def link_core(owner_type: str, owner_id: int, target: str):
    """Link a defender (partner) the user may see; 400 for one they may not see, as for a forged form."""
    kind, record = _target_owner(owner_type, owner_id, target)
    form = links.link_form(kind, target)
    if not form.validate_on_submit():
        if _refused_fields(form, target):
            return redirect(record_url(owner_type, owner_id) + f"#{target}")
        abort(400)
    linked = links.link_target(kind, target, record, form)
    if linked is None:
        abort(400)  # no such record, or one the user may not see
    flash(_("%(name)s is now linked.", name=linked.name), "success")
    return redirect(record_url(owner_type, owner_id) + f"#{target}")


@blueprint.route("/<owner_type>/<int:owner_id>/defenders/<int:linked_id>/remove", methods=["POST"],
                 defaults={"target": "defenders"})
@blueprint.route("/<owner_type>/<int:owner_id>/partners/<int:linked_id>/remove", methods=["POST"],
                 defaults={"target": "partners"})
@login_only
def unlink_core(owner_type: str, owner_id: int, target: str, linked_id: int):
    """Unlink a defender (partner); 404 for one not linked or that the user may not see: the same answer."""
    kind, record = _target_owner(owner_type, owner_id, target)
    row = links.linked_row(record, target, linked_id)
    if row is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    name = db.session.get(links.TARGETS[target].model, linked_id).name
    refusal = links.unlink_target(kind, target, record, row)
    if refusal:
        flash(str(refusal), "danger")
    else:
        flash(_("%(name)s is no longer linked.", name=name), "success")
    return redirect(record_url(owner_type, owner_id) + f"#{target}")
