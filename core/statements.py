"""Statements built once and run on every request, with what changes per request in bind parameters.

Building a SQLAlchemy statement (its columns, joins, unions and subqueries) takes far more Python time than
running it on indexed tables: the advocacy dashboard widget's union took 1 ms to build and 0.1 ms to run at
100,000 records. A statement that a page runs on every request is therefore built once per process, which also
keeps its memoized cache key, and run with the user, today's date or the record's id as bind parameters.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache, wraps
from typing import Any, Callable, Iterable, TypeVar

from sqlalchemy import Integer, String, any_, bindparam, func, literal_column, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import Join
from sqlalchemy.types import TypeDecorator

from .extensions import db

Built = TypeVar("Built", bound=Callable)


def built_once(build: Built) -> Built:
    """Decorate a function that builds a statement from a few hashable switches (is the user an admin, which
    filters are on): it runs once per combination of them, and every call returns that same statement. Any
    value that changes from one request to the next must be a ``bindparam`` given at execution, never a
    literal baked into the statement."""

    @wraps(build)
    def once(*switches: Any) -> Any:
        return with_key_hashed_once(build(*switches))

    return cache(once)  # type: ignore[return-value]


class _HashedOnce(tuple):
    """A tuple whose hash is computed once. Python computes a tuple's hash again each time it is asked, walking
    every element."""

    def __new__(cls, items: tuple) -> "_HashedOnce":
        hashed = super().__new__(cls, items)
        hashed._hash = tuple.__hash__(hashed)
        return hashed

    def __hash__(self) -> int:
        return self._hash


def with_key_hashed_once(statement: Any) -> Any:
    """``statement``, a statement kept for reuse, whose cache key is hashed once rather than on every
    execution.

    SQLAlchemy finds a statement's compiled SQL by its cache key: a tuple describing every column, join and
    condition, which it builds once per statement object and keeps on it, but hashes again at each
    execution: 1 to 12 µs per statement for ours (unions are long), 20 to 25 µs per page. The key is
    replaced by an equal tuple that remembers its hash. Only the hash is cached; the compiled SQL found is
    the same. When a SQLAlchemy release keeps the key elsewhere, ``statement`` is returned unchanged and only
    this saving is lost (``tests/test_statements.py`` tells). A statement derived from this one (a list's
    count, its page) is a copy without SQLAlchemy's memoized values, so it gets a key of its own: the key is
    replaced only where SQLAlchemy memoizes it that way."""
    key = statement._generate_cache_key() if hasattr(statement, "_generate_cache_key") else None
    kept = getattr(statement, "__dict__", {}).get("_generate_cache_key")
    memoized = "_generate_cache_key" in getattr(statement, "_memoized_keys", ())  # left out of copies
    if key is None or kept is None or kept() is not key or not memoized:  # not as this release keeps it
        return statement
    hashed = key._replace(key=_HashedOnce(key.key))
    statement.__dict__["_generate_cache_key"] = lambda: hashed
    return statement


@dataclass(frozen=True)
class Bound:
    """A statement built once for its ``shape`` (which filters are on, the sort, the user's kind), and this
    request's values for its bind parameters. Lists hand it to ``core.pagination.paginate``, which also builds
    its count and page statements once per shape."""

    statement: Any
    params: dict[str, Any]
    shape: tuple

    def query(self) -> Any:
        """The statement with this request's values written in (for exports and other one-off uses)."""
        return self.statement.params(self.params)


def fill_collection(instance: Any, attribute: Any, statement: Any, params: dict[str, Any]) -> list:
    """Load one collection of one record with a plain statement (built once, ordered as the relationship
    is) and set it as if the relationship had loaded it. For a single parent this is far cheaper than
    ``selectinload``, whose loader-path machinery cost 0.3 ms a collection on the case page against 0.07 ms
    here, in the same number of statements."""
    items = list(db.session.scalars(statement, params).unique())
    set_committed_value(instance, attribute.key, items)
    return items


def read_rows(statement: Any, params: dict[str, Any]) -> Any:
    """Run a statement of plain columns (no entities) on the session's connection: the rows are the same, without
    the ORM's execution layer (25 µs a statement; the dashboard runs ten). It does not flush the session first,
    so it is for reading what is committed: the dashboard, search, timelines and deadlines."""
    return db.session.connection().execute(statement, params)


def constant(value: str | int) -> ColumnElement[Any]:
    """A value fixed in the code (a kind, a state, a part's name in a union) written into a statement built once
    as SQL text, ``'restricted'``, rather than as a bind parameter: SQLAlchemy gathers and converts every bind
    parameter again at each execution, and the dashboard's statements held some sixty such values. Never for a
    value that comes from a request: those are bind parameters."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise TypeError(f"not a constant of the code: {value!r}")
    if isinstance(value, int):
        return literal_column(str(int(value)), Integer)
    return literal_column("'" + value.replace("'", "''") + "'", String)


# A list written into a statement with ``in_([...])`` is an "expanding" parameter: SQLAlchemy rewrites the
# statement's SQL around it on every execution (28 µs, more than running most of our statements). These keep
# the SQL fixed.

def one_of(column: Any, values: Iterable[str | int]) -> ColumnElement[bool]:
    """``column IN (values)`` for a list fixed in the code (statuses, kinds), written into the SQL."""
    return column.in_([constant(value) for value in values])


def none_of(column: Any, values: Iterable[str | int]) -> ColumnElement[bool]:
    """``column NOT IN (values)`` for a list fixed in the code."""
    return column.not_in([constant(value) for value in values])


class IdList(TypeDecorator):
    """A list of integer ids as one bind parameter: a JSON array on SQLite (read with ``json_each``), an
    integer array on PostgreSQL."""

    impl = String
    cache_ok = True

    def load_dialect_impl(self, dialect: Any) -> Any:
        return dialect.type_descriptor(ARRAY(Integer) if dialect.name == "postgresql" else String())

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        ids = [int(item) for item in value]
        return ids if dialect.name == "postgresql" else json.dumps(ids)


def among_ids(column: Any, name: str, postgresql: bool) -> ColumnElement[bool]:
    """``column`` is one of the ids given at execution as the list parameter ``name`` (any length), in a
    statement built once for the dialect (see :class:`IdList`)."""
    ids = bindparam(name, type_=IdList())
    if postgresql:
        return column == any_(ids)
    return column.in_(select(func.json_each(ids).table_valued("value").c.value))


class _JoinInThisOrder(Join):
    inherit_cache = True


def join_in_this_order(left: Any, right: Any, onclause: Any) -> Join:
    """``left JOIN right ON onclause``, read from ``left`` on SQLite (its ``CROSS JOIN``): for the few
    statements where its planner, counting rows rather than what they match, would start from the wrong
    table. Other databases get a plain join."""
    return _JoinInThisOrder(left, right, onclause)


@compiles(_JoinInThisOrder, "sqlite")
def _sqlite_cross_join(join: Any, compiler: Any, **kw: Any) -> str:
    kw["asfrom"] = True
    return f"{join.left._compiler_dispatch(compiler, **kw)} CROSS JOIN " \
           f"{join.right._compiler_dispatch(compiler, **kw)} ON {join.onclause._compiler_dispatch(compiler, **kw)}"
