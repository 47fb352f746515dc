"""Import pages: upload, the row-by-row report or a preview, then the import itself as a job."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField, SubmitField

from ..jobs import jobs
from ..languages.i18n import gettext as _
from ..languages.i18n import lazy_gettext as _l
from ..web.forms import required
from ..web.permissions import permission_required
from . import importing
from .matching import similar_records
from .models import Defender, Partner

blueprint = Blueprint("imports", __name__, url_prefix="/import")
IMPORT = "core.records.import"
PREVIEW_ROWS = 20


class ImportForm(FlaskForm):
    kind = SelectField(_l("Records"), choices=[("defender", _l("Defenders")), ("partner", _l("Partner organisations"))],
                       validators=[required()])
    file = FileField(_l("CSV or XLSX file"), validators=[FileRequired(message=_l("Choose a file to import."))])
    submit = SubmitField(_l("Check the file"))


class ConfirmImportForm(FlaskForm):
    token = HiddenField(validators=[required()])
    submit = SubmitField(_l("Import"))


@blueprint.route("/", methods=["GET", "POST"])
@permission_required(IMPORT)
def upload():
    form = ImportForm()
    if form.validate_on_submit():
        kind = form.kind.data
        try:
            table = importing.read_table(form.file.data.stream, form.file.data.filename or "")
        except importing.UnreadableFile as error:
            form.file.errors.append(str(error))
        else:
            checked = importing.check(kind, table)
            if checked.problems:
                return render_template("core/imports/problems.html", problems=checked.problems, kind=kind), 422
            token = importing.keep_for_confirmation(kind, current_user, checked.rows)
            model = Defender if kind == "defender" else Partner
            duplicates = [(row, found[0][0]) for row in checked.rows[:200]
                          if (found := similar_records(model, row["name"], row.get("aliases", ""), current_user))]
            return render_template("core/imports/preview.html", kind=kind, rows=checked.rows[:PREVIEW_ROWS],
                                   total=len(checked.rows), duplicates=duplicates,
                                   form=ConfirmImportForm(token=token), columns=importing.COLUMNS[kind])
    return render_template("core/imports/upload.html", form=form, columns=importing.COLUMNS), \
        200 if not form.errors else 422


@blueprint.route("/confirm", methods=["POST"])
@permission_required(IMPORT)
def confirm():
    form = ConfirmImportForm()
    if not form.validate_on_submit() or importing.held_rows(form.token.data, current_user.id) is None:
        abort(404)
    held = importing.held_rows(form.token.data, current_user.id)
    job = jobs.enqueue("core.records.importing.run_import", title=_("Import of %(count)d records", count=len(held["rows"])),
                       user=current_user, token=form.token.data, user_id=current_user.id)
    return redirect(url_for("jobs.show", job_id=job.id))
