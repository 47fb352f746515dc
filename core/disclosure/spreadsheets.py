"""The one writer of every CSV and XLSX file the Observatory hands out.

A cell that a spreadsheet program would read as a formula (OWASP's "CSV injection": text starting with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return) could run when the file is opened and send data out. Every
cell is therefore written as text, and formula-like text gets a leading apostrophe, which spreadsheet programs
show as plain text. Exports never build their own ``csv.writer`` or ``Workbook``: they call :func:`write`,
which releases every row through the export's disclosure guard first (in parts, so a long list keeps a small
register per part); :func:`write_file` gives the file to keep on a job.
"""
from __future__ import annotations

import csv
import io
from itertools import chain
from typing import Any, Iterable, Iterator

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from .files import GuardedFile, _sealed, safe_name
from .guard import Guard

FORMATS = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PART = 500  # rows released through one guard's register


def released(rows: Iterable[Iterable[Any]], guard: Guard) -> Iterator[list[str]]:
    """The rows as text, part by part through a fresh copy of ``guard`` (the register of those rows only)."""
    part: list[list[str]] = []
    for cells in rows:
        part.append(["" if value is None else str(value) for value in cells])
        if len(part) == PART:
            yield from guard.anew().release(part)
            part = []
    if part:
        yield from guard.anew().release(part)


def safe_cell(value: Any) -> str:
    """``value`` as the text of one cell, with a leading apostrophe when it would read as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_lines(header: Iterable[Any], rows: Iterable[Iterable[Any]], guard: Guard) -> Iterator[str]:
    """The CSV text line by line (to stream a long file), every row released by ``guard``, every cell made safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for cells in chain([header], released(rows, guard)):
        writer.writerow([safe_cell(cell) for cell in cells])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def write_csv(header: Iterable[Any], rows: Iterable[Iterable[Any]], guard: Guard) -> bytes:
    """A whole CSV file in UTF-8 with a byte-order mark, so spreadsheet programs read its accents."""
    return ("\ufeff" + "".join(csv_lines(header, rows, guard))).encode("utf-8")


def write_xlsx(sheet_name: str, header: Iterable[Any], rows: Iterable[Iterable[Any]], guard: Guard) -> bytes:
    """A one-sheet workbook whose cells are all text (never a formula, whatever they start with)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_name[:31] or "export")

    def text_cells(cells: Iterable[Any]) -> list[WriteOnlyCell]:
        written = []
        for value in cells:
            cell = WriteOnlyCell(sheet, value=safe_cell(value))
            cell.data_type = "s"  # stored as a string even if it looks like a formula or a number
            written.append(cell)
        return written

    sheet.append(text_cells(header))
    for cells in released(rows, guard):
        sheet.append(text_cells(cells))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write(fmt: str, sheet_name: str, header: Iterable[Any], rows: Iterable[Iterable[Any]], guard: Guard) -> bytes:
    """The file in ``fmt`` ("csv" or "xlsx"), its rows released by ``guard`` (the export's audience)."""
    if fmt == "xlsx":
        return write_xlsx(sheet_name, header, rows, guard)
    if fmt == "csv":
        return write_csv(header, rows, guard)
    raise ValueError(f"unknown spreadsheet format {fmt!r}")


def write_file(name: str, fmt: str, header: Iterable[Any], rows: Iterable[Iterable[Any]], guard: Guard,
               sheet_name: str = "") -> GuardedFile:
    """:func:`write` as a file named ``name`` (released by ``guard`` too), to keep on a job."""
    data = write(fmt, sheet_name or name.rsplit(".", 1)[0], header, rows, guard)
    return _sealed(safe_name(guard.release(name)), data, FORMATS[fmt])
