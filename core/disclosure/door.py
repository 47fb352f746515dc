"""The check at the door: a file leaves only if the disclosure guard's writers made it, or it is a stored file
served to a reader allowed to see it.

Every response that leaves as a file (``Content-Disposition: attachment``, or a file type: PDF, DOCX, XLSX, CSV,
ZIP, a calendar, an SVG drawing) must carry one of this module's marks, set by the core where it writes the
file: the documents service, job results, the exports, the calendar feed, the statistics and the attachments.
:func:`mark` is not in ``core.api``: a plugin sends a file with ``download_document`` or keeps it on a job
(``render_document``, ``save_export``), so a plugin view that writes a file itself (``send_file``,
``Response(..., headers={"Content-Disposition": "attachment"})``) is refused and logged rather than leaking what
the guard would have kept out.
"""
from __future__ import annotations

from flask import Flask, Response, current_app, render_template, request

from ..languages.i18n import lazy_gettext as _l
from ..web.errors import NOT_SENT


class Mark:
    """Why a file may leave. Compared by identity: only this module's two marks count."""

    __slots__ = ("why",)

    def __init__(self, why: str) -> None:
        self.why = why

    def __repr__(self) -> str:
        return f"<{self.why}>"


GUARDED = Mark("written through the disclosure guard")
STORED = Mark("a stored file served to a reader allowed to see it")  # an upload, not written by the Observatory
_ATTRIBUTE = "observatory_disclosure"

FILE_TYPES = frozenset({
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/msword",
    "application/vnd.ms-excel",
    "text/csv",
    "text/tab-separated-values",
    "application/zip",
    "text/calendar",
    "image/svg+xml",
    "application/octet-stream",
})
REFUSED = _l("Nothing was sent: this file was not written through the disclosure guard, so nothing checked what "
             "it holds. The plugin that offers it must build it with the core's documents or exports. The refusal "
             "was logged.")


def mark(response: Response, how: Mark = GUARDED) -> Response:
    """Let ``response`` leave as a file: set only where the core writes it (see the module's docstring)."""
    setattr(response, _ATTRIBUTE, how)
    return response


def leaves_as_file(response: Response) -> bool:
    disposition = response.headers.get("Content-Disposition", "").split(";", 1)[0].strip().lower()
    return disposition == "attachment" or response.mimetype in FILE_TYPES


def check(response: Response) -> Response:
    """After every request: a file without a mark is refused (409, a page in the user's language) and logged."""
    if not leaves_as_file(response) or getattr(response, _ATTRIBUTE, None) in (GUARDED, STORED):
        return response
    current_app.logger.error("refused a %s file from %s (%s): it was not written through the disclosure guard",
                             response.mimetype, request.endpoint, request.url_rule.rule if request.url_rule else "")
    response.close()  # a file or a stream opened for it
    page = render_template("errors/error.html", code=409, title=NOT_SENT, message=REFUSED)
    return current_app.response_class(page, status=409)


def init_app(app: Flask) -> None:
    """Installed before the plugins' blueprints: their own after-request functions run before this check."""
    app.after_request(check)
