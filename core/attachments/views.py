"""Uploading, downloading (always as a download) and removing attachments, each permission-checked
against the record the file belongs to."""
from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from flask import Blueprint, abort, flash, redirect, send_file
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import Select, bindparam, select
from wtforms import StringField, SubmitField
from wtforms.validators import Length

from ..audit.capture import record_view
from ..database.models import User
from ..database.statements import built_once, read_rows
from ..disclosure import door
from ..extensions import db
from ..languages.i18n import gettext as _
from ..languages.i18n import lazy_gettext as _l
from ..plugin_host.contributions import RESTRICTED
from ..records.registry import record_url, resolve
from ..web.forms import ConfirmForm
from ..web.permissions import login_only
from . import storage
from .models import Attachment

blueprint = Blueprint("attachments", __name__, url_prefix="/attachments")


class AttachmentForm(FlaskForm):
    file = FileField(_l("File"), validators=[FileRequired(message=_l("Choose a file to attach."))])
    description = StringField(_l("Description"), validators=[Length(max=500)])
    submit = SubmitField(_l("Attach"))


class AttachmentRow(NamedTuple):
    """A file as a record's attachments card lists it."""

    id: int
    name: str
    description: str
    size: int
    sha256: str
    uploaded_at: datetime
    uploaded_by: str | None  # the uploader's name, None once the account is gone


def attachments_of(record: Any) -> list[AttachmentRow]:
    """The record's files, newest first, as plain rows (the card shows a few columns of each)."""
    return [AttachmentRow(*row) for row in read_rows(
        _attachments_statement(), {"type": record.__record_type__, "id": record.id})]


@built_once
def _attachments_statement() -> Select:
    return select(Attachment.id, Attachment.name, Attachment.description, Attachment.size, Attachment.sha256,
                  Attachment.uploaded_at, User.name).outerjoin(User, User.id == Attachment.uploaded_by_id).where(
        Attachment.record_type == bindparam("type"), Attachment.record_id == bindparam("id")) \
        .order_by(Attachment.uploaded_at.desc(), Attachment.id.desc())


@blueprint.route("/<record_type>/<int:record_id>", methods=["POST"])
@login_only  # the record type decides the permission, checked by resolve()
def upload(record_type: str, record_id: int):
    _kind, record = resolve(record_type, record_id, edit=True)
    form = AttachmentForm()
    if form.validate_on_submit():
        try:
            stored = storage.store(form.file.data.stream, form.file.data.filename or "")
        except storage.RejectedFile as refusal:
            flash(str(refusal), "danger")
        else:
            db.session.add(Attachment(record_type=record_type, record_id=record.id, name=stored.name,
                                      description=(form.description.data or "").strip(), stored_name=stored.stored_name,
                                      mimetype=stored.mimetype, size=stored.size, sha256=stored.sha256,
                                      uploaded_by_id=current_user.id))
            db.session.commit()
            flash(_("%(name)s was attached.", name=stored.name), "success")
    else:
        for errors in form.errors.values():
            for error in errors:
                flash(error, "danger")
    return redirect(record_url(record_type, record.id))


def _attachment(attachment_id: int, edit: bool = False) -> tuple[Attachment, object]:
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None:
        abort(404)
    _kind, record = resolve(attachment.record_type, attachment.record_id, edit=edit)
    return attachment, record


@blueprint.route("/<int:attachment_id>")
@login_only
def download(attachment_id: int):
    attachment, record = _attachment(attachment_id)
    if record.confidentiality == RESTRICTED:
        record_view("attachment", attachment.id, attachment.name,
                    {"record": f"{attachment.record_type} {attachment.record_id}"})
    try:
        path = storage.path_of(attachment.stored_name)
        # An upload, sent whole to a reader allowed to see its record (annexes leaving in a dossier are checked).
        return door.mark(send_file(path, mimetype=attachment.mimetype, as_attachment=True,
                                   download_name=attachment.name, max_age=0), door.STORED)
    except FileNotFoundError:
        abort(404)


@blueprint.route("/<int:attachment_id>/delete", methods=["POST"])
@login_only
def delete(attachment_id: int):
    attachment, record = _attachment(attachment_id, edit=True)
    if ConfirmForm().validate_on_submit():
        stored_name, name = attachment.stored_name, attachment.name
        db.session.delete(attachment)
        db.session.commit()
        storage.remove(stored_name)
        flash(_("%(name)s was removed.", name=name), "success")
    return redirect(record_url(attachment.record_type, attachment.record_id))
