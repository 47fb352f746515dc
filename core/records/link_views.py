"""Linking a plugin's record to records of other plugins, for every record type that declares links: the
search of linkable records, link and unlink. Each view asks the record's type for its edit permission (403
without it) and shows nothing of a record the user may not see (404); the owner's audit trail holds each
change (:mod:`core.records.links`).

Defenders are linked and unlinked here too, for every record type that declares ``defenders=DefenderLinks(...)``:
a defender the user may not see is never linked (400: a forged form) nor unlinked (404, as if there were none)."""

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
from .models import Defender
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


def _defenders_owner(owner_type: str, owner_id: int):
    """The record whose defenders change, if its type links defenders and the user may edit it."""
    if links.defender_kind(owner_type) is None:
        abort(404)
    return resolve(owner_type, owner_id, edit=True)


@blueprint.route("/<owner_type>/<int:owner_id>/defenders", methods=["POST"])
@login_only
def link_defender(owner_type: str, owner_id: int):
    kind, record = _defenders_owner(owner_type, owner_id)
    form = links.defender_form(kind)
    defender = links.link_defender(kind, record, form) if form.validate_on_submit() else None
    if defender is None:
        abort(400)  # no such defender, or one the user may not see
    flash(_("%(name)s is now linked.", name=defender.name), "success")
    return redirect(record_url(owner_type, owner_id) + "#defenders")


@blueprint.route("/<owner_type>/<int:owner_id>/defenders/<int:defender_id>/remove", methods=["POST"])
@login_only
def unlink_defender(owner_type: str, owner_id: int, defender_id: int):
    kind, record = _defenders_owner(owner_type, owner_id)
    row = links.linked_defender(record, defender_id)
    if row is None:
        abort(404)  # not linked, or a defender the user may not see: the same answer
    if not ConfirmForm().validate_on_submit():
        abort(400)
    name = db.session.get(Defender, defender_id).name
    refusal = links.unlink_defender(kind, record, row)
    if refusal:
        flash(str(refusal), "danger")
    else:
        flash(_("%(name)s is no longer linked.", name=name), "success")
    return redirect(record_url(owner_type, owner_id) + "#defenders")
