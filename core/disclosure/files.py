"""The files the disclosure guard wrote, and the one ZIP writer.

A :class:`GuardedFile` is what a guarded writer returns: the bytes of a file whose every text (its name too)
went through an output's :class:`~.guard.Guard`. Only the core's writers make one (:func:`text_file`,
:func:`json_file`, :class:`GuardedZip`, ``documents.render_file`` and ``spreadsheets.write_file``): a plugin
cannot build one by hand, so a job can keep (``JobContext.save_result``) only what the guard wrote. What a job
keeps carries :func:`result_seal` (an HMAC keyed by the app's ``SECRET_KEY``): bytes set on the job's row some
other way have none, and the door refuses to send them.

:class:`GuardedZip` is how a ZIP leaves: each member is a text or a JSON it releases, a file a guarded writer
made (a document), or an attached file checked by :func:`annex_check` (a file leaves whole: one whose text holds
what the guard would mask, or that cannot be read, refuses the whole ZIP; a picture leaves without its metadata).
"""
from __future__ import annotations

import hashlib
import hmac
import io
import json
import re
import zipfile
from pathlib import PurePath
from typing import Any

from .guard import FileRefused, Guard

_SEAL = object()  # passed only by the writers of the core (this module, documents, spreadsheets)
ANNEX_PROTECTED, ANNEX_IMAGE, ANNEX_UNREADABLE = "protected", "image", "unreadable"


class NotGuarded(TypeError):
    """A programming error: bytes offered where only a file written through the disclosure guard may go."""


class GuardedFile:
    """A file written through the disclosure guard: ``name``, ``data`` (bytes) and ``mimetype``, read-only."""

    __slots__ = ("name", "data", "mimetype")

    def __init__(self, name: str, data: bytes, mimetype: str, *, seal: object = None) -> None:
        if seal is not _SEAL:
            raise NotGuarded("a GuardedFile is made only by the core's guarded writers (render_document, "
                             "text_file, json_file, GuardedZip, save_export), never by hand")
        for attribute, value in (("name", name), ("data", bytes(data)), ("mimetype", mimetype)):
            object.__setattr__(self, attribute, value)

    def __setattr__(self, attribute: str, value: Any) -> None:
        raise AttributeError("a guarded file cannot be changed")

    def __repr__(self) -> str:
        return f"<GuardedFile {self.name!r} {self.mimetype} {len(self.data)} bytes>"


def _sealed(name: str, data: bytes, mimetype: str) -> GuardedFile:
    """For the core's writers only, once the guard released what ``data`` holds (and ``name``)."""
    return GuardedFile(name, data, mimetype, seal=_SEAL)


def result_seal(name: str, data: bytes, mimetype: str, key: str | bytes) -> str:
    """The seal a job's result carries: an HMAC (SHA-256, keyed by ``key``, the app's ``SECRET_KEY``) over its
    name, mimetype and bytes, each part prefixed with its length so that no two files share one."""
    key = key.encode("utf-8") if isinstance(key, str) else key
    head = f"{len(name)}:{name}|{len(mimetype)}:{mimetype}|{len(data)}:".encode()
    return hmac.new(key, head + bytes(data), hashlib.sha256).hexdigest()


def result_seal_matches(job: Any, key: str | bytes) -> bool:
    """Whether the result kept on ``job`` is the one ``JobContext.save_result`` sealed, byte for byte."""
    if not job.result_seal or job.result_data is None:
        return False
    expected = result_seal(job.result_filename or "", job.result_data, job.result_mimetype or "", key)
    return hmac.compare_digest(job.result_seal, expected)


def safe_name(name: str, default: str = "file") -> str:
    """An ASCII file name (letters, digits, dot, hyphen, underscore), keeping its extension."""
    from anyascii import anyascii

    path = PurePath(name)
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", anyascii(path.stem)).strip("-.")[:80] or default
    suffix = re.sub(r"[^A-Za-z0-9]+", "", anyascii(path.suffix))[:10]
    return f"{stem}.{suffix}" if suffix else stem


def text_file(name: str, text: str, guard: Guard, mimetype: str = "text/plain") -> GuardedFile:
    """``text`` (and ``name``) released by ``guard``, as a UTF-8 file."""
    released_name, released_text = guard.release([name, text])
    return _sealed(safe_name(released_name), released_text.encode("utf-8"), mimetype)


def json_file(name: str, content: Any, guard: Guard) -> GuardedFile:
    """``content`` (plain values: dicts, lists, strings, numbers) released by ``guard``, as a JSON file."""
    released_name, released = guard.release([name, content])
    data = json.dumps(released, ensure_ascii=False, indent=2, default=str).encode("utf-8")
    return _sealed(safe_name(released_name), data, "application/json")


def annex_check(attachment: Any, guard: Guard) -> str:
    """What ``guard`` found in an attached file that would leave whole: :data:`ANNEX_PROTECTED` (a name or detail
    it would mask: the file cannot be sent), :data:`ANNEX_UNREADABLE` (it cannot be read whole, so it cannot be
    checked), :data:`ANNEX_IMAGE` (pictures only: a person must look at it), or "" (nothing)."""
    from ..attachments import text as attached_text

    try:
        text = attached_text.text_of(attachment.stored_name, attachment.mimetype)
    except attached_text.NoText:
        return ANNEX_IMAGE
    except (attached_text.Unreadable, OSError):
        return ANNEX_UNREADABLE
    return ANNEX_PROTECTED if guard.file_hits(text) else ""


class GuardedZip:
    """A ZIP file every member of which went through ``guard`` (or a guarded writer). Add members, then
    :meth:`finish`; anything refused (:class:`~.guard.Blocked`, :class:`~.guard.FileRefused`) stops the ZIP."""

    def __init__(self, guard: Guard) -> None:
        self.guard = guard
        self._buffer = io.BytesIO()
        self._zip = zipfile.ZipFile(self._buffer, "w", zipfile.ZIP_DEFLATED)

    def _member(self, name: str) -> str:
        folder, _, base = self.guard.release(name).rpartition("/")
        parts = [safe_name(part, "folder") for part in folder.split("/") if part not in ("", ".", "..")]
        return "/".join([*parts, safe_name(base)])

    def add(self, file: GuardedFile, name: str = "") -> None:
        """A file a guarded writer made (a document from ``render_document``), as ``name`` (default its own)."""
        if not isinstance(file, GuardedFile):
            raise NotGuarded(f"a ZIP member must be a GuardedFile or go through add_text/add_json/add_annex, "
                             f"not {type(file).__name__}")
        self._zip.writestr(self._member(name or file.name), file.data)

    def add_text(self, name: str, text: str) -> None:
        self._zip.writestr(self._member(name), self.guard.release(text).encode("utf-8"))

    def add_json(self, name: str, content: Any) -> None:
        self._zip.writestr(self._member(name), json.dumps(self.guard.release(content), ensure_ascii=False,
                                                          indent=2, default=str))

    def add_annex(self, attachment: Any, prefix: str = "") -> None:
        """An attached file, whole, as ``prefix`` + its name: refused (:class:`FileRefused`) when its text holds
        what the guard would mask or cannot be read; a picture leaves as its pixels, without its metadata."""
        from ..attachments import storage
        from ..attachments import text as attached_text

        name = self.guard.release(attachment.name)  # a file's name may hold a person's
        check = annex_check(attachment, self.guard)
        if check in (ANNEX_PROTECTED, ANNEX_UNREADABLE):
            raise FileRefused(name, unreadable=check == ANNEX_UNREADABLE)
        member = self._member(prefix + safe_name(name))
        if attachment.mimetype.startswith("image/"):
            try:
                self._zip.writestr(member, attached_text.picture_without_metadata(attachment.stored_name))
            except (OSError, ValueError) as error:  # not a picture it can open
                raise FileRefused(name, unreadable=True) from error
        else:
            self._zip.write(storage.path_of(attachment.stored_name), member)

    def finish(self, name: str) -> GuardedFile:
        """The ZIP, named ``name`` (released by the guard too)."""
        self._zip.close()
        return _sealed(safe_name(self.guard.release(name)), self._buffer.getvalue(), "application/zip")
