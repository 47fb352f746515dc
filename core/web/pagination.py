"""Lists read from the database one page at a time, with a count that looks only a few pages ahead.

An exact total costs a scan of every matching row on each page view; counting only up to three pages
past the current one keeps the count as cheap as fetching the page itself (OFFSET already walks that
far), shows exact totals for small results, and still lets a user page on as deep as they like.

A page is read in one statement, and counted in another, except in two cases where its ids are read apart
from its rows (a "deferred join"):

- deep pages: the database skips the earlier pages' ids in an index without reading their rows, then reads
  the page's rows by id;
- ``deferred`` lists, whose matches are sorted rather than read in an index's order (a name search, a
  full-text search): narrow ids sort faster than whole rows, and the ids up to the count's cap, read in one
  statement, give both the page's ids and the count.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from math import ceil
from typing import Any, NamedTuple
from urllib.parse import urlencode

import sqlalchemy as sa
from flask import request

from ..database.statements import among_ids, read_rows
from ..extensions import db
from .navigation import page_argument, page_size

PAGES_AHEAD = 3  # with the current page: four pages counted
DEFERRED_JOIN_FROM = 200  # rows to skip before the page's ids are read apart from its rows


@dataclass
class Page:
    """One page of a list: its ``items``, and ``total``, the matching rows counted up to
    ``(page + PAGES_AHEAD) * per_page``; ``capped`` tells that the count stopped there (there are more rows,
    and a page after the last one counted)."""

    page: int
    per_page: int
    items: list[Any]
    total: int
    capped: bool

    @property
    def pages(self) -> int:
        return ceil(self.total / self.per_page)


def paginate(select: Any, *options: Any, deferred: bool = False, columns: tuple = (), total: int | None = None) -> Page:
    """The current page (from ``?page=``) of ``select``, a select of one model (with an ``id``), counted up to
    three pages ahead.

    ``options`` are the loader options of the page's records (``selectinload(...)``). With ``columns`` (the model's ``id`` among them), the page is
    read as plain rows of these columns rather than records: a list showing a few columns of 25 records reads
    them five times faster. ``deferred``: read the page's ids apart from its rows even on the first pages, for
    a select whose matches are sorted (see the module's docstring). ``total``: how many rows ``select`` matches,
    when the page has counted them already among the figures it shows; the count is then not read again (not for
    a ``deferred`` list, counted by its ids)."""
    postgresql = db.session.get_bind().dialect.name == "postgresql"
    statements = PageStatements(select, options, columns, postgresql)
    page, per_page = page_argument(), page_size()
    offset, cap = (page - 1) * per_page, (page + PAGES_AHEAD) * per_page
    # counted up to one more than the cap: that one tells there are more
    params = {"page_size": per_page, "page_offset": offset, "count_cap": cap + 1}
    if deferred:
        capped_ids = read_rows(statements.capped_ids, params).scalars().all()
        items = statements.read_ids(capped_ids[offset:offset + per_page])
        return Page(page, per_page, items, total=min(len(capped_ids), cap), capped=len(capped_ids) > cap)
    if offset >= DEFERRED_JOIN_FROM:
        items = statements.read_ids(read_rows(statements.page_ids, params).scalars().all())
    else:
        items = statements.read(statements.page, params)
    counted = read_rows(statements.count, params).scalar_one() if total is None else total
    return Page(page, per_page, items, total=min(counted, cap), capped=counted > cap)


class PageStatements:
    """The statements that read a page of a list, derived from the list's statement, with the page's size, its
    offset and the count's cap as bind parameters; each is built when first used."""

    def __init__(self, statement: Any, options: tuple, columns: tuple, postgresql: bool) -> None:
        self.statement, self.options, self.columns, self.postgresql = statement, options, columns, postgresql
        self.model = statement.column_descriptions[0]["entity"]

    @cached_property
    def page(self) -> Any:
        """The page's rows of ``columns``, or its records."""
        if self.columns:
            page = self.statement.with_only_columns(*self.columns, maintain_column_froms=True)
        else:
            page = self.statement.options(*self.options)
        return page.limit(sa.bindparam("page_size")).offset(sa.bindparam("page_offset"))

    @cached_property
    def ids(self) -> Any:
        """The ids of every matching row, in the list's order."""
        return self.statement.with_only_columns(self.model.id, maintain_column_froms=True)

    @cached_property
    def page_ids(self) -> Any:
        return self.ids.limit(sa.bindparam("page_size")).offset(sa.bindparam("page_offset"))

    @cached_property
    def capped_ids(self) -> Any:
        """Every id up to the count's cap."""
        return self.ids.limit(sa.bindparam("count_cap"))

    @cached_property
    def count(self) -> Any:
        """The rows up to the count's cap, counted: without columns, order and loader options, the database
        reads no more than it must."""
        rows = self.statement.with_only_columns(sa.literal_column("1"), maintain_column_froms=True).order_by(None)
        return sa.select(sa.func.count()).select_from(rows.limit(sa.bindparam("count_cap")).subquery())

    @cached_property
    def by_ids(self) -> Any:
        """The rows or records with the ids given as ``page_ids``."""
        among = among_ids(self.model.id, "page_ids", self.postgresql)
        if self.columns:
            return sa.select(*self.columns).where(among)
        return sa.select(self.model).where(among).options(*self.options)

    def read_ids(self, ids: list[int]) -> list[Any]:
        """The rows or records with these ``ids``, in their order."""
        if not ids:
            return []
        found = {row.id: row for row in self.read(self.by_ids, {"page_ids": ids})}
        return [found[id_] for id_ in ids if id_ in found]

    def read(self, statement: Any, params: dict[str, Any]) -> list[Any]:
        if self.columns:
            return read_rows(statement, params).all()
        return db.session.scalars(statement, params).unique().all()


class PageLink(NamedTuple):
    label: str
    url: str | None  # None: the current page or a gap
    current: bool = False
    kind: str = "page"  # "page", "previous", "next" or "gap"


def page_links(pagination: Any) -> list[PageLink]:
    """The pager's links for a pagination's ``page`` of its ``pages`` (a :class:`Page`, or Flask-SQLAlchemy's
    for the lists paged by ``db.paginate``): previous, the first page, two pages before the current one to three
    after it, the last page, next; a gap where pages are left out.

    Their addresses are the current one with only ``page`` changed, built here rather than through
    ``url_for`` per link: one quoted query string per link is cheap, and the other filters of the list stay
    as the user typed them.
    """
    arguments = urlencode([(key, value) for key, value in request.args.items(multi=True) if key != "page"])
    head = f"{request.path}?{arguments}&page=" if arguments else f"{request.path}?page="
    current, last = pagination.page, pagination.pages
    if not last:
        return []
    shown = sorted({1, *range(max(1, current - 2), min(current + 3, last) + 1), last})
    links = [PageLink("previous", f"{head}{current - 1}", kind="previous")] if current > 1 else []
    for before, number in zip([0, *shown], shown):
        if number > before + 1:
            links.append(PageLink("…", None, kind="gap"))
        links.append(PageLink(str(number), None if number == current else f"{head}{number}", current=number == current))
    if current < last:
        links.append(PageLink("next", f"{head}{current + 1}", kind="next"))
    return links
