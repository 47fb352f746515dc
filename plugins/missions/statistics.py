"""The missions' figures for the statistics page and the annual report: missions carried out, per type."""
from __future__ import annotations

from typing import Any

from flask_babel import force_locale
from sqlalchemy import and_, extract, func, select

from core.api import RESTRICTED, Chart, Country, Term, can, db, visible
from core.api import gettext as _

from . import services
from .models import Mission, MissionCountry

CARRIED_OUT = (Mission.IN_FIELD, Mission.DRAFTING, Mission.PUBLISHED, Mission.CLOSED)


def charts(year: int | None, region: str, user: Any, locale: str) -> list[Chart]:
    if user is not None and not can(services.VIEW, user):
        return []
    scope = [visible(Mission, user) if user is not None else Mission.confidentiality != RESTRICTED,
             Mission.status.in_(CARRIED_OUT)]
    if year:
        scope.append(extract("year", Mission.start_date) == year)
    if region:
        scope.append(Mission.id.in_(select(MissionCountry.mission_id).join(
            Country, Country.id == MissionCountry.country_id).where(Country.region == region)))
    label = getattr(Term, f"label_{locale}")
    with force_locale(locale):
        rows = db.session.execute(select(label, Term.label_en, func.count(Mission.id)).select_from(Term).outerjoin(
            Mission, and_(Mission.type_id == Term.id, *scope))
            .where(Term.vocabulary == services.MISSION_TYPES).group_by(Term.id, label, Term.label_en, Term.position)
            .order_by(Term.position, Term.key)).all()
        return [Chart("missions_by_type", _("Missions carried out, per type"), tuple(r[0] or r[1] for r in rows),
                      tuple(r[2] for r in rows), _("Missions"), order=20)]
