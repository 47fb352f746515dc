"""Background jobs: enqueued with rq when Redis is configured, run inline otherwise.

Both ways go through :func:`execute`, which loads the :class:`~core.database.models.Job` row, imports the
job function by its dotted path and calls it with a :class:`JobContext` and the stored
parameters. Job functions take ids and plain values, never ORM objects, so they can run in a
worker process on another machine. A job keeps a file only as the disclosure guard's writers made it
(:meth:`JobContext.save_result` takes a :class:`~core.disclosure.files.GuardedFile`, nothing else, and seals it:
bytes set on ``ctx.job`` directly carry no seal, and the door will not send them).

Example::

    def export_users(ctx: JobContext, *, role: str) -> None:
        ctx.progress(50, "Writing")
        ctx.save_result(spreadsheets.write_file("users.csv", "csv", header, rows, guard))

    job = jobs.enqueue("core.jobs_builtin.export_users", title="Users", user=current_user, role="admin")
"""
from __future__ import annotations

import importlib
import logging
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from flask import current_app, has_app_context, has_request_context
from flask_babel import force_locale, get_locale
from redis import Redis
from rq import Queue

from ..database.models import Job, User, utcnow
from ..disclosure.files import GuardedFile, NotGuarded, result_seal
from ..extensions import db

log = logging.getLogger(__name__)


class JobContext:
    """Handed to a job function: report progress and store the result file."""

    def __init__(self, job: Job) -> None:
        self.job = job

    @property
    def job_id(self) -> int:
        return self.job.id

    def progress(self, percent: int, message: str | None = None) -> None:
        """Record progress (0-100) and commit, so the page polling the job sees it."""
        self.job.progress = max(0, min(100, int(percent)))
        if message is not None:
            self.job.message = message[:500]
        db.session.commit()

    def save_result(self, file: GuardedFile) -> None:
        """Keep ``file`` as the job's result, to download from its page. Only a file written through the
        disclosure guard is kept (``render_document``, ``save_export``, ``text_file``, ``json_file``,
        ``GuardedZip``): anything else is a programming error (:class:`NotGuarded`)."""
        if not isinstance(file, GuardedFile):
            raise NotGuarded(f"a job keeps only a file written through the disclosure guard (render_document, "
                             f"save_export, text_file, json_file, GuardedZip), not {type(file).__name__}")
        self.job.result_filename = file.name
        self.job.result_mimetype = file.mimetype
        self.job.result_data = file.data
        self.job.result_size = len(file.data)
        self.job.result_seal = result_seal(file.name, file.data, file.mimetype, current_app.config["SECRET_KEY"])


def redis_connection() -> Redis | None:
    url = current_app.config.get("REDIS_URL")
    return Redis.from_url(url) if url else None


def queue() -> Queue | None:
    connection = redis_connection()
    if connection is None:
        return None
    return Queue(current_app.config["RQ_QUEUE"], connection=connection)


def _resolve(path: str) -> Callable[..., Any]:
    module_name, _, attribute = path.rpartition(".")
    return getattr(importlib.import_module(module_name), attribute)


def enqueue(function: str, *, title: str, user: User | None = None, **params: Any) -> Job:
    """Record a job and start it: on the rq queue if Redis is configured, else right now."""
    _resolve(function)  # fail early, in the caller, on a wrong path
    job = Job(
        function=function,
        title=str(title)[:200],
        params=params,
        locale=str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"]),
        created_by_id=user.id if user else None,
    )
    db.session.add(job)
    db.session.commit()
    dispatch(job.id)
    return job


def dispatch(job_id: int) -> None:
    rq_queue = queue()
    if rq_queue is None:
        execute(job_id)
    else:
        rq_queue.enqueue("core.jobs.jobs.execute", job_id, job_timeout=3600, result_ttl=3600, failure_ttl=86400)


def retry(job: Job) -> None:
    """Run a failed job again with the same parameters."""
    job.status, job.progress, job.message, job.error = Job.QUEUED, 0, None, None
    job.started_at = job.finished_at = None
    db.session.commit()
    dispatch(job.id)


def execute(job_id: int) -> str:
    """Run job ``job_id`` (in a worker or inline); returns its final status.

    A worker has no application context of its own, so one is built here when needed.
    """
    if has_app_context():
        try:
            return _execute(job_id)
        finally:
            if not has_request_context():
                db.session.remove()  # a long-lived worker starts each job with a clean session
    from .. import (
        create_app,  # late: the worker process builds the app only when a job arrives
    )

    with create_app().app_context():
        return _execute(job_id)


@contextmanager
def _job_environment(job: Job) -> Iterator[None]:
    """The requester's language, and links built on ``BASE_URL`` whether inline or in a worker."""
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]), force_locale(job.locale):
        yield


def _execute(job_id: int) -> str:
    job = db.session.get(Job, job_id)
    if job is None:
        log.warning("job %s vanished before it ran", job_id)
        return "missing"
    job.status, job.started_at, job.attempts = Job.RUNNING, utcnow(), (job.attempts or 0) + 1
    db.session.commit()
    try:
        with _job_environment(job):
            _resolve(job.function)(JobContext(job), **(job.params or {}))
    except Exception as exc:  # noqa: BLE001 - recorded on the job and shown to its owner
        log.exception("job %s (%s) failed", job_id, job.function)
        db.session.rollback()
        job = db.session.get(Job, job_id)
        # An error meant for the user (the disclosure guard's refusal) is shown as it is, in their language.
        message = getattr(exc, "user_message", None) or f"{type(exc).__name__}: {exc}"
        job.status, job.error = Job.FAILED, str(message)[:5000]
    else:
        job.status, job.progress = Job.FINISHED, 100
    job.finished_at = utcnow()
    db.session.commit()
    return job.status
