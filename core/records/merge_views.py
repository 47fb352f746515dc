"""Admins merge a duplicate into the record to keep, after seeing both; a merge can be undone from the audit trail."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..audit.models import AuditEntry
from ..extensions import db
from ..languages.i18n import gettext as _
from ..web.forms import ConfirmForm
from ..web.permissions import permission_required
from . import merging, pages
from .matching import similar_records
from .registry import record_url

blueprint = Blueprint("merge", __name__, url_prefix="/merge")
MERGE = "core.records.merge"


def _model(kind: str):
    model = merging.MODELS.get(kind)
    if model is None:
        abort(404)
    return model


@blueprint.route("/<kind>/<int:record_id>", methods=["GET", "POST"])
@permission_required(MERGE)
def choose(kind: str, record_id: int):
    """Step 1: pick the record to keep (suggested matches, or any id); step 2: confirm after comparing."""
    model = _model(kind)
    source = pages.visible_record(model, record_id)
    form = ConfirmForm()
    target, error, refusal = None, None, None
    target_id = request.values.get("target", "")
    if target_id:
        if not (target_id.isdecimal() and len(target_id) < 10):
            error = _("Give the number of an existing record.")
        else:
            target = db.session.get(model, int(target_id))
            if target is None or target.id == source.id:
                error = _("Give the number of another existing record.")
                target = None
    if target is not None and request.method == "POST" and request.form.get("confirm") == "1":
        if not form.validate_on_submit():
            abort(400)
        try:
            merging.merge(kind, source, target)
        except merging.MergeRefused as refused:  # rolled back: nothing changed
            refusal = refused
        else:
            flash(_("%(source)s was merged into %(target)s.", source=source.name, target=target.name), "success")
            return redirect(record_url(kind, target.id))
    suggestions = similar_records(model, source.name, getattr(source, "aliases", ""), current_user, source.id)
    return render_template("core/merge/choose.html", kind=kind, source=source, target=target, error=error,
                           refusal=refusal, suggestions=suggestions, form=form), \
        409 if refusal else 422 if error else 200


@blueprint.route("/undo/<int:entry_id>", methods=["POST"])
@permission_required(MERGE)
def undo(entry_id: int):
    entry = db.session.get(AuditEntry, entry_id)
    if entry is None or entry.action != AuditEntry.MERGE or not ConfirmForm().validate_on_submit():
        abort(404)
    try:
        restored = merging.undo(entry)
    except merging.MergeRefused as refusal:
        db.session.rollback()
        flash(_("The merge could not be undone: %(reason)s.", reason=str(refusal)), "danger")
        return redirect(url_for("audit.index", action="merge"))
    flash(_("The merge was undone: %(name)s is back.", name=restored.name), "success")
    return redirect(record_url(entry.record_type, restored.id))
