"""The application for production WSGI servers: ``gunicorn 'core.wsgi:app'``.

Each process, as it starts, fails the jobs whose run had stopped (an inline job cut by the restart of the process
running it, a worker gone): see :func:`core.jobs.jobs.check_stopped_jobs`. A database or Redis out of reach at that
moment leaves them to the next check (a page showing them, the scheduler).
"""
from __future__ import annotations

from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError

from . import create_app
from .config import ConfigError
from .jobs.jobs import check_stopped_jobs

try:
    app = create_app()
except ConfigError as error:  # one line naming the setting to fix, not a traceback
    raise SystemExit(f"Observatory cannot start: {error}") from None
with app.app_context():
    try:
        check_stopped_jobs()
    except (SQLAlchemyError, RedisError) as error:
        app.logger.warning("the stopped jobs were not checked at start-up: %s", str(error).splitlines()[0])
