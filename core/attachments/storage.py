"""Checking and storing uploaded files.

The type is decided by the file's content (magic numbers via ``filetype``), never by its name; only
the types on the allow-list are kept. A text is read whole as it is written: UTF-8 throughout, no NUL byte, and no
markup a browser would run (HTML, SVG, XML: :data:`MARKUP`), whatever the file is called. Files are written under
random names in a folder outside the static folder (``ATTACHMENTS_DIR``, default ``instance/attachments``), which
several app servers must share; a refused file leaves nothing behind.
"""
from __future__ import annotations

import codecs
import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import filetype
from flask import current_app
from werkzeug.utils import secure_filename

from ..languages.i18n import lazy_gettext as _l

ALLOWED_TYPES = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/webp": "webp",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "text/plain": "txt",
}
CHUNK = 1024 * 1024
#: A text starting with "<" is a markup document; these, anywhere in a text, are markup a browser would run.
MARKUP = ("<script", "<svg", "<html", "<body", "<iframe", "<object", "<embed", "<?xml", "<!doctype", "<math",
          "<foreignobject", "<meta", "<link", "<base", "<form", "<img")
NOT_TEXT = _l("This file is not plain text throughout (a text must be UTF-8, without binary parts). Send it as a "
              "PDF or an office document.")
MARKUP_REFUSED = _l("This file holds web page markup (HTML, SVG or XML), which is never accepted, whatever its "
                    "name. Send it as a PDF.")


class RejectedFile(ValueError):
    """The upload is refused; the message is shown to the user."""


@dataclass
class StoredFile:
    name: str
    stored_name: str
    mimetype: str
    size: int
    sha256: str


def folder() -> Path:
    path = Path(current_app.config.get("ATTACHMENTS_DIR") or Path(current_app.instance_path) / "attachments")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _detect(head: bytes) -> str | None:
    kind = filetype.guess(head)
    if kind is not None:
        return kind.mime
    if b"\x00" in head:
        return None
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 4:  # a multi-byte character cut at the end of the sample is fine
            return None
    return "text/plain"


class TextCheck:
    """Reads a text upload chunk by chunk as it is written: :meth:`feed` each chunk, then :meth:`end`; both raise
    :class:`RejectedFile` on the first byte that is not UTF-8 text, or on markup (a word of :data:`MARKUP` may
    straddle two chunks: the end of the one before is read again)."""

    def __init__(self) -> None:
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.before = ""
        self.started = False

    def feed(self, chunk: bytes, final: bool = False) -> None:
        if b"\x00" in chunk:
            raise RejectedFile(NOT_TEXT)
        try:
            text = self.decoder.decode(chunk, final=final).lower()
        except UnicodeDecodeError:
            raise RejectedFile(NOT_TEXT) from None
        if not self.started and text.lstrip("\ufeff \t\r\n"):
            self.started = True
            if text.lstrip("\ufeff \t\r\n").startswith("<"):
                raise RejectedFile(MARKUP_REFUSED)
        window = self.before + text
        if any(word in window for word in MARKUP):
            raise RejectedFile(MARKUP_REFUSED)
        self.before = window[-20:]

    def end(self) -> None:
        self.feed(b"", final=True)  # a character cut at the very end is not text


def display_name(filename: str, mimetype: str) -> str:
    """A safe name for the download (no path, no control characters) with the extension of its real type."""
    stem = Path(secure_filename(filename) or "file").stem[:200] or "file"
    return f"{stem}.{ALLOWED_TYPES[mimetype]}"


def store(stream: IO[bytes], filename: str) -> StoredFile:
    """Check and write an upload; raises :class:`RejectedFile` with a translated reason."""
    limit = current_app.config["ATTACHMENT_MAX_BYTES"]
    head = stream.read(8192)
    if not head:
        raise RejectedFile(_l("The file is empty."))
    mimetype = _detect(head)
    if mimetype not in ALLOWED_TYPES:
        raise RejectedFile(_l("This type of file is not accepted. Send a PDF, an image, a text or office document."))
    text = TextCheck() if mimetype == "text/plain" else None
    stored_name = secrets.token_hex(16)
    target = folder() / stored_name
    digest, size = hashlib.sha256(), 0
    try:
        with open(target, "xb") as out:
            chunk = head
            while chunk:
                size += len(chunk)
                if size > limit:
                    raise RejectedFile(too_large())
                if text:
                    text.feed(chunk)
                digest.update(chunk)
                out.write(chunk)
                chunk = stream.read(CHUNK)
            if text:
                text.end()
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return StoredFile(display_name(filename, mimetype), stored_name, mimetype, size, digest.hexdigest())


def too_large() -> str:
    """The refusal of a file over the limit, the same whether the app or the request's size limit stops it."""
    return _l("The file is larger than %(megabytes)d MB.",
              megabytes=current_app.config["ATTACHMENT_MAX_BYTES"] // 2**20)


def path_of(stored_name: str) -> Path:
    if not stored_name.isalnum():  # stored names are hex tokens; anything else is not ours
        raise FileNotFoundError(stored_name)
    return folder() / stored_name


def remove(stored_name: str) -> None:
    path_of(stored_name).unlink(missing_ok=True)
