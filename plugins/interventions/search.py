"""Full-text search over cases: titles, descriptions and every action's texts in the three languages,
with the database's own full-text index (FTS5 on SQLite, a GIN-indexed tsvector on PostgreSQL).

Each case has one search document, rewritten whenever the case or one of its actions changes. Words are
reduced to plain ASCII first (``anyascii``), on both sides, so "detención" finds "detencion" and the
reverse, whatever the database.

On SQLite every word is searched as a prefix through a vocabulary of the indexed terms
(``interventions_fts_terms``): the statement itself turns "det" into ``("detained" OR "detention")``, which FTS5
reads newest first and stops at a page's rows, where a prefix query (``"det"*``) first merges every match of
every such term (0.07 ms against 0.37 ms for a common word at 100,000 cases; 0.6 ms against 42 ms for "a"). A
prefix of more than ``MAX_TERMS`` terms is still asked as a prefix query.
"""
from __future__ import annotations

import json
import re
from typing import Any

import sqlalchemy as sa
from anyascii import anyascii

from core.api import db

from .models import Case

SQLITE_TABLE = "interventions_fts"  # FTS5: rowid = case id, one column "document"
TERMS_TABLE = "interventions_fts_terms"  # SQLite: every term ever indexed (a term no longer used matches nothing)
MAX_TERMS = 64
POSTGRES_TABLE = "interventions_search_documents"  # case_id, document, vector (generated), GIN index
MAX_WORDS = 8


def normalise(text: str) -> str:
    return anyascii(text or "").lower()


def words(query: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", normalise(query))[:MAX_WORDS]


def terms_of(document: str) -> set[str]:
    """The terms FTS5's ``unicode61`` tokenizer makes of a normalised (ASCII, lower-case) document."""
    return set(re.findall(r"[a-z0-9]+", document))


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
        terms = set().union(*(terms_of(document) for _, document in rows))
        if terms:
            db.session.execute(sa.text(f"INSERT OR IGNORE INTO {TERMS_TABLE} (term) VALUES (:term)"),
                               [{"term": term} for term in sorted(terms)])


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
    """:func:`matching` for a statement built once (``core.database.statements``): the words are the bind parameter
    ``match``, given at execution by :func:`match_expression`."""
    return _matching(column, postgresql, sa.bindparam("match", type_=sa.String))


def match_expression(query: str, postgresql: bool) -> str | None:
    """The full-text query for the words of ``query`` (every word, as a prefix); ``None`` without words."""
    terms = words(query)
    if not terms:
        return None
    if postgresql:
        return " & ".join(f"{term}:*" for term in terms)
    return json.dumps(terms)  # the statement spells out each word's terms (see _sqlite_match)


def _matching(column: Any, postgresql: bool, expression: Any) -> Any:
    if postgresql:
        documents = sa.table(POSTGRES_TABLE, sa.column("case_id"), sa.column("vector"))
        tsquery = sa.func.to_tsquery("simple", expression)
        ids = sa.select(documents.c.case_id).where(documents.c.vector.op("@@")(tsquery))
        return column == sa.any_(sa.func.array(ids.scalar_subquery()))
    fts = sa.table(SQLITE_TABLE, sa.column("rowid"))
    if isinstance(expression, str):
        expression = sa.bindparam(None, value=expression, type_=sa.String)
    return column.in_(sa.select(fts.c.rowid).where(_sqlite_match(expression)))


def _sqlite_match(words_json: Any) -> Any:
    """``interventions_fts MATCH`` the FTS5 query for the words of ``words_json`` (a JSON list, a bind
    parameter), which the statement writes itself: for each word, its terms in the vocabulary joined by OR,
    or the word as a prefix query when it has none (nothing to find) or more than ``MAX_TERMS``."""
    return sa.literal_column(SQLITE_TABLE).op("MATCH")(_fts_query(words_json))


def _fts_query(words_json: Any) -> Any:
    word = sa.func.json_each(words_json).table_valued("key", "value").alias()
    terms = sa.table(TERMS_TABLE, sa.column("term", sa.String)).alias()
    in_range = sa.and_(terms.c.term >= word.c.value, terms.c.term < word.c.value.concat(sa.literal_column("char(127)")))
    too_many = sa.select(terms.c.term).where(in_range).order_by(terms.c.term).limit(1).offset(MAX_TERMS) \
        .scalar_subquery()
    quote = sa.literal_column("'\"'")
    spelled = sa.select(sa.func.group_concat(quote.concat(terms.c.term).concat(quote), sa.literal_column("' OR '"))) \
        .where(in_range).scalar_subquery()
    prefix = quote.concat(word.c.value).concat(sa.literal_column("'\"*'"))
    part = sa.literal_column("'('").concat(sa.func.coalesce(sa.case((too_many.is_(None), spelled), else_=prefix), prefix)) \
        .concat(sa.literal_column("')'"))
    return sa.select(sa.func.group_concat(part, sa.literal_column("' AND '"))).select_from(word).scalar_subquery()


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
    query = query.join(fts, fts.c.rowid == Case.id).where(_sqlite_match(sa.bindparam("match", type_=sa.String)))
    return query.order_by(fts.c.rowid.desc())

