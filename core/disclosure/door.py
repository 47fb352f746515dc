"""The check at the door: nothing but our own pages and static assets leaves unless the disclosure guard's writers
made it, or it is a stored file served to a reader allowed to see it.

After every request, a response passes unchecked only when it is an HTML page rendered by our templates (not an
attachment), a static asset (Flask's ``static`` route and the blueprints' own), a redirect, or empty. Anything
else (an attachment, and any other body: a PDF, a CSV, a ZIP, a calendar, an SVG drawing, JSON, plain text, an
HTML string no template rendered) must carry one of this module's marks, set by the core where it writes it:
:func:`send` (a :class:`~.files.GuardedFile`: documents, job results), :func:`json_answer` (JSON released by a
guard), the exports, the calendar feed, the statistics, the attachments (:data:`STORED`) and the core's fixed
answers (:func:`fixed_json`: the health check, an error's JSON). A plugin answers with ``download_document``,
``send_guarded`` or ``json_answer`` from ``core.api``, or keeps a file on a job; a view that writes a body itself
(``send_file``, ``jsonify``, ``Response(...)``) is refused (a 409 page in the user's language) and logged.
"""
from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, g, jsonify, render_template, request, template_rendered

from ..languages.i18n import lazy_gettext as _l
from ..web.errors import NOT_SENT
from .files import GuardedFile, NotGuarded, result_seal_matches


class Mark:
    """Why a response may leave. Compared by identity: only this module's marks count."""

    __slots__ = ("why",)

    def __init__(self, why: str) -> None:
        self.why = why

    def __repr__(self) -> str:
        return f"<{self.why}>"


GUARDED = Mark("written through the disclosure guard")
STORED = Mark("a stored file served to a reader allowed to see it")  # an upload, not written by the Observatory
FIXED = Mark("the core's own words, holding no record's data")  # the health check, an error's JSON
MARKS = (GUARDED, STORED, FIXED)
_ATTRIBUTE = "observatory_disclosure"
_PAGE = "observatory_page_rendered"  # on flask.g: a template rendered this request's page

REFUSED = _l("Nothing was sent: this file was not written through the disclosure guard, so nothing checked what "
             "it holds. The plugin that offers it must build it with the core's documents or exports. The refusal "
             "was logged.")


def mark(response: Response, how: Mark = GUARDED) -> Response:
    """Let ``response`` leave: set only where the core writes it (see the module's docstring)."""
    setattr(response, _ATTRIBUTE, how)
    return response


def marked(response: Response) -> bool:
    return getattr(response, _ATTRIBUTE, None) in MARKS


def send(file: GuardedFile, as_attachment: bool = True) -> Response:
    """The response sending a file a guarded writer made (as a download, or ``as_attachment=False`` to show)."""
    if not isinstance(file, GuardedFile):
        raise NotGuarded(f"only a GuardedFile is sent, not {type(file).__name__}")
    disposition = "attachment" if as_attachment else "inline"
    return mark(Response(file.data, mimetype=file.mimetype, headers={
        "Content-Disposition": f'{disposition}; filename="{file.name}"'}))


def send_result(job: Any) -> Response:
    """The file a job kept, as a download: ``JobContext.save_result`` keeps only a :class:`GuardedFile` and seals
    it. A result without that seal, or whose bytes, name or type changed since, is refused (409) and logged."""
    if not result_seal_matches(job, current_app.config["SECRET_KEY"]):
        return _refused(f"job {job.id}'s result ({job.result_mimetype}) carries no valid seal: it was not kept by "
                        f"JobContext.save_result")
    return mark(Response(job.result_data, mimetype=job.result_mimetype or "application/octet-stream", headers={
        "Content-Disposition": f'attachment; filename="{job.result_filename}"'}))


def json_answer(content: Any, guard: Any, status: int = 200) -> Response:
    """``content`` (plain values) released by ``guard``, as JSON: how a page's script gets data from a view (with
    ``Guard(current_user, external=False, unattended=True)``: the reader's own screen, nobody there to decide)."""
    response = jsonify(guard.release(content))
    response.status_code = status
    return mark(response)


def fixed_json(code: int = 200, /, **values: str) -> Response:
    """JSON made only of the core's own words (never a record's data): the health check, an error's title."""
    response = jsonify(**{key: str(value) for key, value in values.items()})
    response.status_code = code
    return mark(response, FIXED)


def _static(endpoint: str | None) -> bool:
    return endpoint is not None and (endpoint == "static" or endpoint.endswith(".static"))


def _empty(response: Response) -> bool:
    return response.status_code in (204, 304) or (not response.is_streamed and response.content_length == 0)


def _redirect(response: Response) -> bool:
    return 300 <= response.status_code < 400 and "Location" in response.headers


def attachment(response: Response) -> bool:
    return response.headers.get("Content-Disposition", "").split(";", 1)[0].strip().lower() == "attachment"


def our_page(response: Response) -> bool:
    """An HTML page a template of ours rendered during this request, shown on screen (not a download)."""
    return response.mimetype == "text/html" and not attachment(response) and g.get(_PAGE, False)


def needs_mark(response: Response) -> bool:
    """Whether ``response`` may leave only with a mark: anything but our pages, static assets, redirects and
    empty answers."""
    return not (_static(request.endpoint) or _empty(response) or _redirect(response) or our_page(response))


def check(response: Response) -> Response:
    """After every request: a response that needs a mark and has none is refused (409, a page in the user's
    language) and logged."""
    if not needs_mark(response) or marked(response):
        return response
    response.close()  # a file or a stream opened for it
    return _refused(f"a {response.mimetype} response")


def _refused(what: str) -> Response:
    """The refusal: logged, and a 409 page in the user's language."""
    current_app.logger.error("refused %s from %s (%s): it was not written through the disclosure guard",
                             what, request.endpoint, request.url_rule.rule if request.url_rule else "")
    page = render_template("errors/error.html", code=409, title=NOT_SENT, message=REFUSED)
    return current_app.response_class(page, status=409)


def _page_rendered(sender: Flask, **_extra: Any) -> None:
    g.setdefault(_PAGE, True)


def init_app(app: Flask) -> None:
    """Installed before the plugins' blueprints: their own after-request functions run before this check."""
    template_rendered.connect(_page_rendered, app)
    app.after_request(check)
