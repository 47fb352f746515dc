"""When the database or Redis cannot be reached: the app's own "temporarily unavailable" answer (503), for every
request, made without the database.

The usual error page cannot serve here: its layout reads the logged-in user, their menu and their notifications
from the database. So this page is a template of its own (``errors/unavailable.html``, no layout, no context
processor), in the language the session remembers (or the browser's), and JSON to a script asking for JSON. The
connection pool checks a connection before lending it (``pool_pre_ping``), so the first request after the service
is back succeeds: no restart, and the session cookie still holds its user.
"""
from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, g, request, session
from flask_babel import force_locale
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from ..extensions import db
from ..languages.i18n import lazy_gettext as _l

DATABASE, REDIS = "database", "redis"
#: The errors that say a service is out of reach (a refused or broken connection, a pool that cannot lend one).
UNREACHABLE = (OperationalError, InterfaceError, PoolTimeoutError, RedisConnectionError, RedisTimeoutError)
TITLE = _l("Temporarily unavailable")
MESSAGES = {
    DATABASE: _l("The Observatory cannot reach its database right now. Please try again in a few minutes; if you "
                 "were saving something, check afterwards that it was saved."),
    REDIS: _l("The Observatory cannot reach its job queue right now. Please try again in a few minutes."),
}


def service_of(error: BaseException) -> str | None:
    """Which service ``error`` says is out of reach, or None when it says something else (a constraint...)."""
    if isinstance(error, (RedisConnectionError, RedisTimeoutError)):
        return REDIS
    if isinstance(error, UNREACHABLE) or (isinstance(error, DBAPIError) and error.connection_invalidated):
        return DATABASE
    return None


def _language() -> str:
    """The language without asking the database: the one the session remembers (the account's, see
    :func:`core.languages.i18n.select_locale`), else the browser's."""
    languages = current_app.config["LANGUAGES"]
    if session.get("locale") in languages:
        return session["locale"]
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def answer(service: str) -> Response:
    """The 503 for ``service``: JSON to a script that asks for it, else the page."""
    from ..disclosure import door  # late: the door imports the error pages, which import this module

    if request.endpoint == "core.health":  # a check before the view (the session's user) failed: answer anyway
        return current_app.view_functions["core.health"]()
    g.observatory_outage = service  # flask-babel's force_locale does nothing while flask.g is empty
    with force_locale(_language()):
        title, message = str(TITLE), str(MESSAGES[service])
        if request.accept_mimetypes.best == "application/json":
            response = door.fixed_json(503, error=title, message=message, service=service)
        else:
            page = current_app.jinja_env.get_template("errors/unavailable.html").render(
                title=title, message=message, lang=_language(), again=request.full_path if request.method == "GET"
                else None)
            response = door.mark(current_app.response_class(page, status=503, mimetype="text/html"), door.FIXED)
    response.headers["Retry-After"] = "60"
    return response


def handle(error: Exception) -> Any:
    """Error handler for the database's and Redis's errors: a service out of reach gets the 503; any other
    database error (a constraint...) is an unexpected error like any other."""
    from .errors import handle_unexpected

    service = service_of(error)
    if service is None:
        return handle_unexpected(error)
    current_app.logger.error("%s unreachable on %s %s: %s", service, request.method, request.path,
                             str(error).splitlines()[0] if str(error) else type(error).__name__)
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the connection is gone; the pool replaces it
        current_app.logger.info("rollback after an outage failed; the connection is discarded")
    return answer(service)


def init_app(app: Flask) -> None:
    for error in (DBAPIError, PoolTimeoutError, RedisConnectionError, RedisTimeoutError):
        app.register_error_handler(error, handle)
