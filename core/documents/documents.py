"""The documents service: one structured document, rendered as HTML, PDF (WeasyPrint) or DOCX (python-docx).

Features build a :class:`Document` of simple blocks (headings, paragraphs, lists, tables) in the
reader's language; the service lays it out the same way in every format, with fonts served from
this machine (DejaVu covers the accents and letters of English, French and Spanish, and more).
Every document is released through the disclosure guard of its output (:class:`core.disclosure.Guard`) before
a byte of it is written: :func:`render` and :func:`download` take the guard and are the only public ways to write
one (the renderers of each format are private to this module), so no document leaves around it; ``download``
marks its answer for the check at the door (:mod:`core.disclosure.door`). Large documents are built by
:func:`build_document` as a job.

Example (a plugin, with the names of ``core.api``)::

    doc = Document(_("Urgent appeal"), "fr", [Heading(_("Background")), Paragraph(text)])
    return download_document(doc, "pdf", "appeal", request_guard(current_user, external=True))
"""
from __future__ import annotations

import importlib
import io
import logging
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Union

from flask import Response, render_template

from ..jobs.jobs import JobContext

logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)  # one line per page: heard only by jobs

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


@dataclass(frozen=True)
class Contents:
    """The table of contents: the document's headings down to ``depth``, with their page numbers in PDF (a
    field Word and LibreOffice fill in DOCX, links in HTML)."""

    title: str
    depth: int = 3
    note: str = ""  # said in DOCX, where the reader's word processor fills the table in


@dataclass(frozen=True)
class Figure:
    """A chart (:class:`~core.plugin_host.contributions.Chart`, labels already in the document's language): an SVG drawing in
    HTML and PDF (its labels and numbers are text), a PNG picture followed by its figures as a table in DOCX,
    where a picture's text cannot be read (``header``: the table's category and count column titles)."""

    chart: Any
    header: tuple[str, str]

    @property
    def svg(self) -> Any:
        """The drawing, whose description for screen readers lists every figure (each bar also writes its own)."""
        from ..publications.statistics import as_svg

        figures = "; ".join(f"{category}: {value}" for category, value in self.chart.figures)
        return as_svg(self.chart, " ".join(part for part in (str(self.chart.note or ""), figures) if part))

    @property
    def table(self) -> Table:
        return Table(self.header, tuple((category, str(value)) for category, value in self.chart.figures))


Block = Union[Heading, Paragraph, BulletList, Table, PageBreak, Contents, Figure]


@dataclass
class Document:
    """``about``: the ``(record type, id)`` pairs the document speaks of, whose protected fields its guard keeps
    out (every published item of a bulletin)."""

    title: str
    language: str
    blocks: list[Block] = field(default_factory=list)
    subtitle: str = ""
    footer: str = ""
    about: tuple[tuple[str, int], ...] = field(default=(), metadata={"not_text": True})


# The renderers write the document as they get it: private, so that only render() (after its guard) calls them
# (the PDF's, in .pdf, too).
def _render_html(document: Document) -> str:
    return layout_html(document)


def layout_html(document: Document, start: int = 0, end: int | None = None, first_page: int = 0,
                contents_pages: dict[int, int] | None = None) -> str:
    """The document's HTML: whole, or blocks ``start`` to ``end`` (their headings keep their ids), for print
    from page ``first_page``; ``contents_pages`` (heading position -> page) prints the table of contents' page
    numbers when its headings are laid out apart from it (see :mod:`core.documents.pdf`)."""
    return render_template("documents/document.html", document=document, kinds=kind,
                           blocks=document.blocks[start:end], first=start, first_page=first_page,
                           with_title=start == 0, contents_pages=contents_pages,
                           contents=lambda depth: headings(document, depth))


def kind(block: Block) -> str:
    return type(block).__name__


def headings(document: Document, depth: int) -> list[tuple[int, Heading]]:
    """(position in the blocks, heading) of the headings down to ``depth``: the table of contents, whose links
    point at ``#h<position>`` (the id each heading carries)."""
    return [(index, block) for index, block in enumerate(document.blocks)
            if isinstance(block, Heading) and block.level <= depth]


def _render_docx(document: Document) -> bytes:
    from docx import Document as Docx
    from docx.enum.text import WD_BREAK
    from docx.oxml.ns import qn
    from docx.shared import Cm

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
            docx.add_heading(block.text, level=max(1, min(block.level, 5)))
        elif isinstance(block, Contents):
            _docx_contents(docx, block)
        elif isinstance(block, Figure):
            from ..publications.statistics import as_png

            docx.add_picture(io.BytesIO(as_png(block.chart)), width=Cm(16))
            _docx_table(docx, block.table)
        elif isinstance(block, Paragraph):
            run = docx.add_paragraph().add_run(block.text)
            run.italic = block.emphasis
        elif isinstance(block, BulletList):
            for item in block.items:
                docx.add_paragraph(item, style="List Bullet")
        elif isinstance(block, Table):
            _docx_table(docx, block)
        elif isinstance(block, PageBreak):
            docx.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    footer = docx.sections[0].footer.paragraphs[0]
    footer.text = f"{document.footer}    " if document.footer else ""
    _field(footer, "PAGE", "1")
    buffer = io.BytesIO()
    docx.save(buffer)
    return buffer.getvalue()


def _docx_table(docx: Any, block: Table) -> None:
    table = docx.add_table(rows=1, cols=len(block.header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, block.header):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for row in block.rows:
        for cell, text in zip(table.add_row().cells, row):
            cell.text = text


def _docx_contents(docx: Any, block: Contents) -> None:
    """A TOC field over the heading styles, which the word processor fills in (it asks when opening: the
    document says its fields need updating), and the reader's note on it."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    docx.add_heading(block.title, level=1)
    _field(docx.add_paragraph(), f'TOC \\o "1-{block.depth}" \\h \\z \\u', block.note or block.title)
    settings = docx.settings.element
    if settings.find(qn("w:updateFields")) is None:
        update = OxmlElement("w:updateFields")
        update.set(qn("w:val"), "true")
        settings.append(update)


def _field(paragraph: Any, instruction: str, placeholder: str) -> None:
    """A Word field (page number, table of contents) with the text shown until it is computed."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def char(kind: str) -> Any:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        return element

    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instruction} "
    for part in (char("begin"), code, char("separate")):
        paragraph.add_run().element.append(part)
    paragraph.add_run(placeholder)
    paragraph.add_run().element.append(char("end"))


def render(document: Document, fmt: str, guard: Any, on_page: Callable[[int], None] | None = None) -> bytes:
    """The document in ``fmt``, once ``guard`` released it (masked, or :class:`~core.disclosure.Blocked`)."""
    document = guard.release(document)
    if fmt == "html":
        return _render_html(document).encode("utf-8")
    if fmt == "pdf":
        from . import pdf  # WeasyPrint needs Pango, which only PDF output requires

        return pdf.render_pdf(document, on_page)
    if fmt == "docx":
        return _render_docx(document)
    raise ValueError(f"unknown format {fmt!r}")


def render_file(document: Document, fmt: str, stem: str, guard: Any,
                on_page: Callable[[int], None] | None = None) -> Any:
    """The document in ``fmt`` released by ``guard``, with its file name (``stem``, released too): a
    :class:`~core.disclosure.files.GuardedFile` to keep on a job (``ctx.save_result``) or put in a ZIP."""
    from ..disclosure.files import _sealed

    data = render(document, fmt, guard, on_page)
    return _sealed(filename(guard.release(stem), fmt), data, FORMATS[fmt].split(";")[0])


def filename(stem: str, fmt: str) -> str:
    """An ASCII file name for the download header."""
    from anyascii import anyascii

    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", anyascii(stem)).strip("-")[:80] or "document"
    return f"{safe}.{fmt}"


def download(document: Document, fmt: str, stem: str, guard: Any) -> Response:
    """Answer with the document as a download (HTML too: it is a file to send, not a page), released by
    ``guard`` (with the decisions taken on its preflight: :func:`core.disclosure.preflight.request_guard`). A
    build through a preflight step is audited with the decisions it applied."""
    from ..disclosure import door, preflight
    from ..extensions import db

    file = render_file(document, fmt, stem, guard)
    if guard.step:
        preflight.audit_build(guard, file.name)
        db.session.commit()
    return door.send(file)


def build_document(ctx: JobContext, *, builder: str, params: dict[str, Any], fmt: str, stem: str,
                   external: bool = True) -> None:
    """Job: call ``builder`` (a dotted path) with ``params`` to get a Document, release it through the guard
    (for the job's requester; ``external``: it leaves the organisation), render it, keep the file."""
    from ..disclosure import Guard

    module_name, _, name = builder.rpartition(".")
    document = getattr(importlib.import_module(module_name), name)(**params)
    ctx.progress(50)
    ctx.save_result(render_file(document, fmt, stem, Guard(ctx.job.created_by, external=external)))
