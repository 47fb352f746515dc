"""What runs by the calendar: ``observatory scheduler`` is rq's cron scheduler, which puts each task on the job
queue when its cron expression (UTC, from the configuration) comes due; the rq worker runs it. Every minute, the
check for jobs whose worker or process stopped (:func:`core.jobs.jobs.check_stopped_jobs`).

Tasks are plain functions the worker can import; they build an application when they run without one.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Callable

from croniter import croniter
from flask import Flask, current_app, has_app_context
from rq.cron import CronScheduler

from .jobs import redis_connection


def send_reminders() -> int:
    """Daily: remind users of their coming deadlines, and send the mail it queued."""
    if not has_app_context():
        from .. import create_app

        with create_app({"PROCESS_KIND": "worker"}).app_context():  # run by a worker, for the scheduler
            return send_reminders()
    from ..notifications.services import send_queued_mail
    from ..notifications.services import send_reminders as remind

    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        count = remind()
        send_queued_mail()
    return count


def tasks() -> list[tuple[Callable[..., Any], str]]:
    """(function, configuration key of its cron expression)."""
    from ..publications.jobs import scheduled_bulletin
    from .jobs import check_stopped_jobs

    return [(scheduled_bulletin, "BULLETIN_SCHEDULE"), (send_reminders, "REMINDERS_SCHEDULE"),
            (check_stopped_jobs, "JOBS_CHECK_SCHEDULE")]


def invalid_expressions(app: Flask) -> list[str]:
    return [f"{key}={app.config.get(key)!r}" for _function, key in tasks()
            if app.config.get(key) and not croniter.is_valid(app.config[key])]


def cron_scheduler(app: Flask) -> CronScheduler:
    """An rq cron scheduler with every task whose cron expression is set (an empty one turns the task off)."""
    connection = redis_connection()
    if connection is None:
        raise RuntimeError("OBSERVATORY_REDIS_URL is not set: the scheduler needs Redis and a worker.")
    bad = invalid_expressions(app)
    if bad:
        raise ValueError("invalid cron expression(s): " + ", ".join(bad))
    scheduler = CronScheduler(connection=connection, name=f"observatory:{app.config['RQ_QUEUE']}")
    for function, key in tasks():
        if app.config.get(key):
            scheduler.register(function, app.config["RQ_QUEUE"], cron=app.config[key], job_timeout=3600)
    return scheduler


def next_runs(app: Flask, now: datetime | None = None) -> dict[str, datetime]:
    """When each task runs next (shown by ``observatory scheduler --show``)."""
    moment = now or datetime.now(timezone.utc)
    return {f"{function.__module__}.{function.__name__}": croniter(app.config[key], moment).get_next(datetime)
            for function, key in tasks() if app.config.get(key) and croniter.is_valid(app.config[key])}
