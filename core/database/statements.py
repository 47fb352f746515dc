"""Statements built once and run on every request, with what changes per request in bind parameters.

Building a SQLAlchemy statement (its columns, joins, unions and subqueries) takes far more Python time than
running it on indexed tables: the advocacy dashboard widget's union took 1 ms to build and 0.1 ms to run at
100,000 records. A statement that a page runs on every request is therefore built once per process, and run
with today's date or the record's id as bind parameters. A statement that depends on who asks (one keeping the
records the user may see, ``core.records.visibility.visible``) is built for each request, like any other, unless
a main page misses its target for it: then it is built once per kind of viewer
(``visible(Model, viewer(user))``, run with the user's id as the bind parameter ``viewer_id``).
"""
from __future__ import annotations

import json
from functools import cache
from typing import Any, Callable, TypeVar

from sqlalchemy import Integer, String, any_, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import TypeDecorator

from ..extensions import db

Built = TypeVar("Built", bound=Callable)


def built_once(build: Built) -> Built:
    """Decorate a function that builds a statement from a few hashable switches (is the user an admin, which
    filters are on): it runs once per combination of them, and every call returns that same statement. Any
    value that changes from one request to the next must be a ``bindparam`` given at execution, never a
    literal baked into the statement."""
    return cache(build)  # type: ignore[return-value]


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


# A list written into a statement with ``in_([...])`` is an "expanding" parameter: SQLAlchemy rewrites the
# statement's SQL around it on every execution. A list of ids of any length travels as one parameter instead.

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
