"""Error pages: every failure answers with a translated page, never a stack trace."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app, flash, redirect, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, RequestEntityTooLarge

from ..extensions import db
from ..languages.i18n import lazy_gettext as _l
from . import outage
from .navigation import safe_next

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Please go back and try again.")),
    403: (_l("Access denied"), _l("You do not have permission to see this page.")),
    404: (_l("Page not found"), _l("There is nothing at this address.")),
    405: (_l("Method not allowed"), _l("This page cannot be used that way.")),
    413: (_l("Too large"), _l("What you sent is too large. Files must be smaller than the limit.")),
    429: (_l("Too many attempts"), _l("Too many attempts. Please wait and try again later.")),
    500: (_l("Something went wrong"), _l("An unexpected error occurred. It has been logged; nothing was saved.")),
}
NOT_SENT = _l("Not sent")
INCOMPLETE = (NOT_SENT, _l("Nothing was sent: a plugin could not say what this output must keep out. An "
                                 "administrator can see which one on the plugins page."))
CSRF_MESSAGE = _l("Your form expired or was sent from elsewhere. Please reload the page and try again.")


def render_error(error: HTTPException, message: Any = None) -> Any:
    code = error.code or 500
    title, standard = MESSAGES.get(code, MESSAGES[500] if code >= 500 else MESSAGES[400])
    message = message or standard
    if isinstance(error, CSRFError):
        message = CSRF_MESSAGE
    if request.accept_mimetypes.best == "application/json":
        from ..disclosure import door  # late: the door's refusal page uses this module's words

        return door.fixed_json(code, error=title, message=message)
    headers = [(key, value) for key, value in error.get_headers() if key.lower() != "content-type"]
    try:
        return render_template("errors/error.html", code=code, title=title, message=message), code, headers
    except outage.UNREACHABLE as unreachable:  # the layout reads the user's menu: the database is down too
        return outage.handle(unreachable)


def handle_http_error(error: HTTPException) -> Any:
    unreachable = getattr(error, "original_exception", None)
    if unreachable is not None and outage.service_of(unreachable):
        return outage.handle(unreachable)  # raised where Flask finds no handler for it (after the request...)
    if error.code and error.code >= 500:
        db.session.rollback()
    return render_error(error)


def handle_too_large(error: RequestEntityTooLarge) -> Any:
    """A request over ``MAX_CONTENT_LENGTH`` (an upload of any size, refused before it is read, so nothing of it is
    kept): back to the form it was sent from, with the message a file refused by the upload itself gets."""
    from ..attachments.storage import too_large

    back = urlsplit(request.referrer or "")
    if request.method == "POST" and back.netloc == request.host and back.path.startswith("/") \
            and request.accept_mimetypes.best != "application/json":
        flash(too_large(), "danger")
        return redirect(safe_next(back.path + (f"?{back.query}" if back.query else "")), 303)
    return render_error(error, too_large())


def handle_unexpected(error: Exception) -> Any:
    current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
    db.session.rollback()
    return render_error(InternalServerError(original_exception=error))


def handle_blocked(error: Exception) -> Any:
    """A download the disclosure guard refused: nothing was sent; its preflight asks for a decision."""
    from ..disclosure import preflight

    db.session.rollback()
    return preflight.blocked_page(error)


def handle_incomplete_register(error: Exception) -> Any:
    """A plugin could not say what it protects, or the phone or address index was built with another secret key:
    the output is refused, the message saying what to do (a plugin's failure is on the plugins page; an outdated
    index is logged for the administrator, who runs ``observatory reindex-addresses``)."""
    from ..disclosure.phones import IndexOutdated

    db.session.rollback()
    if isinstance(error, IndexOutdated):
        current_app.logger.warning("output refused on %s: %s; run observatory reindex-addresses", request.path, error)
    message = getattr(error, "user_message", None) or INCOMPLETE[1]
    return render_template("errors/error.html", code=503, title=INCOMPLETE[0], message=message), 503


def handle_refused_file(error: Exception) -> Any:
    """A file that would leave whole holds what the output may not carry: nothing was sent."""
    db.session.rollback()
    return render_template("errors/error.html", code=409, title=NOT_SENT, message=error.user_message), 409


def init_app(app: Flask) -> None:
    from ..disclosure import Blocked, FileRefused, RegisterIncomplete
    from ..disclosure.phones import IndexOutdated

    app.register_error_handler(Blocked, handle_blocked)
    app.register_error_handler(FileRefused, handle_refused_file)
    app.register_error_handler(RegisterIncomplete, handle_incomplete_register)
    app.register_error_handler(IndexOutdated, handle_incomplete_register)
    outage.init_app(app)
    app.register_error_handler(RequestEntityTooLarge, handle_too_large)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
