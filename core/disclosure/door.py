"""The check at the door: nothing but our own pages and static assets leaves unless the disclosure guard's writers
made it, or it is a stored file served to a reader allowed to see it.

After every request, a response passes unchecked only when it is a page one of our templates rendered during that
request (sent without a ``Content-Disposition``; a template loaded by name, never one made from a string), a static
asset (Flask's ``static`` route and the blueprints' own), a redirect, or empty. A page is known by its bytes: every
template the application loads (its environment's ``template_class`` is :class:`PageTemplate`) records a digest of
what it rendered on ``flask.g``, and an HTML body passes only when it is one of them, whole; a page streamed from a
template (``stream_template``) leaves chunk by chunk, each only when it is the next one our templates produced (any
other ends the page there, logged). Anything else (an attachment, HTML with a file name, and any other body: a PDF,
a CSV, a ZIP, a calendar, an SVG drawing, JSON, plain text, an HTML string no template file rendered
(``render_template_string`` included), or a rendered page changed after) must carry one of this module's marks, set
by the core where it writes it: :func:`send` (a :class:`~.files.GuardedFile`: documents, job results),
:func:`json_answer` (JSON released by a guard), the exports, the calendar feed, the statistics, the attachments
(:data:`STORED`) and the core's fixed answers (:func:`fixed_json`: the health check, an error's JSON). A plugin
answers with ``download_document``, ``send_guarded`` or ``json_answer`` from ``core.api``, or keeps a file on a job;
a view that writes a body itself (``send_file``, ``jsonify``, ``Response(...)``) is refused (a 409 page in the
user's language) and logged.
"""
from __future__ import annotations

import hashlib
from collections import deque
from typing import Any, Iterable, Iterator

from flask import Flask, Response, current_app, g, has_request_context, jsonify, render_template, request
from jinja2 import Template

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
_RENDERED = "observatory_rendered"  # on flask.g: what our templates rendered during the request (Rendered)

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


def our_page(response: Response) -> bool:
    """A page one of our templates rendered during this request, shown on screen: HTML without a
    ``Content-Disposition`` (a file name makes it a file, inline or not) whose body is, whole, what a template
    rendered, or a stream the door lets out only chunk by chunk as our templates produce it (:class:`PageStream`)."""
    if response.mimetype != "text/html" or "Content-Disposition" in response.headers:
        return False
    if response.is_streamed:
        return isinstance(response.response, PageStream)
    return _digest(response.get_data()) in _rendered().pages


def needs_mark(response: Response) -> bool:
    """Whether ``response`` may leave only with a mark: anything but our pages, static assets, redirects and
    empty answers."""
    return not (_static(request.endpoint) or _empty(response) or _redirect(response) or our_page(response))


def check(response: Response) -> Response:
    """After every request: a response that needs a mark and has none is refused (409, a page in the user's
    language) and logged."""
    if not needs_mark(response) or marked(response):
        return response
    if response.is_streamed and not response.direct_passthrough and response.mimetype == "text/html" \
            and "Content-Disposition" not in response.headers:  # maybe a template's stream (a file never is)
        response.response = PageStream(response.response, _rendered().streamed)  # checked as it is sent
        return response
    response.close()  # a file or a stream opened for it
    return _refused(f"a {response.mimetype} response")


def _refused(what: str) -> Response:
    """The refusal: logged, and a 409 page in the user's language."""
    current_app.logger.error("refused %s from %s (%s): it was not written through the disclosure guard",
                             what, request.endpoint, request.url_rule.rule if request.url_rule else "")
    page = render_template("errors/error.html", code=409, title=NOT_SENT, message=REFUSED)
    return current_app.response_class(page, status=409)


# --- What our templates rendered ------------------------------------------------------------------------


class Rendered:
    """What our templates rendered during one request: the digest of each page rendered whole, and the chunks of
    the pages being generated (``stream_template``), in the order they were produced."""

    def __init__(self) -> None:
        self.pages: set[str] = set()
        self.streamed: deque[str] = deque()


def _rendered() -> Rendered:
    return g.setdefault(_RENDERED, Rendered())


def _digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


class PageTemplate(Template):
    """Every template of the application (``app.jinja_env.template_class``): what a template loaded by name (a
    file of ours or of a plugin's package) renders during a request is recorded for the door, so that only that
    leaves as a page. A template made from a string (``render_template_string``, ``from_string``) has no name
    and records nothing: its source may be the very text a view wants out."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        page = super().render(*args, **kwargs)
        if self.name is not None and has_request_context():
            _rendered().pages.add(_digest(page.encode()))
        return page

    def generate(self, *args: Any, **kwargs: Any) -> Iterator[str]:
        chunks = super().generate(*args, **kwargs)
        return _recorded(chunks, _rendered().streamed) if self.name is not None and has_request_context() \
            else chunks


def _recorded(chunks: Iterator[str], streamed: deque[str]) -> Iterator[str]:
    for chunk in chunks:
        streamed.append(chunk)
        yield chunk


class PageStream:
    """A streamed HTML body, let out chunk by chunk: each only when it is the next chunk our templates produced
    during the request; any other (a string the view added, the bytes of a file) ends the page there, and the
    refusal is logged. Its status and headers have left by then: what left is only our templates' output."""

    def __init__(self, chunks: Iterable[Any], streamed: deque[str]) -> None:
        self.chunks, self.streamed = chunks, streamed
        self.logger, self.endpoint = current_app.logger, request.endpoint  # iterated after the request's end

    def __iter__(self) -> Iterator[Any]:
        for chunk in self.chunks:
            if not self.streamed or self.streamed.popleft() != chunk:
                self.logger.error("refused the rest of a streamed page from %s: it was not written through the "
                                  "disclosure guard (not what our templates produced)", self.endpoint)
                return
            yield chunk

    def close(self) -> None:
        if hasattr(self.chunks, "close"):
            self.chunks.close()


def init_app(app: Flask) -> None:
    """Installed before the plugins' blueprints: their own after-request functions run before this check. Every
    template the application loads from now on is a :class:`PageTemplate`."""
    app.jinja_env.template_class = PageTemplate
    app.after_request(check)
