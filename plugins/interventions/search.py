"""Full-text search over cases: titles, descriptions and every action's texts in the three languages,
with the database's own full-text index (FTS5 on SQLite, a GIN-indexed tsvector on PostgreSQL).

Each case has one search document, rewritten whenever the case or one of its actions changes. Words are
reduced to plain ASCII first (``anyascii``), on both sides, so "detención" finds "detencion" and the
reverse, whatever the database.
"""
from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from anyascii import anyascii

from core.extensions import db

from .models import Case

SQLITE_TABLE = "interventions_fts"  # FTS5: rowid = case id, one column "document"
POSTGRES_TABLE = "interventions_search_documents"  # case_id, document, vector (generated), GIN index
MAX_WORDS = 8


def normalise(text: str) -> str:
    return anyascii(text or "").lower()


def words(query: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", normalise(query))[:MAX_WORDS]


def document_of(case: Case) -> str:
    parts = [case.title, case.description, case.events_place]
    for action in case.actions:
        parts += [action.reference or "", *action.texts()]
    return normalise("\n".join(part for part in parts if part))


def _postgres() -> bool:
    return db.engine.dialect.name == "postgresql"


def index_case(case: Case) -> None:
    """Rewrite the case's search document (inside the caller's transaction)."""
    index_documents([(case.id, document_of(case))])


def index_documents(rows: list[tuple[int, str]]) -> None:
    if not rows:
        return
    ids = [case_id for case_id, _ in rows]
    if _postgres():
        db.session.execute(sa.text(f"DELETE FROM {POSTGRES_TABLE} WHERE case_id = ANY(:ids)"), {"ids": ids})
        db.session.execute(sa.text(f"INSERT INTO {POSTGRES_TABLE} (case_id, document) VALUES (:id, :document)"),
                           [{"id": case_id, "document": document} for case_id, document in rows])
    else:
        db.session.execute(sa.text(f"DELETE FROM {SQLITE_TABLE} WHERE rowid IN ({','.join(map(str, ids))})"))
        db.session.execute(sa.text(f"INSERT INTO {SQLITE_TABLE} (rowid, document) VALUES (:id, :document)"),
                           [{"id": case_id, "document": document} for case_id, document in rows])


def matching(column: Any, query: str) -> Any | None:
    """A condition keeping the rows whose ``column`` (a case id) has a document holding every word of
    ``query`` as word prefixes; ``None`` when the query has no word. No relevance score: computing one
    costs more than the match itself, and lists sort by date.

    On PostgreSQL the matches are read once through the GIN index into an array (``= ANY(ARRAY(...))``):
    with a plain IN, a LIMIT lets the planner walk the cases backwards testing every document instead.
    """
    expression = match_expression(query, _postgres())
    return None if expression is None else _matching(column, _postgres(), expression)


def matching_to_bind(column: Any, postgresql: bool) -> Any:
    """:func:`matching` for a statement built once (``core.statements``): the words are the bind parameter
    ``match``, given at execution by :func:`match_expression`."""
    return _matching(column, postgresql, sa.bindparam("match", type_=sa.String))


def match_expression(query: str, postgresql: bool) -> str | None:
    """The full-text query for the words of ``query`` (every word, as a prefix); ``None`` without words."""
    terms = words(query)
    if not terms:
        return None
    if postgresql:
        return " & ".join(f"{term}:*" for term in terms)
    return " AND ".join(f'"{term}"*' for term in terms)


def _matching(column: Any, postgresql: bool, expression: Any) -> Any:
    if postgresql:
        documents = sa.table(POSTGRES_TABLE, sa.column("case_id"), sa.column("vector"))
        tsquery = sa.func.to_tsquery("simple", expression)
        ids = sa.select(documents.c.case_id).where(documents.c.vector.op("@@")(tsquery))
        return column == sa.any_(sa.func.array(ids.scalar_subquery()))
    fts = sa.table(SQLITE_TABLE, sa.column("rowid"))
    return column.in_(sa.select(fts.c.rowid).where(sa.literal_column(SQLITE_TABLE).op("MATCH")(expression)))


def restrict_to_matches_to_bind(query: sa.Select, newest_first: bool, postgresql: bool) -> sa.Select:
    """``query`` (of cases, built once) kept to the cases matching the bind parameter ``match`` (see
    :func:`match_expression`), and, if ``newest_first``, ordered newest first.

    Newest first on SQLite, the full-text table drives the query, read backwards by case id: a page stops
    after its rows, and a capped count after its cap, instead of first collecting every match (a common word
    matches a case in seven). Otherwise, the :func:`matching_to_bind` condition.
    """
    if postgresql or not newest_first:  # other sorts walk their own index and probe
        query = query.where(matching_to_bind(Case.id, postgresql))
        return query.order_by(Case.id.desc()) if newest_first else query
    fts = sa.table(SQLITE_TABLE, sa.column("rowid"))
    query = query.join(fts, fts.c.rowid == Case.id).where(
        sa.literal_column(SQLITE_TABLE).op("MATCH")(sa.bindparam("match", type_=sa.String)))
    return query.order_by(fts.c.rowid.desc())

