"""A user's background jobs: progress, errors, downloads and retries."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..database.models import Job
from ..disclosure import Guard, door
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
    job_service.refresh(pagination.items)
    return render_template("core/jobs.html", pagination=pagination)


@blueprint.route("/<int:job_id>")
@login_only
def show(job_id: int):
    job = _visible_job(job_id)
    job_service.refresh([job])
    return render_template("core/job.html", job=job, form=ConfirmForm())


@blueprint.route("/<int:job_id>/status")
@login_only
def status(job_id: int):
    """What the job's page shows while it waits, for its script: released for the reader like the page's data
    (internal, nobody there to decide: a name the reader may not see, in an error, is masked)."""
    job = _visible_job(job_id)
    job_service.refresh([job])
    return door.json_answer({
        "status": job.status,
        "progress": job.progress,
        "message": job.message,
        "error": job.error,
        "download": url_for("jobs.download", job_id=job.id) if job.result_filename else None,
    }, Guard(current_user, external=False, unattended=True))


@blueprint.route("/<int:job_id>/download")
@login_only
def download(job_id: int):
    job = _visible_job(job_id)
    if job.status != Job.FINISHED or not job.result_filename:
        abort(404)
    return door.send_result(job)


@blueprint.route("/<int:job_id>/retry", methods=["POST"])
@login_only
def retry(job_id: int):
    job = _visible_job(job_id)
    if ConfirmForm().validate_on_submit() and job.status == Job.FAILED:
        job_service.retry(job)
        flash(_("The job was started again."), "info")
    return redirect(url_for("jobs.show", job_id=job.id))
