"""The text an attached file holds, for the disclosure guard to read before the file leaves as an annex.

A file cannot be masked the way a document the Observatory writes is: it leaves whole or not at all. So its
text is read (a PDF's with pypdf, DOCX with python-docx, XLSX with openpyxl, ODF from its XML, plain text) and
checked; an image has no text to read, which the dossier's preflight says.
"""
from __future__ import annotations

import re
import zipfile
from html import unescape
from pathlib import Path

from .storage import path_of

#: How much of a file's text is read: enough for any annex a person would send, bounded for the worker.
MAX_CHARACTERS = 2_000_000


def readable(mimetype: str) -> bool:
    return not mimetype.startswith("image/")


def text_of(stored_name: str, mimetype: str) -> str:
    """The text of a stored file ("" for an image); raises ``ValueError`` when the file cannot be read."""
    path = path_of(stored_name)
    try:
        if mimetype == "application/pdf":
            return _pdf(path)
        if mimetype.endswith("wordprocessingml.document"):
            return _docx(path)
        if mimetype.endswith("spreadsheetml.sheet"):
            return _xlsx(path)
        if mimetype.startswith("application/vnd.oasis.opendocument"):
            return _odf(path)
        if mimetype == "text/plain":
            return path.read_text(encoding="utf-8", errors="replace")[:MAX_CHARACTERS]
    except Exception as error:  # a damaged or encrypted file: the caller refuses to send what it cannot read
        raise ValueError(str(error)) from error
    return ""


def _pdf(path: Path) -> str:
    from pypdf import PdfReader

    reader = PdfReader(path)
    parts, size = [], 0
    for page in reader.pages:
        parts.append(page.extract_text() or "")
        size += len(parts[-1])
        if size > MAX_CHARACTERS:
            break
    metadata = reader.metadata or {}
    parts += [str(value) for value in metadata.values() if isinstance(value, str)]
    return "\n".join(parts)


def _docx(path: Path) -> str:
    from docx import Document

    document = Document(str(path))
    parts = [paragraph.text for paragraph in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    for section in document.sections:
        parts += [paragraph.text for paragraph in (*section.header.paragraphs, *section.footer.paragraphs)]
    properties = document.core_properties
    parts += [properties.title or "", properties.author or "", properties.subject or "", properties.comments or ""]
    return "\n".join(parts)[:MAX_CHARACTERS]


def _xlsx(path: Path) -> str:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    parts = [str(value) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
             for value in row if value is not None]
    return "\n".join(parts)[:MAX_CHARACTERS]


def _odf(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        xml = " ".join(archive.read(name).decode("utf-8", errors="replace")
                       for name in ("content.xml", "meta.xml") if name in archive.namelist())
    return unescape(re.sub(r"<[^>]+>", " ", xml))[:MAX_CHARACTERS]
