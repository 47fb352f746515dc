"""A document as PDF, in bounded memory.

WeasyPrint keeps the layout of every page until it writes the file (about half a megabyte a page), so a year's
annual report of 1,500 pages would need more than a gigabyte at once. A document longer than
``PDF_PART_BLOCKS`` blocks is therefore laid out in parts, each written and let go before the next, then joined
with pypdf: the page numbers run on from part to part (each part's first page starts where the last one
ended), the table of contents is laid out last with the page each heading fell on (as numbers: its links would
point into other files), and the outline (bookmarks) nests every heading as one layout would. A shorter
document is laid out in one go, with its page count in the footer and its table of contents linked to its
headings.

This module writes what :func:`core.documents.documents.render` gives it, once the disclosure guard released it.
"""
from __future__ import annotations

import io
import logging
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from flask import current_app
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject
from weasyprint import HTML

from .documents import Contents, Document, Heading, layout_html

OnPage = Callable[[int], None]
WIDEST_PAGE = 99999  # the table of contents is first laid out with numbers this wide: never shorter than real


@dataclass(frozen=True)
class Part:
    """Blocks ``start`` to ``end`` (excluded) of a document."""

    start: int
    end: int


def render_pdf(document: Document, on_page: OnPage | None = None) -> bytes:
    """The PDF of ``document``; ``on_page(n)`` hears of each page laid out (a long report's job shows it)."""
    limit = current_app.config["PDF_PART_BLOCKS"]
    if len(document.blocks) <= limit:
        with _pages_reported(on_page):
            return HTML(string=layout_html(document), base_url=None).write_pdf()
    return _in_parts(document, limit, on_page)


def _html(document: Document, part: Part, **options) -> str:
    return layout_html(document, part.start, part.end, **options)


def _in_parts(document: Document, limit: int, on_page: OnPage | None) -> bytes:
    """Lay out the front (title and table of contents) with the widest numbers to learn its length, then each
    part from the page after it, noting where each heading fell; then the front with those pages (a blank page
    after it if the real numbers made it shorter, so that every page keeps its number)."""
    front, parts = _cut(document, limit)
    widest = {index: WIDEST_PAGE for index, block in enumerate(document.blocks) if isinstance(block, Heading)}
    laid_front = HTML(string=_html(document, front, first_page=1, contents_pages=widest), base_url=None).render()
    front_pages = len(laid_front.pages)
    files, heading_pages, page = [], {}, front_pages + 1
    for part in parts:
        with _pages_reported(on_page, offset=page - 1):
            laid_out = HTML(string=_html(document, part, first_page=page), base_url=None).render()
        for number, laid_page in enumerate(laid_out.pages):
            for anchor in laid_page.anchors:
                if anchor.startswith("h") and anchor[1:].isdecimal():
                    heading_pages.setdefault(int(anchor[1:]), page + number)
        page += len(laid_out.pages)
        files.append(laid_out.write_pdf())
        del laid_out  # the next part's layout takes its place in memory
    laid_front = HTML(string=_html(document, front, first_page=1, contents_pages=heading_pages),
                      base_url=None).render()
    blank_pages = front_pages - len(laid_front.pages)
    heading_pages.update(_front_headings(laid_front))
    return _joined([laid_front.write_pdf(), *files], blank_pages, document, heading_pages)


def _cut(document: Document, limit: int) -> tuple[Part, list[Part]]:
    """The front (every block up to the table of contents, or the first block) and parts of at most ``limit``
    blocks, each cut before a heading where one is near, so that a part begins a section."""
    blocks = document.blocks
    contents = next((index for index, block in enumerate(blocks) if isinstance(block, Contents)), 0)
    front, parts, start = Part(0, contents + 1), [], contents + 1
    while start < len(blocks):
        end = min(start + limit, len(blocks))
        if end < len(blocks):
            heading = next((index for index in range(end, start + limit // 2, -1)
                            if isinstance(blocks[index], Heading)), None)
            end = heading or end
        parts.append(Part(start, end))
        start = end
    return front, parts


def _front_headings(laid_front: Any) -> dict[int, int]:
    """Where the front's own headings fell (the table of contents' title): pages from 1."""
    return {int(anchor[1:]): number for number, laid_page in enumerate(laid_front.pages, start=1)
            for anchor in laid_page.anchors if anchor.startswith("h") and anchor[1:].isdecimal()}


def _joined(files: list[bytes], blank_pages: int, document: Document, heading_pages: dict[int, int]) -> bytes:
    """The parts in one PDF, ``blank_pages`` after the first, with the document's title, language and outline:
    the title, then every heading under the last one above its level, as a single layout would nest them."""
    writer = PdfWriter()
    for number, data in enumerate(files):
        writer.append(PdfReader(io.BytesIO(data)), import_outline=False)
        for _ in range(blank_pages if number == 0 else 0):
            writer.add_blank_page()
    parents = [(1, writer.add_outline_item(title=document.title, page_number=0))]
    for position, block in enumerate(document.blocks):
        level = 2 if isinstance(block, Contents) else \
            max(2, min(block.level, 5)) if isinstance(block, Heading) else 0  # as the HTML's h2 to h5
        if not level or position not in heading_pages:
            continue
        while parents[-1][0] >= level:
            parents.pop()
        title = block.title if isinstance(block, Contents) else block.text
        parents.append((level, writer.add_outline_item(
            title=title, page_number=heading_pages[position] - 1, parent=parents[-1][1])))
    writer.add_metadata({"/Title": document.title})
    writer.root_object[NameObject("/Lang")] = TextStringObject(document.language)  # for screen readers
    writer.page_mode = "/UseOutlines"
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


class _PageHandler(logging.Handler):
    def __init__(self, on_page: OnPage, offset: int) -> None:
        super().__init__(logging.INFO)
        self.on_page, self.offset = on_page, offset

    def emit(self, record: logging.LogRecord) -> None:
        if "Creating layout - Page" in str(record.msg) and record.args:
            self.on_page(self.offset + int(record.args[0]))  # type: ignore[index]


@contextmanager
def _pages_reported(on_page: OnPage | None, offset: int = 0) -> Iterator[None]:
    """Listen to WeasyPrint's progress log without letting it reach the application's logs."""
    if on_page is None:
        yield
        return
    logger = logging.getLogger("weasyprint.progress")
    handler, saved = _PageHandler(on_page, offset), (logger.level, logger.propagate)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(saved[0])
        logger.propagate = saved[1]
