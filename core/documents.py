"""The documents service: one structured document, rendered as HTML, PDF (WeasyPrint) or DOCX (python-docx).

Features build a :class:`Document` of simple blocks (headings, paragraphs, lists, tables) in the
reader's language; the service lays it out the same way in every format, with fonts served from
this machine (DejaVu covers the accents and letters of English, French and Spanish, and more).
Large documents are built by :func:`build_document` as a job.

Example::

    doc = Document(_("Urgent appeal"), "fr", [Heading(_("Background")), Paragraph(text)])
    return documents.download(doc, "pdf", "appeal")
"""
from __future__ import annotations

import importlib
import io
import re
from dataclasses import dataclass, field
from typing import Any, Union

from flask import Response, render_template

from .jobs import JobContext

FORMATS = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 2


@dataclass(frozen=True)
class Paragraph:
    text: str
    emphasis: bool = False


@dataclass(frozen=True)
class BulletList:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Union[Heading, Paragraph, BulletList, Table, PageBreak]


@dataclass
class Document:
    title: str
    language: str
    blocks: list[Block] = field(default_factory=list)
    subtitle: str = ""
    footer: str = ""


def render_html(document: Document) -> str:
    return render_template("documents/document.html", document=document, kinds=_kind)


def _kind(block: Block) -> str:
    return type(block).__name__


def render_pdf(document: Document) -> bytes:
    from weasyprint import (
        HTML,  # imported here: it needs Pango, which only PDF output requires
    )

    return HTML(string=render_html(document), base_url=None).write_pdf()


def render_docx(document: Document) -> bytes:
    from docx import Document as Docx
    from docx.enum.text import WD_BREAK
    from docx.oxml.ns import qn

    docx = Docx()
    docx.core_properties.title = document.title
    docx.core_properties.language = document.language
    style = docx.styles["Normal"]
    style.font.name = "DejaVu Sans"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "DejaVu Sans")
    docx.add_heading(document.title, level=0)
    if document.subtitle:
        docx.add_paragraph(document.subtitle).runs[0].italic = True
    for block in document.blocks:
        if isinstance(block, Heading):
            docx.add_heading(block.text, level=max(1, min(block.level, 4)))
        elif isinstance(block, Paragraph):
            run = docx.add_paragraph().add_run(block.text)
            run.italic = block.emphasis
        elif isinstance(block, BulletList):
            for item in block.items:
                docx.add_paragraph(item, style="List Bullet")
        elif isinstance(block, Table):
            table = docx.add_table(rows=1, cols=len(block.header))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, block.header):
                cell.text = text
                cell.paragraphs[0].runs[0].bold = True
            for row in block.rows:
                for cell, text in zip(table.add_row().cells, row):
                    cell.text = text
        elif isinstance(block, PageBreak):
            docx.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    if document.footer:
        docx.sections[0].footer.paragraphs[0].text = document.footer
    buffer = io.BytesIO()
    docx.save(buffer)
    return buffer.getvalue()


def render(document: Document, fmt: str) -> bytes:
    if fmt == "html":
        return render_html(document).encode("utf-8")
    if fmt == "pdf":
        return render_pdf(document)
    if fmt == "docx":
        return render_docx(document)
    raise ValueError(f"unknown format {fmt!r}")


def filename(stem: str, fmt: str) -> str:
    """An ASCII file name for the download header."""
    from anyascii import anyascii

    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", anyascii(stem)).strip("-")[:80] or "document"
    return f"{safe}.{fmt}"


def download(document: Document, fmt: str, stem: str) -> Response:
    """Answer with the document as a download (HTML too: it is a file to send, not a page)."""
    return Response(render(document, fmt), mimetype=FORMATS[fmt].split(";")[0], headers={
        "Content-Disposition": f'attachment; filename="{filename(stem, fmt)}"'})


def build_document(ctx: JobContext, *, builder: str, params: dict[str, Any], fmt: str, stem: str) -> None:
    """Job: call ``builder`` (a dotted path) with ``params`` to get a Document, render it, keep the file."""
    module_name, _, name = builder.rpartition(".")
    document = getattr(importlib.import_module(module_name), name)(**params)
    ctx.progress(50)
    ctx.save_result(filename(stem, fmt), render(document, fmt), FORMATS[fmt].split(";")[0])
