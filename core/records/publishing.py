"""Keeping defenders who have not consented out of texts that leave the organisation (dossiers sent to
intergovernmental bodies, publications): their real names are replaced by the names they may be published
under, whatever the accents, case or word order of a two-word name."""
from __future__ import annotations

import re
from typing import Any, Iterable

from anyascii import anyascii

WITHHELD = "[…]"
_WORD = re.compile(r"\w+", re.UNICODE)


def _normal(word: str) -> list[str]:
    return "".join(ch if ch.isalnum() else " " for ch in anyascii(word).lower()).split()


def _sequences(defender: Any) -> list[list[str]]:
    names = [defender.name, *getattr(defender, "alias_list", [])]
    sequences = [words for words in (sum((_normal(w) for w in _WORD.findall(name)), []) for name in names) if words]
    return sequences + [list(reversed(seq)) for seq in sequences if len(seq) == 2]


def mask_names(text: str, defenders: Iterable[Any]) -> tuple[str, list[Any]]:
    """``text`` with the names of the ``defenders`` who did not consent replaced by their publishable names
    (or "[…]" when they have none); returns the text and the defenders whose names were found."""
    if not text:
        return text, []
    tokens = [(match.start(), match.end(), "".join(_normal(match.group()))) for match in _WORD.finditer(text)]
    spans: list[tuple[int, int, str]] = []
    found = []
    for defender in defenders:
        if defender.consent_to_publish:
            continue
        replacement = defender.publication_name.strip() or WITHHELD
        hit = False
        for sequence in sorted(_sequences(defender), key=len, reverse=True):
            size = len(sequence)
            for i in range(len(tokens) - size + 1):
                if [token[2] for token in tokens[i:i + size]] == sequence:
                    start, end = tokens[i][0], tokens[i + size - 1][1]
                    if not any(s < end and start < e for s, e, _r in spans):
                        spans.append((start, end, replacement))
                        hit = True
        if hit:
            found.append(defender)
    for start, end, replacement in sorted(spans, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text, found
