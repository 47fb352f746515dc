"""Name matching for search and duplicate warnings, across accents, word order and transliterations.

Each record keeps ``search_text``: its names' words in ASCII (anyascii transliterates Arabic,
Cyrillic, Chinese...) followed by each word's consonant skeleton, so that spelling variants such as
"Mohammed" and "Muhammad" (both "mhmd") meet. Candidates are fetched by those keys in the database,
then scored with RapidFuzz.
"""
from __future__ import annotations

import re
from typing import Any

from anyascii import anyascii
from rapidfuzz import fuzz
from sqlalchemy import select

from ..extensions import db
from .visibility import visible

DUPLICATE_THRESHOLD = 80
MAX_CANDIDATES = 200
_VOWELS = re.compile(r"[aeiouyh]")
# Spellings that transliteration systems disagree on, folded before the vowels are dropped.
_DIGRAPHS = [("dzh", "j"), ("dj", "j"), ("zh", "j"), ("kh", "h"), ("gh", "g"), ("q", "k"), ("ph", "f"),
             ("sch", "sh"), ("tch", "ch"), ("ck", "k"), ("x", "ks"), ("w", "v")]
_REPEATS = re.compile(r"(.)\1+")


def words(text: str) -> list[str]:
    return "".join(ch if ch.isalnum() else " " for ch in anyascii(text or "").lower()).split()


def skeleton(word: str) -> str:
    """Consonants only, repeats collapsed: transliteration variants of a name share it."""
    if len(word) <= 2:
        return word
    for spelling, folded in _DIGRAPHS:
        word = word.replace(spelling, folded)
    return _REPEATS.sub(r"\1", _VOWELS.sub("", word)) or word


def name_key(name: str) -> str:
    """Accents, case, punctuation and word order removed: "Núñez, José" and "jose nunez" are equal."""
    return " ".join(sorted(words(name)))[:200]


def search_text(name: str, aliases: str = "") -> str:
    found = words(f"{name} {aliases}")
    skeletons = [f"~{skeleton(word)}" for word in found if len(word) > 2]
    return " ".join(found + skeletons)


# Particles that come and go between spellings of the same name ("Al-Hassan", "Hassan").
PARTICLES = {"al", "el", "ul", "de", "del", "la", "le", "da", "di", "do", "dos", "das", "van", "von", "der",
             "bin", "ibn", "ben", "bint"}


def _core_words(key: str) -> str:
    kept = [word for word in key.split() if word not in PARTICLES]
    return " ".join(kept or key.split())


def _score(name: str, candidate: Any) -> int:
    names = [candidate.name] + [a for a in getattr(candidate, "aliases", "").splitlines() if a.strip()]
    names += [getattr(candidate, "acronym", "")] if getattr(candidate, "acronym", "") else []
    target = _core_words(name_key(name))
    best = 0.0
    for other in names:
        other_key = _core_words(name_key(other))
        best = max(best, fuzz.token_sort_ratio(target, other_key),
                   fuzz.token_sort_ratio(" ".join(map(skeleton, target.split())),
                                         " ".join(map(skeleton, other_key.split()))) - 5)
    return round(best)


def similar_records(model: Any, name: str, aliases: str, user: Any, exclude_id: int | None = None) -> list[tuple[Any, int]]:
    """Records of ``model`` the user may see whose names closely match, best first."""
    keys = {word for word in words(f"{name} {aliases}") if len(word) > 2}
    keys |= {f"~{skeleton(word)}" for word in set(keys)}
    if not keys:
        return []
    from .tokens import having_any_token

    query = select(model).where(visible(model, user)).where(having_any_token(model, keys)).limit(MAX_CANDIDATES)
    if exclude_id is not None:
        query = query.where(model.id != exclude_id)
    scored = [(record, _score(name, record)) for record in db.session.scalars(query)]
    return sorted([pair for pair in scored if pair[1] >= DUPLICATE_THRESHOLD], key=lambda pair: -pair[1])[:10]
