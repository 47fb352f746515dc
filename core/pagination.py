"""Database pagination whose count looks only a few pages ahead.

An exact total costs a scan of every matching row on each page view; counting only up to three pages
past the current one keeps the count as cheap as fetching the page itself (OFFSET already walks that
far), shows exact totals for small results, and still lets a user page on as deep as they like.
"""
from __future__ import annotations

from typing import Any, Callable, NamedTuple
from urllib.parse import urlencode

import sqlalchemy as sa
from flask import request
from flask_sqlalchemy.pagination import SelectPagination

from .extensions import db
from .navigation import page_argument, page_size
from .statements import Bound, among_ids, read_rows

PAGES_AHEAD = 3  # with the current page: four pages counted
DEFERRED_JOIN_FROM = 200  # rows to skip before the page's ids are read apart from its rows


class CappedPagination(SelectPagination):
    """Like Flask-SQLAlchemy's pagination; ``capped`` tells that ``total`` stopped at the cap (there
    are more rows than counted, and a next page after the last counted one).

    Given a :class:`~core.statements.Bound` statement, the count and page statements derived from it are built
    once per shape too, with the cap, page size and offset as bind parameters."""

    def _query_items(self) -> list[Any]:
        """Deep pages: the page's ids first, then their rows (a "deferred join"): the database finds the ids in
        an index, skipping earlier pages without reading their rows, then reads only the page's rows. The first
        pages, where there is little to skip, are read in one statement."""
        select, session = self._query_args["select"], self._query_args["session"]
        descriptions = select.column_descriptions
        entity = descriptions[0].get("entity")
        if len(descriptions) != 1 or entity is None or not hasattr(entity, "id"):  # rows, not records
            return list(session.execute(select.limit(self.per_page).offset(self._query_offset),
                                        self._query_args["params"]).unique().scalars())
        columns, options = self._query_args["columns"], self._query_args["options"]
        params = {**self._query_args["params"], "page_size": self.per_page, "page_offset": self._query_offset}
        if self._query_offset < DEFERRED_JOIN_FROM and not self._query_args["deferred"]:
            if columns:
                return read_rows(self._derived("row page", lambda: _page_of(
                    select.with_only_columns(*columns, maintain_column_froms=True))), params).all()
            return list(session.scalars(self._derived("page", lambda: _page_of(select.options(*options))), params)
                        .unique())
        if self._query_args["deferred"]:
            # Sorted matches: every match is read to sort them anyway, so the ids up to the count's cap come in the
            # same statement as the page's, and the count is theirs (no second search for a count).
            capped_ids = self._derived("capped ids", lambda: select.with_only_columns(
                entity.id, maintain_column_froms=True).limit(sa.bindparam("count_cap")))
            counted = list(read_rows(capped_ids, {**params, "count_cap": self._count_cap() + 1}).scalars())
            self._counted = len(counted)
            ids = counted[self._query_offset:self._query_offset + self.per_page]
        else:
            page_ids = self._derived("ids", lambda: _page_of(select.with_only_columns(entity.id,
                                                                                     maintain_column_froms=True)))
            ids = list(read_rows(page_ids, params).scalars())
        if not ids:
            return []
        postgresql = session.get_bind().dialect.name == "postgresql"
        if columns:
            by_id = read_rows(self._derived(("rows by id", postgresql), lambda: sa.select(*columns).where(
                among_ids(entity.id, "page_ids", postgresql))), {"page_ids": ids})
        else:
            by_id = session.scalars(self._derived(("rows", postgresql), lambda: sa.select(entity).where(
                among_ids(entity.id, "page_ids", postgresql)).options(*options)), {"page_ids": ids})
        rows = {row.id: row for row in by_id}
        return [rows[id_] for id_ in ids if id_ in rows]

    def _count_cap(self) -> int:
        return (self.page + PAGES_AHEAD) * self.per_page

    def _query_count(self) -> int:
        cap = self._count_cap()
        counted = getattr(self, "_counted", None)
        if counted is not None:  # the deferred ids, read up to the cap with the page
            self.capped = counted > cap
            return min(counted, cap)
        select = self._query_args["select"]

        def count() -> Any:
            # No columns and no loader options: the statement stays cacheable and narrow.
            rows = select.with_only_columns(sa.literal_column("1"), maintain_column_froms=True).order_by(None) \
                .limit(sa.bindparam("count_cap"))
            return sa.select(sa.func.count()).select_from(rows.subquery())

        total = read_rows(self._derived("count", count), {**self._query_args["params"], "count_cap": cap + 1}).scalar()
        self.capped = total > cap
        return min(total, cap)

    def _derived(self, kind: Any, build: Callable[[], Any]) -> Any:
        """The ``kind`` statement derived from the list's: kept per shape when the list's is built once."""
        shape = self._query_args["shape"]
        if shape is None:
            return build()
        key = (shape, kind, self._query_args["columns"])
        statement = _DERIVED.get(key)
        if statement is None:
            if len(_DERIVED) > MAX_DERIVED:  # shapes are few (filters on or off); this only bounds the worst case
                _DERIVED.clear()
            statement = _DERIVED[key] = build()
        return statement

    @property
    def links(self) -> list[PageLink]:
        return page_links(self)


def _page_of(select: Any) -> Any:
    return select.limit(sa.bindparam("page_size")).offset(sa.bindparam("page_offset"))


_DERIVED: dict[tuple, Any] = {}
MAX_DERIVED = 4096


def paginate(select: Any, *options: Any, deferred: bool = False, columns: tuple = ()) -> CappedPagination:
    """The current page (from ``?page=``) of ``select``, counted up to three pages ahead; ``options`` are the
    loader options of the page's rows (``selectinload(...)``), the same for every request of a
    :class:`~core.statements.Bound` statement's shape. With ``columns`` (the record's ``id`` among them), the
    page is read as plain rows of these columns rather than records: a list showing a few columns of 25
    records reads them five times faster. ``deferred``: read the page's ids apart from its rows
    even on the first pages, for a select whose matches are sorted rather than read in an index's order (a
    name search, a full-text search): narrow ids sort faster than whole rows, and the ids up to the count's cap
    are read at once, counting them without a second search."""
    shape, params = (select.shape, select.params) if isinstance(select, Bound) else (None, {})
    statement = select.statement if isinstance(select, Bound) else select
    return CappedPagination(select=statement, options=options, columns=columns, shape=shape, params=params,
                            deferred=deferred,
                            session=db.session(), page=page_argument(), per_page=page_size(), max_per_page=None,
                            error_out=False, count=True)


class PageLink(NamedTuple):
    label: str
    url: str | None  # None: the current page or a gap
    current: bool = False
    kind: str = "page"  # "page", "previous", "next" or "gap"


def page_links(pagination: SelectPagination) -> list[PageLink]:
    """The pager's links, built from the current address with only ``page`` changed.

    Built here rather than through ``url_for`` per link: one quoted query string per link is cheap,
    and the other filters of the list stay as the user typed them.
    """
    arguments = urlencode([(key, value) for key, value in request.args.items(multi=True) if key != "page"])
    head = f"{request.path}?{arguments}&page=" if arguments else f"{request.path}?page="

    def url(page: int) -> str:
        return f"{head}{int(page)}"

    links = []
    if pagination.has_prev:
        links.append(PageLink("previous", url(pagination.prev_num), kind="previous"))
    for page in pagination.iter_pages(left_edge=1, left_current=2, right_current=3, right_edge=1):
        if page is None:
            links.append(PageLink("…", None, kind="gap"))
        else:
            current = page == pagination.page
            links.append(PageLink(str(page), None if current else url(page), current=current))
    if pagination.has_next:
        links.append(PageLink("next", url(pagination.next_num), kind="next"))
    return links
