"""Admins merge a duplicate into the record to keep, after seeing both; a merge can be undone from the audit trail."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..audit.models import AuditEntry
from ..extensions import db
from ..languages.i18n import gettext as _
from ..languages.i18n import lazy_gettext as _l
from ..plugin_host.plugins import host
from ..web.forms import ConfirmForm
from ..web.permissions import can, permission_required
from . import merging, pages
from .matching import similar_records
from .references import Blocked
from .registry import may_see, record_types, record_url
from .visibility import visible_ids

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
    parts, hidden = refused_parts(refusal.blocked, current_user) if refusal else ([], False)
    return render_template("core/merge/choose.html", kind=kind, source=source, target=target, error=error,
                           refusal=refusal, parts=parts, hidden=hidden, suggestions=suggestions, form=form), \
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


@dataclass(frozen=True)
class RefusedPart:
    """One line of a refused merge's page: what kind of record holds links that cannot move, how many of them
    belong to records the reader may see, and why they cannot move."""

    label: Any
    links: int
    reason: Any


def refused_parts(blocked: list[Blocked], user: Any) -> tuple[list[RefusedPart], bool]:
    """The refused merge's rows as its reader may know them: under the label of the record type they belong to
    (the record type of their table, or of the record their other key points at), else of the plugin whose
    table holds them, never a table's name; counted only for records ``user`` may see. The second value says
    whether some rows belong to records ``user`` may not see (the page says so without a number)."""
    types = {kind.model.__table__.name: kind for kind in record_types().values()}
    parts, hidden = [], False
    for block in blocked:
        owner = (types[block.table], "id") if block.table in types else next(
            ((types[referred], column) for column, referred in block.refers if referred in types), (None, ""))
        kind, column = owner
        if kind is None:  # details of the merged record itself, which the reader sees
            parts.append(RefusedPart(_plugin_data(block.table), block.rows, block.reason))
            continue
        seen = _seen(kind, {row[column] for row in block.found if row.get(column) is not None}, user)
        links = sum(1 for row in block.found if row.get(column) in seen)
        hidden = hidden or links < block.rows
        if links:
            parts.append(RefusedPart(kind.label, links, block.reason))
    return parts, hidden


def _seen(kind: Any, ids: set[int], user: Any) -> set[int]:
    """Of the records of ``kind`` with these ``ids``, those ``user`` may see (its view permission, then the
    record's confidentiality, or the type's wider rule)."""
    if not ids or not can(kind.view_permission, user):
        return set()
    records = list(db.session.scalars(select(kind.model).where(kind.model.id.in_(ids))))
    seen = visible_ids(kind.model, records, user)
    if kind.may_see:
        seen |= {record.id for record in records if record.id not in seen and may_see(record, user)}
    return seen


def _plugin_data(table: str) -> Any:
    """What holds the rows of a table that belongs to no record type: its plugin, named by the table's prefix."""
    plugins = host().plugins
    owner = next((plugins[name] for name in sorted(plugins, key=len, reverse=True)
                  if table.startswith(f"{name}_")), None)
    if owner is None:
        return _l("Data of a plugin that is not running")
    return _l("Data of %(plugin)s", plugin=owner.title)
