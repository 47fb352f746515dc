"""A user's background jobs: progress, errors, downloads and retries."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..database.models import Job
from ..disclosure import door
from ..extensions import db
from ..languages.i18n import gettext as _
from ..web.forms import ConfirmForm
from ..web.navigation import page_argument, page_size
from ..web.permissions import can, login_only
from . import jobs as job_service

blueprint = Blueprint("jobs", __name__, url_prefix="/jobs")
MANAGE = "core.jobs.manage"


def _visible_job(job_id: int) -> Job:
    job = db.session.get(Job, job_id)
    if job is None:
        abort(404)
    if job.created_by_id != current_user.id and not can(MANAGE):
        abort(403)
    return job


@blueprint.route("/")
@login_only
def index():
    query = select(Job).options(joinedload(Job.created_by)).order_by(Job.created_at.desc(), Job.id.desc())
    if not can(MANAGE):
        query = query.where(Job.created_by_id == current_user.id)
    pagination = db.paginate(query, page=page_argument(), per_page=page_size(), error_out=False)
    return render_template("core/jobs.html", pagination=pagination)


@blueprint.route("/<int:job_id>")
@login_only
def show(job_id: int):
    return render_template("core/job.html", job=_visible_job(job_id), form=ConfirmForm())


@blueprint.route("/<int:job_id>/status")
@login_only
def status(job_id: int):
    job = _visible_job(job_id)
    return jsonify(
        status=job.status,
        progress=job.progress,
        message=job.message,
        error=job.error,
        download=url_for("jobs.download", job_id=job.id) if job.result_filename else None,
    )


@blueprint.route("/<int:job_id>/download")
@login_only
def download(job_id: int):
    job = _visible_job(job_id)
    if job.status != Job.FINISHED or not job.result_filename:
        abort(404)
    # Job functions write their file through the guard's writers (render_document, save_export) before they
    # keep it; that is their contract, not checked here (JobContext.save_result takes any bytes).
    return door.mark(Response(job.result_data, headers={
        "Content-Type": job.result_mimetype or "application/octet-stream",
        "Content-Disposition": f'attachment; filename="{job.result_filename}"',
    }))


@blueprint.route("/<int:job_id>/retry", methods=["POST"])
@login_only
def retry(job_id: int):
    job = _visible_job(job_id)
    if ConfirmForm().validate_on_submit() and job.status == Job.FAILED:
        job_service.retry(job)
        flash(_("The job was started again."), "info")
    return redirect(url_for("jobs.show", job_id=job.id))
