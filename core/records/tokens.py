"""Keeping the search tokens of a record in step with its names, and querying them."""
from __future__ import annotations

from typing import Any, Callable, Iterable

from sqlalchemy import (
    CompoundSelect,
    Select,
    String,
    and_,
    any_,
    bindparam,
    delete,
    func,
    insert,
    literal,
    literal_column,
    select,
    union,
    union_all,
)
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from ..extensions import db
from .matching import words
from .models import SearchToken

PREFIX_END = "\x7f"  # tokens are ASCII letters, digits and "~": all sort below DEL
MAX_TOKEN = 80


def tokens_of(search_text: str) -> set[str]:
    return {token[:MAX_TOKEN] for token in search_text.split()}


def index_tokens(record: Any) -> None:
    """Replace the record's tokens (call after a flush, once it has an id)."""
    db.session.execute(delete(SearchToken).where(SearchToken.record_type == record.__record_type__,
                                                 SearchToken.record_id == record.id))
    rows = [{"record_type": record.__record_type__, "record_id": record.id, "token": token}
            for token in tokens_of(record.search_text)]
    if rows:
        db.session.execute(insert(SearchToken), rows)


def forget_tokens(record_type: str, record_id: int) -> None:
    db.session.execute(delete(SearchToken).where(SearchToken.record_type == record_type,
                                                 SearchToken.record_id == record_id))


def bulk_rows(record_type: str, ids: list[int], texts: list[str]) -> list[dict[str, Any]]:
    return [{"record_type": record_type, "record_id": record_id, "token": token}
            for record_id, text in zip(ids, texts) for token in tokens_of(text)]


def matching_word_prefixes(model: Any, query: str) -> list[ColumnElement[bool]]:
    """One condition per word of ``query``: the record has a name word starting with it."""
    return [_id_among(model, ids) for ids in word_prefix_matches(model, query)]


def word_prefix_matches(model: Any, query: str) -> list[Select]:
    """For each word of ``query``, the ids of the ``model`` records with a name word starting with it (for
    records that point at them: ``GrantRequest.defender_id.in_(ids)``)."""
    return [select(SearchToken.record_id).where(
        SearchToken.record_type == model.__record_type__, SearchToken.token >= word[:MAX_TOKEN],
        SearchToken.token < word[:MAX_TOKEN] + PREFIX_END) for word in words(query)]


def prefix_conditions_to_bind(model: Any, count: int, postgresql: bool) -> list[ColumnElement[bool]]:
    """:func:`matching_word_prefixes` of ``count`` words for a statement built once (``core.database.statements``): the
    words are given at execution by :func:`prefix_params`."""
    return [_id_among(model, ids, postgresql) for ids in prefix_matches_to_bind(model, count)]


def prefix_matches_to_bind(model: Any, count: int) -> list[Select]:
    """:func:`word_prefix_matches` of ``count`` words for a statement built once; see :func:`prefix_params`."""
    return [select(SearchToken.record_id).where(
        SearchToken.record_type == model.__record_type__, SearchToken.token >= bindparam(f"word_{index}"),
        SearchToken.token < bindparam(f"word_{index}_end")) for index in range(count)]


def newest_matches_first(model: Any, count: int, arm: Callable[..., Select]) -> CompoundSelect:
    """The ``model`` records matching ``count`` words (see :func:`prefix_params`), newest first, in the order
    SQLite reads fastest when a page wants only the newest few.

    A word usually is a whole name word ("kaya"), held by thousands of records. Those holding it exactly are read
    from the token index newest first, so the first few found end the reading; only the records with a longer
    word ("kayaba") are gathered and sorted, as every match was before (0.03 ms instead of 0.25 ms for 2,444
    namesakes in the bench). ``arm(id_column, *conditions)`` builds the caller's select, its record id being
    ``id_column`` labelled ``id``: in the first arm that is the token's own ``record_id``, whose index order
    SQLite then follows. A record in both arms is one row (``UNION``), and the other words are tested as before.
    """
    others = prefix_conditions_to_bind(model, count, False)[1:]
    exact = arm(SearchToken.record_id, SearchToken.record_id == model.id,
                SearchToken.record_type == model.__record_type__, SearchToken.token == bindparam("word_0"), *others)
    longer = arm(model.id, model.id.in_(select(SearchToken.record_id).where(
        SearchToken.record_type == model.__record_type__, SearchToken.token > bindparam("word_0"),
        SearchToken.token < bindparam("word_0_end"))), *others)
    return union(exact, longer).order_by(literal_column("id").desc())


def prefix_params(query: str) -> dict[str, str]:
    """The bind parameters of :func:`prefix_conditions_to_bind`, one pair per word of ``query``."""
    params = {}
    for index, word in enumerate(words(query)):
        params[f"word_{index}"], params[f"word_{index}_end"] = word[:MAX_TOKEN], word[:MAX_TOKEN] + PREFIX_END
    return params


def having_any_token(model: Any, tokens: set[str]) -> ColumnElement[bool]:
    return _id_among(model, select(SearchToken.record_id).where(
        SearchToken.record_type == model.__record_type__, SearchToken.token.in_(sorted(tokens))))


def holders(record_types: Iterable[str], tokens: Iterable[str]) -> Select:
    """How many records of each of ``record_types`` hold each of ``tokens``: rows (record type, token, count), read
    from the token index alone."""
    return select(SearchToken.record_type, SearchToken.token, func.count()).where(
        SearchToken.record_type.in_(sorted(record_types)), SearchToken.token.in_(sorted(tokens))).group_by(
        SearchToken.record_type, SearchToken.token)


def pair_holders(record_type: str, pairs: Iterable[tuple[str, str]], initials: bool = False) -> Select:
    """The records of ``record_type`` holding both words of one of ``pairs``, as rows (first, second, record id).
    With ``initials``, a pair's second word is a letter: the record holds the first word and another starting with
    that letter ("L. Na": ("na", "l")).

    The pairs are a small table the statement starts from: each pair's first word is read from the token index
    (put the rarer first), and each of its holders is probed for the second by the same index, so a statement
    costs what its pairs' holders are, whatever the number of records. Group the rows to count them.
    """
    wanted = union_all(*(select(literal(first, String).label("first"), literal(second, String).label("second"))
                         for first, second in pairs)).cte("wanted")
    other = aliased(SearchToken)
    beside = and_(other.token >= wanted.c.second, other.token < wanted.c.second + PREFIX_END) if initials \
        else other.token == wanted.c.second
    return select(wanted.c.first, wanted.c.second, SearchToken.record_id).select_from(wanted).join(
        SearchToken, and_(SearchToken.record_type == record_type, SearchToken.token == wanted.c.first)).join(
        other, and_(other.record_type == record_type, other.record_id == SearchToken.record_id, beside))


def _id_among(model: Any, record_ids: Select, postgresql: bool | None = None) -> ColumnElement[bool]:
    """``id IN (record_ids)``; on PostgreSQL ``id = ANY(ARRAY(record_ids))``, which reads the matches once
    and probes the records by key. With a plain IN, a common name prefix can lead PostgreSQL's planner to
    walk a whole sorted index and probe the tokens for each record instead."""
    if db.engine.dialect.name == "postgresql" if postgresql is None else postgresql:
        return model.id == any_(func.array(record_ids.scalar_subquery()))
    return model.id.in_(record_ids)
