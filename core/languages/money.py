"""Money: exact decimal amounts typed the user's way, currencies, and conversion at a recorded rate.

Amounts are ``Decimal`` end to end (``Numeric`` columns, never floats); a conversion rounds half up to the
target currency's minor unit (cents, or none for the yen), as accountants do.
"""
from __future__ import annotations

import unicodedata
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale
from babel.numbers import (
    NumberFormatError,
    format_currency,
    get_currency_name,
    get_currency_precision,
    get_territory_currencies,
    parse_decimal,
)
from flask import current_app
from flask_babel import get_locale
from wtforms import Field, StringField

from .i18n import lazy_gettext as _l


def converted(amount: Decimal, rate: Decimal, currency: str) -> Decimal:
    """``amount`` × ``rate``, rounded half up to ``currency``'s minor unit."""
    unit = Decimal(1).scaleb(-get_currency_precision(currency))
    return (Decimal(amount) * Decimal(rate)).quantize(unit, rounding=ROUND_HALF_UP)


def format_money(amount: Decimal | int | None, currency: str) -> str:
    """An amount with its currency, the user's language's way ("€48,550.00", "48 550,00 €"): the ``currency``
    template filter, and every amount put into a message."""
    if amount is None:
        return ""
    return format_currency(amount, currency, locale=get_locale() or "en")


def currency_choices(*keep: str | None) -> list[tuple[str, str]]:
    """The currencies in use today as (code, "code — name in the user's language") pairs: the organisation's
    usual ones first (``USUAL_CURRENCIES``), then the others by name in the language's order. ``keep``: codes a
    record already holds, offered even if withdrawn since (an old mission in French francs stays editable)."""
    locale = str(get_locale() or "en")
    usual = tuple(current_app.config.get("USUAL_CURRENCIES") or ())
    choices = list(_currency_choices(locale, usual, date.today()))
    known = {code for code, _label in choices}
    choices += [(code, _label_of(code, locale)) for code in dict.fromkeys(keep) if code and code not in known]
    return choices


def current_currencies(on: date | None = None) -> set[str]:
    """ISO 4217 currencies legal tender somewhere on ``on`` (today), from CLDR through Babel: no Andorran
    peseta nor Austrian schilling, no funds codes (``USN``, ``CLF``)."""
    territories = Locale("en").territories
    on = on or date.today()
    return {code for territory in territories for code in get_territory_currencies(territory, on, tender=True)}


@lru_cache(maxsize=16)
def _currency_choices(locale: str, usual: tuple[str, ...], today: date) -> tuple[tuple[str, str], ...]:
    """Worked out once per language and day: a hundred and fifty names looked up in the locale data on every
    form cost more than the rest of a page."""
    current = current_currencies(today)
    first = list(usual)
    others = sorted((code for code in current if code not in first),
                    key=lambda code: name_key(get_currency_name(code, locale=locale)))
    return tuple((code, _label_of(code, locale)) for code in first + others)


def _label_of(code: str, locale: str) -> str:
    return f"{code} — {get_currency_name(code, locale=locale)}"


def name_key(text: str) -> tuple[str, str]:
    """Sorts names as a dictionary of the language does, not by code point: accents and case count only
    between names otherwise equal ("dólar" among the d, "Åland" among the a)."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()
    return folded, text


class AmountField(Field):
    """A decimal amount typed the user's way ("1 234,50" in French, "1,234.50" in English), kept exact.
    Parsed strictly: "1234,50" in English is refused, not read as 123,450."""

    widget = StringField.widget

    def __init__(self, label=None, validators=None, places: int = 2, integer_digits: int = 12, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.places, self.integer_digits = places, integer_digits

    def _value(self) -> str:
        return self.raw_data[0] if self.raw_data else ("" if self.data is None else str(self.data))

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = None
        text = (valuelist[0] if valuelist else "").strip().replace("\u202f", " ").replace("\xa0", " ")
        if not text:
            return
        try:
            value = parse_decimal(text.replace(" ", ""), locale=str(get_locale() or "en"), strict=True)
        except NumberFormatError:
            try:
                value = Decimal(text.replace(" ", ""))
            except InvalidOperation:
                raise ValueError(_l("Enter a number, such as 1250.50.")) from None
        if not value.is_finite() or value <= 0:
            raise ValueError(_l("Enter an amount greater than zero."))
        if -value.as_tuple().exponent > self.places:
            raise ValueError(_l("Use at most %(places)d decimals.", places=self.places))
        if value.adjusted() >= self.integer_digits:
            raise ValueError(_l("This number is too large."))
        self.data = value
