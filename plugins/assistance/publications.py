"""What material assistance gives the annual report: anonymised counts of grants approved in the year, by grant
type and by region. Never a name, a place, a date or an amount per person. The monthly bulletin carries no
counts (the core publishes figures once a year: month by month they would give withheld counts back).

Items are two :class:`~core.plugin_host.contributions.PublicationItem` entries, the counts per type and per region, as
figures (the core withholds the small ones, "fewer than 5", as in every published figure)::

    PublicationItem("assistance:types", "Grants approved, per type",
                    figures=Chart("assistance_types", "Grants approved, per type", ("Legal fees", ...), (7, ...)))

The region is that of the beneficiary's country; grants whose beneficiary has no country count under
"—". A count is given only per type and per region separately (never crossed), so a small number cannot
single a person out by type and region at once.
"""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone
from typing import Any

from flask_babel import force_locale
from sqlalchemy import select, true

from core.api import REGIONS, Chart, Country, Defender, PublicationItem, Section, Term, db
from core.api import gettext as _

from .models import Decision, GrantRequest
from .services import visible_requests


def _approved_between(start: datetime, end: datetime, user: Any = None) -> list[tuple[str, str, str, str, str | None]]:
    """(type key, label en, fr, es, region) of each grant whose approval in force was decided in the period (of
    the requests ``user`` may see, when given)."""
    latest = select(Decision.request_id, Decision.outcome, Decision.decided_at).order_by(Decision.id)
    decisions: dict[int, tuple[str, datetime]] = {}
    for row in db.session.execute(latest.join(GrantRequest, GrantRequest.id == Decision.request_id).where(
            GrantRequest.status.in_((GrantRequest.APPROVED, GrantRequest.CLOSED)))):
        decisions[row.request_id] = (row.outcome, row.decided_at)  # the last one wins
    ids = [rid for rid, (outcome, at) in decisions.items() if outcome == Decision.APPROVED and start <= at < end]
    if not ids:
        return []
    return db.session.execute(select(Term.key, Term.label_en, Term.label_fr, Term.label_es, Country.region)
                              .select_from(GrantRequest).join(Term, Term.id == GrantRequest.grant_type_id)
                              .join(Defender, Defender.id == GrantRequest.defender_id)
                              .outerjoin(Country, Country.id == Defender.country_id)
                              .where(GrantRequest.id.in_(ids),
                                     visible_requests(user) if user is not None else true())).all()


def _sections(rows, locale: str) -> list[Section]:
    if not rows:
        return []
    by_type = Counter(getattr(row, f"label_{locale}", None) or row.label_en for row in rows)
    by_region = Counter(str(REGIONS[row.region]) if row.region in REGIONS else "—" for row in rows)
    items = tuple(PublicationItem(f"assistance:{key}", title, figures=Chart(
                      f"assistance_{key}", title, tuple(sorted(counts)), tuple(counts[label] for label in sorted(counts))),
                      language=locale)
                  for key, title, counts in (("types", _("Grants approved, per type"), by_type),
                                             ("regions", _("Grants approved, per region"), by_region)))
    return [Section("assistance", _("Material assistance (grants approved, anonymised)"), items, order=40)]


def statistics(year: int | None, region: str, locale: str, user: Any = None) -> list[Chart]:
    """The same anonymised counts as the annual report, as charts: grants approved in ``year`` (or ever), by
    type and by region, for a region or all; for a ``user``, only the requests they may see."""
    start = datetime(year or 1900, 1, 1, tzinfo=timezone.utc)
    end = datetime(year + 1, 1, 1, tzinfo=timezone.utc) if year else datetime(9999, 1, 1, tzinfo=timezone.utc)
    rows = [row for row in _approved_between(start, end, user) if not region or row.region == region]
    types = db.session.execute(select(Term.key, Term.label_en, Term.label_fr, Term.label_es).where(
        Term.vocabulary == "grant_types").order_by(Term.position, Term.key)).all()
    with force_locale(locale):
        by_type = Counter(row.key for row in rows)
        by_region = Counter(row.region if row.region in REGIONS else None for row in rows)
        note = _("Anonymised: counted by type and by region separately, never crossed.")
        # Grants without a region count under "—", as in the report: left out, their number would be the
        # difference between the two charts' totals.
        regions = [*REGIONS, *([None] if by_region.get(None) else [])]
        return [Chart("assistance_by_type", _("Grants approved, per type"),
                      tuple(getattr(t, f"label_{locale}", None) or t.label_en for t in types),
                      tuple(by_type.get(t.key, 0) for t in types), _("Grants"), note=note, order=30),
                Chart("assistance_by_region", _("Grants approved, per region"),
                      tuple(str(REGIONS[key]) if key else "—" for key in regions),
                      tuple(by_region.get(key, 0) for key in regions), _("Grants"), note=note, order=31)]


def annual_report_sections(year: int, locale: str) -> list[Section]:
    with force_locale(locale):
        return _sections(_approved_between(datetime(year, 1, 1, tzinfo=timezone.utc),
                                           datetime(year + 1, 1, 1, tzinfo=timezone.utc)), locale)
