"""The text an attached file holds, for the disclosure guard to read before the file leaves as an annex.

A file cannot be masked the way a document the Observatory writes is: it leaves whole or not at all. So all of
its text is read: a PDF's pages, annotations, form fields and metadata (pypdf); every XML part of a DOCX, XLSX,
ODT or ODS (body, headers, footnotes, comments, properties); plain text. What cannot be read whole (an
unknown type, a damaged file, a PDF carrying files of its own, a text too long to check) raises
:class:`Unreadable`; a picture, or a PDF of scanned pages, has no text to read (:class:`NoText`): a person
must look at it. A picture leaves without its metadata (:func:`picture_without_metadata`: no camera, date or
place).
"""
from __future__ import annotations

import io
import re
import zipfile
from html import unescape
from pathlib import Path

from .storage import path_of

#: The longest text read; a longer file cannot be checked whole, so it is refused.
MAX_CHARACTERS = 2_000_000
ZIPPED = ("wordprocessingml.document", "spreadsheetml.sheet", "opendocument.text", "opendocument.spreadsheet")


class Unreadable(ValueError):
    """The file cannot be read whole: it cannot be checked."""


class NoText(ValueError):
    """The file holds pictures only (a photo, a scan): nothing the guard can read."""


def text_of(stored_name: str, mimetype: str) -> str:
    """All the text of a stored file."""
    path = path_of(stored_name)
    if mimetype.startswith("image/"):
        raise NoText(mimetype)
    try:
        if mimetype == "application/pdf":
            text = _pdf(path)
        elif mimetype.endswith(ZIPPED):
            text = _zipped_xml(path)
        elif mimetype == "text/plain":
            text = path.read_text(encoding="utf-8", errors="replace")
        else:
            raise Unreadable(f"no reader for {mimetype}")
    except (NoText, Unreadable):
        raise
    except Exception as error:  # a damaged or encrypted file
        raise Unreadable(str(error)) from error
    if len(text) > MAX_CHARACTERS:
        raise Unreadable("too long to be checked whole")
    return text


def _pdf(path: Path) -> str:
    from pypdf import PdfReader

    reader = PdfReader(path)
    if reader.attachments:
        raise Unreadable("the PDF carries files of its own")
    parts = [page.extract_text() or "" for page in reader.pages]
    if not any(part.strip() for part in parts):
        raise NoText("scanned pages")
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            parts.append(str(annotation.get_object().get("/Contents") or ""))
    parts += [str(field.get("/V") or "") for field in (reader.get_fields() or {}).values()]
    parts += [str(value) for value in (reader.metadata or {}).values()]
    return "\n".join(parts)


def _zipped_xml(path: Path) -> str:
    """Every XML part's text twice: tags dropped (a word split by formatting is whole again) and tags as spaces
    (two paragraphs stay apart)."""
    with zipfile.ZipFile(path) as archive:
        xml = "\n".join(archive.read(name).decode("utf-8", errors="replace")
                        for name in archive.namelist() if name.endswith((".xml", ".rels")))
    return unescape(re.sub(r"<[^>]+>", "", xml)) + "\n" + unescape(re.sub(r"<[^>]+>", " ", xml))


def picture_without_metadata(stored_name: str) -> bytes:
    """The picture as it may leave: its pixels only, without the camera's, the date's or the place's
    metadata (EXIF, XMP, text chunks)."""
    from PIL import Image

    with Image.open(path_of(stored_name)) as picture:
        clean = Image.frombytes(picture.mode, picture.size, picture.tobytes())  # pixels, and nothing else
        if picture.mode == "P":
            clean.putpalette(picture.getpalette())
        buffer = io.BytesIO()
        clean.save(buffer, format=picture.format)
    return buffer.getvalue()
