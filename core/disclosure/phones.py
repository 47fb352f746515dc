"""The index that finds a defender or a partner from a phone number alone.

An output may hold a number without the name of its holder (a contact typed into a report). So the numbers
stored on defenders (their phone, their family's) and partners (their contacts) are indexed by their national
significant number, as a keyed hash (HMAC with the application's secret key): the index finds the holder of a
number written in an output without keeping a readable copy of anyone's number. A number in a text is looked
up in the forms it may have been written in (with a country code, with a trunk zero, or bare).
"""
from __future__ import annotations

import hashlib
import hmac
import re
from typing import Any, Iterable

from flask import current_app
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..languages.i18n import gettext
from ..records.models import SearchToken
from .names import ascii_digits, phone_digits, phones


class IndexOutdated(Exception):
    """The index was made with another secret key: numbers typed alone would not be found, so outputs holding
    numbers are refused until it is rebuilt. The message names the one command that rebuilds every index keyed by
    the secret key (this one and the address index), in the user's language."""

    def __init__(self, what: str = "the phone index was made with another secret key") -> None:
        super().__init__(what)
        self.user_message = outdated_message()


def outdated_message() -> str:
    """One message for both indexes: whichever refuses first, the administrator runs the one command."""
    return gettext("Nothing was sent: the secret key changed after the disclosure guard's address and phone "
                   "indexes were built, so an address or a phone number typed without a name would not be "
                   "found. An administrator must run observatory reindex-addresses on the server (it rebuilds "
                   "both indexes); then try again.")


#: The fields holding phone numbers, per record type.
FIELDS = {"defender": ("phone", "family"), "partner": ("contacts",)}
SUFFIX = ":phone"  # the index's rows are search tokens of the record type "defender:phone"
FINGERPRINT = "phone-index"  # one row saying which key made the index
MIN_DIGITS = 6
LOOKUP_BATCH = 500


def key(national: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, national.encode(), hashlib.sha256).hexdigest()[:40]


def record_keys(record: Any) -> set[str]:
    """The keys of every number stored on ``record`` (a defender or a partner)."""
    region = record.country.alpha2 if getattr(record, "country", None) else None
    return keys_of([getattr(record, field) for field in FIELDS.get(record.__record_type__, ())], region)


def keys_of(values: Iterable[str | None], region: str | None) -> set[str]:
    """The keys of every number written in ``values`` (stored fields of a record of the country ``region``)."""
    found = set()
    for value in values:
        for start, end, _digits in phones(value or ""):
            national = phone_digits(value[start:end], region)
            if len(national) >= MIN_DIGITS:
                found.add(key(national))
    return found


def index(record: Any) -> None:
    """Replace the record's phone keys (after a flush, once it has an id)."""
    if record.__record_type__ not in FIELDS:
        return
    forget(record.__record_type__, record.id)
    rows = [{"record_type": record.__record_type__ + SUFFIX, "record_id": record.id, "token": value}
            for value in record_keys(record)]
    if rows:
        db.session.execute(insert(SearchToken), rows)


def fingerprint() -> str:
    return key("the phone index's fingerprint")


def sign() -> None:
    """Record that the index is made with the current key."""
    db.session.execute(delete(SearchToken).where(SearchToken.record_type == FINGERPRINT))
    db.session.execute(insert(SearchToken), [{"record_type": FINGERPRINT, "record_id": 0, "token": fingerprint()}])


def forget(record_type: str, record_id: int) -> None:
    db.session.execute(delete(SearchToken).where(SearchToken.record_type == record_type + SUFFIX,
                                                 SearchToken.record_id == record_id))


def candidates(written: str) -> set[str]:
    """The national numbers a number written in a text may be: bare, after a trunk zero, after a country code
    of one to three digits (with or without ``+`` or ``00``)."""
    digits = re.sub(r"\D", "", ascii_digits(written))
    digits = digits[2:] if digits.startswith("00") else digits
    after_code = [digits[size:] for size in (1, 2, 3)]  # a national number may begin with 0 (Italy, Côte d'Ivoire)
    found = {digits, digits.lstrip("0"), *after_code, *(number.lstrip("0") for number in after_code)}
    return {number for number in found if len(number) >= MIN_DIGITS}


def holders(texts: Iterable[str]) -> dict[str, set[int]]:
    """The defenders and partners whose stored numbers appear in ``texts``, by record type."""
    keys = sorted({key(number) for text in texts for _s, _e, written in phones(text)
                   for number in candidates(written)})
    found: dict[str, set[int]] = {kind: set() for kind in FIELDS}
    types = [kind + SUFFIX for kind in FIELDS]
    signed = False
    for start in range(0, len(keys), LOOKUP_BATCH):
        rows = db.session.execute(select(SearchToken.record_type, SearchToken.record_id, SearchToken.token).where(
            (SearchToken.record_type.in_(types) & SearchToken.token.in_(keys[start:start + LOOKUP_BATCH]))
            | (SearchToken.record_type == FINGERPRINT)))  # read with the first lookup: no statement more
        for record_type, record_id, token in rows:
            if record_type == FINGERPRINT:
                signed = signed or token == fingerprint()
            else:
                found[record_type.removesuffix(SUFFIX)].add(record_id)
    if keys and not signed:
        raise IndexOutdated()
    return found


def reindex_all(batch: int = 500) -> int:
    """Build the whole index again (after the secret key changed); returns how many records hold a number."""
    from ..records.models import Defender, Partner

    db.session.execute(delete(SearchToken).where(SearchToken.record_type.in_([kind + SUFFIX for kind in FIELDS])))
    indexed = 0
    for model in (Defender, Partner):
        last_id = 0
        while records := db.session.scalars(select(model).where(model.id > last_id).order_by(model.id)
                                            .options(joinedload(model.country)).limit(batch)).all():
            rows = [{"record_type": record.__record_type__ + SUFFIX, "record_id": record.id, "token": value}
                    for record in records for value in record_keys(record)]
            if rows:
                db.session.execute(insert(SearchToken), rows)
            indexed += len({row["record_id"] for row in rows})
            last_id = records[-1].id
            db.session.expunge_all()  # a batch at a time in memory
    sign()
    db.session.commit()
    return indexed
