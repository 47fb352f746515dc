"""Advocacy's figures for the statistics page and the annual report: actions sent, per mechanism."""
from __future__ import annotations

from typing import Any

from flask_babel import force_locale
from sqlalchemy import and_, extract, func, select

from core.api import RESTRICTED, Chart, Country, can, db, visible
from core.api import gettext as _

from . import services
from .models import AdvocacyAction, Mechanism


def charts(year: int | None, region: str, user: Any, locale: str) -> list[Chart]:
    """Actions sent in ``year`` per mechanism; for the public report (no user), only those made public."""
    if user is not None and not can(services.VIEW, user):
        return []
    scope = [AdvocacyAction.sent_on.is_not(None)]
    scope += [visible(AdvocacyAction, user)] if user is not None else [
        AdvocacyAction.confidentiality != RESTRICTED, AdvocacyAction.made_public_on.is_not(None)]
    if year:
        scope.append(extract("year", AdvocacyAction.sent_on) == year)
    if region:
        scope.append(AdvocacyAction.country_id.in_(select(Country.id).where(Country.region == region)))
    rows = db.session.execute(select(Mechanism, func.count(AdvocacyAction.id)).outerjoin(
        AdvocacyAction, and_(AdvocacyAction.mechanism_id == Mechanism.id, *scope)).group_by(Mechanism.id)
        .order_by(Mechanism.position, Mechanism.id)).all()
    rows = [(mechanism, count) for mechanism, count in rows if count or mechanism.active]
    with force_locale(locale):
        return [Chart("advocacy_by_mechanism", _("Advocacy actions sent, per mechanism"),
                      tuple(m.abbreviation or m.name_in(locale) for m, _count in rows),
                      tuple(count for _m, count in rows), _("Actions"), order=40,
                      note=_("Mechanisms by their abbreviations; the catalogue gives their full names."))]
