"""Background jobs: enqueued with rq when Redis is configured, run inline otherwise.

Both ways go through :func:`execute`, which loads the :class:`~core.database.models.Job` row, imports the
job function by its dotted path and calls it with a :class:`JobContext` and the stored
parameters. Job functions take ids and plain values, never ORM objects, so they can run in a
worker process on another machine. A job keeps a file only as the disclosure guard's writers made it
(:meth:`JobContext.save_result` takes a :class:`~core.disclosure.files.GuardedFile`, nothing else, and seals it:
bytes set on ``ctx.job`` directly carry no seal, and the door will not send them).

A job cannot get stuck. Each attempt records where it runs (``Job.runner``): ``rq:<rq job id>``, or
``inline:<host>:<token>`` for a job run in the app's own process, which holds a lock file (``instance/jobs/``) for as
long as it runs; the system drops the lock when the process dies. :func:`fail_stopped_jobs` asks rq (its
``StartedJobRegistry`` moves a job whose worker stopped sending heartbeats to the failed registry) and the lock
files, and marks each job whose run is over without an outcome as failed, with :data:`STOPPED`: the job's page
offers *Try again*, which builds the whole output anew. It runs at a worker's start, every minute from the
scheduler, and for the jobs a page shows (their page, the jobs list, the dashboard). An attempt given up that still
runs (an orphaned rq work-horse) writes nothing: :meth:`JobContext.progress` and the end of the run check that the
row is still theirs (:class:`GivenUp`). A failed or stopped run keeps no result (its fields are cleared), a retry
clears them first, and only a finished job's result is ever sent.

Example::

    def export_users(ctx: JobContext, *, role: str) -> None:
        ctx.progress(50, "Writing")
        ctx.save_result(spreadsheets.write_file("users.csv", "csv", header, rows, guard))

    job = jobs.enqueue("core.jobs_builtin.export_users", title="Users", user=current_user, role="admin")
"""
from __future__ import annotations

import fcntl
import importlib
import logging
import secrets
import socket
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from flask import current_app, g, has_app_context, has_request_context
from flask_babel import force_locale, get_locale
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, get_current_job
from rq.exceptions import NoSuchJobError
from rq.job import Job as RqJob
from rq.job import JobStatus
from rq.registry import StartedJobRegistry
from sqlalchemy import select, update

from ..database.models import Job, User, utcnow
from ..disclosure.files import GuardedFile, NotGuarded, result_seal
from ..extensions import db
from ..languages.i18n import lazy_gettext as _l
from ..plugin_host.plugins import host

log = logging.getLogger(__name__)

STOPPED = _l("This job stopped before it finished: the worker or the server running it was stopped. Nothing was "
             "kept. Try again to build it anew.")
QUEUE_DOWN = _l("The job queue could not be reached, so this job was not started. Try again in a few minutes.")
#: rq's states of a job that will not run any further.
OVER = (JobStatus.FINISHED, JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED)
IN_PROGRESS = (Job.QUEUED, Job.RUNNING)
RESULT_CLEARED = {"result_filename": None, "result_mimetype": None, "result_data": None, "result_size": None,
                  "result_seal": None}


class GivenUp(Exception):
    """This run's job was given up (marked failed, or started again): the run stops and writes nothing."""


class JobContext:
    """Handed to a job function: report progress and store the result file."""

    def __init__(self, job: Job, runner: str | None = None) -> None:
        self.job = job
        self.runner = runner

    @property
    def job_id(self) -> int:
        return self.job.id

    def progress(self, percent: int, message: str | None = None) -> None:
        """Record progress (0-100) and commit, so the page polling the job sees it. Raises :class:`GivenUp` when
        the job is no longer this run's."""
        self.claim()
        self.job.progress = max(0, min(100, int(percent)))
        if message is not None:
            self.job.message = message[:500]
        db.session.commit()

    def claim(self) -> None:
        """Make sure the job is still this run's before writing to it (on PostgreSQL the row stays locked until the
        commit, so it cannot be given up in between); else undo what the run meant to write and raise
        :class:`GivenUp`."""
        with db.session.no_autoflush:
            row = db.session.execute(select(Job.status, Job.runner).where(Job.id == self.job_id)
                                     .with_for_update()).one_or_none()
        if row is None or (row.status, row.runner) != (Job.RUNNING, self.runner):
            db.session.rollback()
            raise GivenUp(f"job {self.job_id} is no longer run by {self.runner}")

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
    # A Redis out of reach answers within seconds (an error page, a failed job), rather than hanging a request.
    return Redis.from_url(url, socket_connect_timeout=5, socket_timeout=10) if url else None


def queue() -> Queue | None:
    connection = redis_connection()
    if connection is None:
        return None
    return Queue(current_app.config["RQ_QUEUE"], connection=connection)


def _resolve(path: str) -> Callable[..., Any]:
    module_name, _, attribute = path.rpartition(".")
    return getattr(importlib.import_module(module_name), attribute)


def _lock_path(job_id: int) -> Path:
    folder = Path(current_app.instance_path) / "jobs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{job_id}.lock"


@contextmanager
def _inline_lock(job_id: int) -> Iterator[None]:
    """Held by a job run in the app's own process for as long as it runs: the system releases it when the process
    ends, however it ends, which is how :func:`fail_stopped_jobs` knows the run is over."""
    path = _lock_path(job_id)
    with open(path, "ab") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            path.unlink(missing_ok=True)


def _inline_run_alive(job_id: int) -> bool:
    try:
        handle = open(_lock_path(job_id), "rb")
    except FileNotFoundError:
        return False
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True  # a process holds it: the run goes on
    return False


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
    """Start job ``job_id``: on the rq queue, each attempt under an rq id of its own; else inline, now, holding
    the job's lock file. A queue out of reach fails the job (it can be tried again) and raises to the caller."""
    rq_queue = queue()
    if rq_queue is None:
        execute(job_id)
        return
    rq_id = f"observatory-{rq_queue.name}-{job_id}-{secrets.token_hex(8)}"
    try:
        rq_queue.enqueue("core.jobs.jobs.execute", job_id, job_id=rq_id, job_timeout=3600, result_ttl=3600,
                         failure_ttl=86400)
    except RedisError:
        job = db.session.get(Job, job_id)
        job.status, job.error, job.finished_at = Job.FAILED, _in_language(job.locale, QUEUE_DOWN), utcnow()
        db.session.commit()
        raise
    db.session.execute(update(Job).where(Job.id == job_id, Job.runner.is_(None)).values(runner=f"rq:{rq_id}"))
    db.session.commit()


def retry(job: Job) -> None:
    """Run a failed job again with the same parameters, from nothing: what a stopped run may have left is
    dropped."""
    job.status, job.progress, job.message, job.error, job.runner = Job.QUEUED, 0, None, None, None
    job.started_at = job.finished_at = None
    for field, value in RESULT_CLEARED.items():
        setattr(job, field, value)
    db.session.commit()
    dispatch(job.id)


def execute(job_id: int, runner: str | None = None) -> str:
    """Run job ``job_id`` (in a worker or inline); returns its final status. ``runner`` names this run (an rq
    worker's run is named by its rq id).

    A worker has no application context of its own, so one is built here when needed.
    """
    if runner is None:
        rq_job = get_current_job()
        if rq_job is None:  # inline: the run holds the job's lock file for as long as it runs
            with _inline_lock(job_id):
                return execute(job_id, runner=f"inline:{socket.gethostname()}:{secrets.token_hex(8)}")
        runner = f"rq:{rq_job.id}"
    if has_app_context():
        if has_request_context():  # inline: the request writes its plugin failures once its session has ended
            return _execute(job_id, runner)
        failures = host().failures
        failures.defer()  # and so does a worker's job (core.plugin_host.failures)
        try:
            return _execute(job_id, runner)
        finally:
            db.session.remove()  # a long-lived worker starts each job with a clean session
            failures.write_deferred()
    from .. import (
        create_app,  # late: the worker process builds the app only when a job arrives
    )

    with create_app({"PROCESS_KIND": "worker"}).app_context():  # a worker started by other means than ours
        return _execute(job_id, runner)


@contextmanager
def _job_environment(job: Job) -> Iterator[None]:
    """The requester's language, and links built on ``BASE_URL`` whether inline or in a worker."""
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        g.observatory_job_language = job.locale  # flask-babel's force_locale does nothing while flask.g is empty
        with force_locale(job.locale):
            yield


def _execute(job_id: int, runner: str) -> str:
    job = db.session.get(Job, job_id)
    if job is None:
        log.warning("job %s vanished before it ran", job_id)
        return "missing"
    if job.status != Job.QUEUED:  # given up while it waited, or started again under another run
        log.warning("job %s is %s: run %s does nothing", job_id, job.status, runner)
        return job.status
    job.status, job.started_at, job.attempts, job.runner = Job.RUNNING, utcnow(), (job.attempts or 0) + 1, runner
    db.session.commit()
    context = JobContext(job, runner)
    try:
        with _job_environment(job):
            _resolve(job.function)(context, **(job.params or {}))
        context.claim()
    except GivenUp:
        log.warning("job %s was given up while run %s ran: nothing of it is kept", job_id, runner)
        return "given up"
    except Exception as exc:  # noqa: BLE001 - recorded on the job and shown to its owner
        log.exception("job %s (%s) failed", job_id, job.function)
        db.session.rollback()
        # An error meant for the user (the disclosure guard's refusal) is shown as it is, in their language.
        message = getattr(exc, "user_message", None) or f"{type(exc).__name__}: {exc}"
        try:
            context.claim()
        except GivenUp:
            return "given up"
        job = context.job
        job.status, job.error = Job.FAILED, str(message)[:5000]
        for field, value in RESULT_CLEARED.items():
            setattr(job, field, value)
    else:
        job.status, job.progress = Job.FINISHED, 100
    job.finished_at = utcnow()
    db.session.commit()
    return job.status


def _in_language(locale: str, message: Any) -> str:
    """``message`` in ``locale`` (kept on a job, shown as it is to its owner)."""
    with current_app.test_request_context():
        g.observatory_job_language = locale  # flask-babel's force_locale does nothing while flask.g is empty
        with force_locale(locale):
            return str(message)


def _run_over(runner: str, job_id: int, rq_queue: Queue | None) -> bool:
    """Whether the run ``runner`` of job ``job_id`` is over (ended, or its worker or process stopped)."""
    kind, _, where = runner.partition(":")
    if kind == "inline":
        host = where.split(":", 1)[0]
        return host == socket.gethostname() and not _inline_run_alive(job_id)  # another host checks its own
    if kind != "rq" or rq_queue is None:
        return False
    try:
        return RqJob.fetch(where, connection=rq_queue.connection).get_status() in OVER
    except NoSuchJobError:
        return True  # expired, or lost with Redis's data: it will not run


def fail_stopped_jobs(jobs: Iterable[Any] | None = None, at: float | None = None) -> list[int]:
    """Mark failed, with :data:`STOPPED`, each waiting or running job whose run is over without an outcome: an rq
    worker that stopped (rq's ``StartedJobRegistry.cleanup`` moves a job whose worker's heartbeat lapsed to the
    failed registry; ``at``: as if checked at that Unix time), or an app process that ended during an inline run.
    ``jobs``: rows with ``id``, ``status`` and ``runner`` (default: every job in progress). Returns the ids
    failed."""
    if jobs is None:
        jobs = db.session.execute(select(Job.id, Job.status, Job.runner).where(Job.status.in_(IN_PROGRESS))).all()
    candidates = [(job.id, job.runner) for job in jobs if job.status in IN_PROGRESS and job.runner]
    if not candidates:
        return []
    rq_queue = queue()
    if rq_queue is not None and any(runner.startswith("rq:") for _id, runner in candidates):
        StartedJobRegistry(queue=rq_queue).cleanup(timestamp=at)
    failed = []
    for job_id, runner in candidates:
        if not _run_over(runner, job_id, rq_queue):
            continue
        locale = db.session.scalar(select(Job.locale).where(Job.id == job_id)) or "en"
        changed = db.session.execute(update(Job).where(
            Job.id == job_id, Job.status.in_(IN_PROGRESS), Job.runner == runner,
        ).values(status=Job.FAILED, error=_in_language(locale, STOPPED), finished_at=utcnow(), **RESULT_CLEARED))
        db.session.commit()
        if changed.rowcount:
            log.warning("job %s failed: its run %s stopped before it finished", job_id, runner)
            failed.append(job_id)
    return failed


def refresh(jobs: Iterable[Any]) -> bool:
    """For a page showing ``jobs``: :func:`fail_stopped_jobs` on those in progress, so the page tells the truth;
    with the queue out of reach they stay as they are (the page still shows). Whether any changed."""
    try:
        return bool(fail_stopped_jobs(jobs))
    except RedisError as error:
        log.warning("could not check the jobs' runs: %s", error)
        return False


def check_stopped_jobs() -> int:
    """The scheduler's task (every minute) and a worker's first act: :func:`fail_stopped_jobs` for every job."""
    if not has_app_context():
        from .. import create_app

        with create_app({"PROCESS_KIND": "worker"}).app_context():  # run by a worker, for the scheduler
            return check_stopped_jobs()
    return len(fail_stopped_jobs())
