"""The interventions' figures for the statistics page and the annual report: interventions published per year,
per region and in the countries with the most, the defenders concerned, the violations, and what happened to
the defenders (outcomes). An intervention is a
case made public (numbered in the year of its first public action).

A defender is counted like any record, for whom may see them: a restricted defender on a case others may see
counts (with their outcomes) only for the staff assigned to them and admins, never in the public report. The
countries' chart nests in the regions' one, and a year's regions in that year of the chart of years, so the
core withholds across them (``Chart.nests_in``)."""
from __future__ import annotations

from typing import Any

from flask_babel import force_locale
from sqlalchemy import extract, func, select

from core.api import REGIONS, RESTRICTED, Chart, Country, Defender, Term, can, country_name, db, visible
from core.api import gettext as _

from . import services
from .forms import ACTS, OUTCOMES, PERPETRATOR_KINDS
from .models import Case, CaseDefender, Development, Outcome, case_violations

YEARS_SHOWN = 10
COUNTRIES_SHOWN = 15


def charts(year: int | None, region: str, user: Any, locale: str) -> list[Chart]:
    if user is not None and not can(services.VIEW, user):
        return []
    seen = visible(Case, user) if user is not None else Case.confidentiality != RESTRICTED
    scope = [seen, Case.year.is_not(None)]
    if region:
        scope.append(Case.country_id.in_(select(Country.id).where(Country.region == region)))
    in_year = [*scope, Case.year == year] if year else scope
    unseen = _unseen_defenders(user)
    with force_locale(locale):
        per_year = db.session.execute(select(Case.year, func.count()).where(*scope).group_by(Case.year)
                                      .order_by(Case.year.desc()).limit(YEARS_SHOWN)).all()
        per_region = dict(db.session.execute(select(Country.region, func.count()).select_from(Case).join(
            Country, Country.id == Case.country_id).where(*in_year).group_by(Country.region)).all())
        label = f"label_{locale}"
        violations = db.session.execute(
            select(getattr(Term, label), Term.label_en, func.count()).select_from(case_violations)
            .join(Term, Term.id == case_violations.c.term_id).join(Case, Case.id == case_violations.c.case_id)
            .where(*in_year).group_by(Term.id, getattr(Term, label), Term.label_en, Term.position)
            .order_by(func.count().desc(), Term.position)).all()
        defenders = dict(db.session.execute(
            select(Country.region, func.count(func.distinct(CaseDefender.defender_id))).select_from(CaseDefender)
            .join(Case, Case.id == CaseDefender.case_id).join(Country, Country.id == Case.country_id)
            .where(*in_year, CaseDefender.defender_id.not_in(unseen)).group_by(Country.region)).all())
        countries = db.session.execute(
            select(Country.alpha2, Country.region, func.count()).select_from(Case)
            .join(Country, Country.id == Case.country_id).where(*in_year).group_by(Country.alpha2, Country.region)
            .order_by(func.count().desc(), Country.alpha2).limit(COUNTRIES_SHOWN)).all()
        outcome_scope = [Outcome.case_id.in_(select(Case.id).where(*scope)),
                         Outcome.defender_id.is_(None) | Outcome.defender_id.not_in(unseen)]
        if year:
            outcome_scope.append(extract("year", Outcome.occurred_on) == year)
        outcomes = dict(db.session.execute(select(Outcome.kind, func.count()).where(*outcome_scope)
                                           .group_by(Outcome.kind)).all())
        # Developments of the cases made public, in the year they happened; the confidential ones only for who
        # may see them (never in the annual report).
        development_scope = [Development.case_id.in_(select(Case.id).where(*scope))]
        if user is None or not services.sees_confidential(user):
            development_scope.append(Development.confidential.is_(False))
        if year:
            development_scope.append(extract("year", Development.occurred_on) == year)
        acts, perpetrators = {}, {}
        for act, perpetrator, count in db.session.execute(
                select(Development.act, Development.perpetrator, func.count()).where(*development_scope)
                .group_by(Development.act, Development.perpetrator)):
            acts[act] = acts.get(act, 0) + count
            perpetrators[perpetrator] = perpetrators.get(perpetrator, 0) + count
        regions = tuple(str(v) for v in REGIONS.values())
        return [
            Chart("interventions_by_year", _("Interventions per year"),
                  tuple(str(row[0]) for row in reversed(per_year)), tuple(row[1] for row in reversed(per_year)),
                  _("Interventions"), order=10),
            Chart("interventions_by_region", _("Interventions per region"), regions,
                  tuple(per_region.get(key, 0) for key in REGIONS), _("Interventions"), order=11,
                  nests_in="interventions_by_year" if year else "", parents=(str(year),) * len(regions) if year else ()),
            Chart("defenders_by_region", _("Defenders concerned, per region"),
                  regions, tuple(defenders.get(key, 0) for key in REGIONS),
                  _("Defenders"), note=_("Each defender counts once, however many interventions concern them."),
                  order=14),
            Chart("interventions_by_country", _("Countries with the most interventions"),
                  tuple(country_name(row[0], locale) for row in countries), tuple(row[2] for row in countries),
                  _("Interventions"), order=15, nests_in="interventions_by_region",
                  parents=tuple(str(REGIONS.get(row[1], "")) for row in countries)),
            Chart("violations", _("Violations"), tuple(row[0] or row[1] for row in violations),
                  tuple(row[2] for row in violations), _("Interventions"),
                  note=_("An intervention may concern several violations."), order=12),
            Chart("outcomes", _("Outcomes for the defenders"), tuple(str(OUTCOMES[k]) for k in Outcome.KINDS),
                  tuple(outcomes.get(k, 0) for k in Outcome.KINDS), _("Outcomes recorded"),
                  note=_("Released, acquitted, sentenced...: as recorded on each case, in the year they happened."),
                  order=13),
            Chart("development_acts", _("Acts against defenders"), tuple(str(ACTS[k]) for k in Development.ACTS),
                  tuple(acts.get(k, 0) for k in Development.ACTS), _("Developments"),
                  note=_("The developments recorded on the cases made public, in the year they happened."),
                  order=16),
            Chart("development_perpetrators", _("Who committed the acts"),
                  tuple(str(PERPETRATOR_KINDS[k]) for k in Development.PERPETRATORS),
                  tuple(perpetrators.get(k, 0) for k in Development.PERPETRATORS), _("Developments"), order=17),
        ]


def _unseen_defenders(user: Any):
    """The defenders ``user`` may not see: restricted ones not assigned to them (with no user, every restricted
    one). Few, so cases' defenders are kept by ``NOT IN`` these rather than by ``IN`` every other defender."""
    restricted = Defender.confidentiality == RESTRICTED
    return select(Defender.id).where(restricted if user is None else restricted & ~visible(Defender, user))
