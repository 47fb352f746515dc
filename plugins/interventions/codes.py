"""Reference codes of public actions: ``CCC NNN / MMYY / OBS NNN`` and ``.1``, ``.2`` for follow-ups.

- ``CCC``: the country's ISO alpha-3 code; ``NNN``: the case's number among that country's cases of the year;
- ``MMYY``: month and year of the case's first public action;
- ``OBS NNN``: the Observatory's running number in that year (both numbers start again at 1 each year);
- a case's later public actions keep its code and add ``.1``, ``.2``...

Numbers are taken inside the publishing transaction (see :func:`next_number`), so a publication that fails
gives its number back, and two people publishing at the same moment never get the same one.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects import postgresql, sqlite

from core.api import db

from .models import Case, Counter


def format_code(alpha3: str, country_number: int, first_issued: str, obs_number: int, sequence: int = 0) -> str:
    code = f"{alpha3} {country_number:03d} / {first_issued} / OBS {obs_number:03d}"
    return f"{code}.{sequence}" if sequence else code


def month_year(moment: datetime) -> str:
    return f"{moment.month:02d}{moment.year % 100:02d}"


def next_number(scope: str) -> int:
    """The next number of ``scope``, atomically: ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``.

    The row stays locked until the transaction ends, so a concurrent publisher waits and then reads the
    incremented value; a rolled-back transaction leaves no gap.
    """
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(Counter).values(scope=scope, value=1)
    statement = statement.on_conflict_do_update(index_elements=[Counter.scope],
                                                set_={"value": Counter.value + 1}).returning(Counter.value)
    return db.session.execute(statement).scalar_one()


def number_case(case: Case, moment: datetime) -> None:
    """Give ``case`` its year, Observatory number and country number (once: the caller holds its row lock)."""
    if case.obs_number is not None:
        return
    case.year = moment.year
    case.first_issued = month_year(moment)
    case.obs_number = next_number(f"obs:{moment.year}")
    case.country_number = next_number(f"country:{moment.year}:{case.country.alpha3}")


def code_for(case: Case, sequence: int) -> str:
    return format_code(case.country.alpha3, case.country_number, case.first_issued, case.obs_number, sequence)
