"""The index that finds a defender from the words of a street address, an exact location or a family member's
name written alone.

An output may hold an address without the name of the person living there (typed into a case description, a
cover paragraph), or beside a surname held by too many records to load them ("Ms. Garcia"). So each part of a
defender's address and exact location (as the register protects it: a piece between commas, semicolons or
lines, of two words or more) is indexed as keyed hashes (HMAC with the application's secret key) of

- each pair of consecutive words ("calle olmo", "olmo 12"), and
- the whole part ("calle olmo 12"),

its words normalised as the guard matches a phrase's words (transliterated, lower case, and by consonant
skeleton where the guard lets spellings meet). The index finds whoever lives at an address written in an output
without keeping a readable copy of anyone's address. A pair of the text held by few records (:data:`MANY` at
most) loads them, as a phone number does; a pair held by many ("main street", "28004 madrid") loads nobody, and
a run of such pairs is registered only when it is, whole, a part of the address of someone whose details the
output keeps out: a street many people live on is not masked for being a street.
"""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from typing import Any, Iterable

from flask import current_app
from sqlalchemy import delete, func, insert, select

from ..extensions import db
from ..records.models import Defender, SearchToken
from . import names
from .phones import IndexOutdated

#: The fields indexed, per record type (partners have none: their contacts are free text, whose numbers, e-mails
#: and names the register protects). A defender's family members' names are indexed as an address is, so a
#: relative's name typed alone finds the defender whose personal detail it is (their pairs in either order:
#: "Omar Haddad", "HADDAD, Omar").
FIELDS = {"defender": ("address", "exact_location", "family")}
EITHER_ORDER = ("family",)
RECORD_TYPE = "defender:address"  # the index's rows are search tokens of this record type
FINGERPRINT = "address-index"  # one row saying which key made the index
#: A pair held by more records than this loads none of them (as a name's word: see ``lookup.MANY``).
MANY = 50
#: The longest run of a text looked up as a whole part; a longer part is indexed by its first words.
PART_WORDS = 12
LOOKUP_BATCH = 500


class AddressIndexOutdated(IndexOutdated):
    """The address index was made with another secret key: addresses typed alone would not be found, so outputs
    are refused until it is rebuilt."""

    def __init__(self) -> None:
        super().__init__("the address index was made with another secret key")


@dataclass
class Found:
    """What the index found in a text: the records to load, and the parts held by many, as written in the text,
    with one record holding each."""

    ids: set[int] = field(default_factory=set)
    parts: list[tuple[str, int]] = field(default_factory=list)


def _key(kind: str, words: Iterable[str], keyed: Any = None) -> str:
    """The keyed hash of ``words`` as a pair or a part (``keyed``: :func:`_keyed`, to hash many at once)."""
    hashed = (keyed or _keyed()).copy()
    hashed.update(f"address {kind}\x00{' '.join(words)}".encode())
    return hashed.hexdigest()[:40]


def _keyed() -> Any:
    return hmac.new(current_app.config["SECRET_KEY"].encode(), digestmod=hashlib.sha256)


def _canonical(word: str) -> str:
    """A word as the guard compares it in a phrase of several words: its skeleton when spellings may meet by it."""
    return names.key_of(word) if names.comparable(word) else word


def keys_of(values: Iterable[str | None], either_order: bool = False) -> set[str]:
    """The keys of every part of the addresses ``values``: its consecutive pairs (``either_order``: each pair
    reversed too, as names are written surname first), and itself."""
    found, keyed = set(), _keyed()
    for value in values:
        for part in names.address_parts(value or ""):
            words = [_canonical(word) for word in names.name_words(part)]
            found |= {_key("pair", words[i:i + 2], keyed) for i in range(len(words) - 1)}
            if either_order:
                found |= {_key("pair", words[i:i + 2][::-1], keyed) for i in range(len(words) - 1)}
            found.add(_key("part", words[:PART_WORDS], keyed))
    return found


def fields_keys(values: dict[str, str | None]) -> set[str]:
    """The keys of a defender's indexed fields (``values``: by field name)."""
    return set().union(*(keys_of([value], name in EITHER_ORDER) for name, value in values.items()))


def record_keys(record: Any) -> set[str]:
    return fields_keys({name: getattr(record, name) for name in FIELDS.get(record.__record_type__, ())})


def index(record: Any) -> None:
    """Replace the record's address keys (after a flush, once it has an id)."""
    if record.__record_type__ not in FIELDS:
        return
    forget(record.__record_type__, record.id)
    rows = [{"record_type": RECORD_TYPE, "record_id": record.id, "token": value} for value in record_keys(record)]
    if rows:
        db.session.execute(insert(SearchToken), rows)


def forget(record_type: str, record_id: int) -> None:
    if record_type in FIELDS:
        db.session.execute(delete(SearchToken).where(SearchToken.record_type == RECORD_TYPE,
                                                     SearchToken.record_id == record_id))


def fingerprint() -> str:
    return _key("fingerprint", ["the address index's fingerprint"])


def sign() -> None:
    """Record that the index is made with the current key."""
    db.session.execute(delete(SearchToken).where(SearchToken.record_type == FINGERPRINT))
    db.session.execute(insert(SearchToken), [{"record_type": FINGERPRINT, "record_id": 0, "token": fingerprint()}])


def _runs(tokenized: list[tuple[str, list[names.Token]]]) -> list[tuple[str, list[names.Token]]]:
    """The text's runs of words that may be one part of an address: words on one line (a phrase's words may be
    separated by any punctuation, as the guard reads them)."""
    found = []
    for text, tokens in tokenized:
        run: list[names.Token] = []
        for token in tokens:
            if run and "\n" in text[run[-1].end:token.start]:
                found.append((text, run))
                run = []
            run.append(token)
        found += [(text, run)] if len(run) > 1 else []
    return [(text, run) for text, run in found if len(run) > 1]


def look_up(tokenized: list[tuple[str, list[names.Token]]], keep_out: Any) -> Found:
    """The defenders whose address or exact location the texts (each with its :func:`names.tokens`) hold:
    ``ids`` to load for the pairs held by few; and, for the runs of pairs held by many, the runs that are whole
    parts of the address of a defender meeting ``keep_out`` (a condition on :class:`Defender`; ``None``:
    anyone). Two statements for the usual text, three when it holds a street many live on."""
    keyed = _keyed()
    runs = [(text, run, [_canonical(token.word) for token in run]) for text, run in _runs(tokenized)]
    pair_keys = {_key("pair", words[i:i + 2], keyed) for _text, _run, words in runs for i in range(len(words) - 1)}
    held: dict[str, int] = {}
    signed = False
    for chunk in _chunks(pair_keys):
        for record_type, token, count in db.session.execute(
                select(SearchToken.record_type, SearchToken.token, func.count()).where(
                    (SearchToken.record_type == RECORD_TYPE) & SearchToken.token.in_(chunk)
                    | (SearchToken.record_type == FINGERPRINT)).group_by(SearchToken.record_type, SearchToken.token)):
            if record_type == FINGERPRINT:  # read with the first lookup: no statement more
                signed = signed or token == fingerprint()
            else:
                held[token] = count
    if pair_keys and not signed:
        raise AddressIndexOutdated()
    found = Found()
    for chunk in _chunks({token for token, count in held.items() if count <= MANY}):
        found.ids |= set(db.session.scalars(select(SearchToken.record_id).where(
            SearchToken.record_type == RECORD_TYPE, SearchToken.token.in_(chunk))))
    # Runs of pairs each held by many: their stretches of two words or more, looked up as whole parts.
    stretches: dict[str, list[str]] = {}
    for text, run, words in runs:
        crowded = [held.get(_key("pair", words[i:i + 2], keyed), 0) > MANY for i in range(len(words) - 1)]
        for start in range(len(crowded)):
            end = start
            while end < len(crowded) and crowded[end] and end - start < PART_WORDS - 1:
                end += 1
                stretches.setdefault(_key("part", words[start:end + 1], keyed), []).append(
                    text[run[start].start:run[end].end])
    for chunk in _chunks(set(stretches)):
        statement = select(SearchToken.token, func.min(SearchToken.record_id)).where(
            SearchToken.record_type == RECORD_TYPE, SearchToken.token.in_(chunk))
        if keep_out is not None:
            statement = statement.join(Defender, Defender.id == SearchToken.record_id).where(keep_out)
        for token, record_id in db.session.execute(statement.group_by(SearchToken.token)):
            found.parts += [(written, record_id) for written in dict.fromkeys(stretches[token])]
    return found


def _chunks(values: set[str]) -> list[list[str]]:
    ordered = sorted(values)
    return [ordered[i:i + LOOKUP_BATCH] for i in range(0, len(ordered), LOOKUP_BATCH)]


def reindex_all(batch: int = 500) -> int:
    """Build the whole index again (after the secret key changed); returns how many defenders hold an address, an
    exact location or family members."""
    db.session.execute(delete(SearchToken).where(SearchToken.record_type == RECORD_TYPE))
    indexed, last_id = 0, 0
    columns = [getattr(Defender, name) for name in FIELDS["defender"]]
    while rows := db.session.execute(select(Defender.id, *columns).where(Defender.id > last_id).order_by(
            Defender.id).limit(batch)).all():
        keys = [{"record_type": RECORD_TYPE, "record_id": record_id, "token": value}
                for record_id, *values in rows for value in fields_keys(dict(zip(FIELDS["defender"], values)))]
        if keys:
            db.session.execute(insert(SearchToken), keys)
        indexed += len({row["record_id"] for row in keys})
        last_id = rows[-1][0]
    sign()
    db.session.commit()
    return indexed

