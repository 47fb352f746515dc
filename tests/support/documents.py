"""A document builder for the documents job test (importable by a worker)."""
from __future__ import annotations

from core.documents import documents


def long_report(pages: int) -> documents.Document:
    blocks = []
    for number in range(1, pages + 1):
        blocks += [documents.Heading(f"Section {number}"), documents.Paragraph("Détention — " * 200),
                   documents.PageBreak()]
    return documents.Document("Rapport annuel", "fr", blocks)
