"""What missions give the monthly bulletin and the annual report: missions carried out and reports published,
of missions that are not restricted. A mission's internal title may name people, so publications print its
type and countries, and the report's own (published) title and summary, in the requested language or, failing
that, another one marked as such.

Items are :class:`~core.plugin_host.contributions.PublicationItem` entries::

    PublicationItem("mission:7", "A trial without guarantees", "The hearing was closed...", when=date(2026, 3, 4),
                    place="Türkiye", group="europe_central_asia", kind="Trial observation",
                    details=("4 March 2026 – 6 March 2026", "Report published: 20 March 2026"), language="fr")
"""
from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import force_locale
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload, selectinload

from core.api import RESTRICTED, PublicationItem, Section, country_name, db, format_date
from core.api import gettext as _

from .models import LANGUAGES, Mission
from .services import public_title

CARRIED_OUT = (Mission.IN_FIELD, Mission.DRAFTING, Mission.PUBLISHED, Mission.CLOSED)
REPORTED = (Mission.PUBLISHED, Mission.CLOSED)


def _report_text(mission: Mission, locale: str) -> tuple[str, str, str, bool]:
    """(title, summary, language, fallback) of the published report, if the mission has one."""
    if mission.status not in REPORTED:
        return "", "", locale, False
    for language in (locale, *[lang for lang in LANGUAGES if lang != locale]):
        text = mission.report(language)
        if text is not None and text.title.strip():
            return text.title, text.summary, language, language != locale
    return "", "", locale, False


def _item(mission: Mission, locale: str) -> PublicationItem:
    title, summary, language, fallback = _report_text(mission, locale)
    kind = getattr(mission.type, f"label_{locale}", "") or mission.type.label_en
    places = ", ".join(country_name(c.alpha2, locale) for c in mission.countries)
    dates = " – ".join(format_date(day, "long") for day in dict.fromkeys((mission.start_date, mission.end_date))
                       if day)
    details = tuple(filter(None, (dates, _("Report published: %(day)s", day=format_date(
        mission.report_published_on, "long")) if mission.report_published_on and title else "")))
    return PublicationItem(f"mission:{mission.id}", title or public_title(mission, locale), summary, when=mission.start_date,
                           record=(Mission.__record_type__, mission.id),
                           place=places, group=mission.countries[0].region or "" if mission.countries else "",
                           kind=kind, details=details, language=language, fallback=fallback)


def _missions(condition: Any) -> list[Mission]:
    return list(db.session.scalars(select(Mission).where(Mission.confidentiality != RESTRICTED, condition).options(
        joinedload(Mission.type), selectinload(Mission.country_links), selectinload(Mission.reports))
        .order_by(Mission.start_date, Mission.id)))


def bulletin_sections(year: int, month: int, locale: str) -> list[Section]:
    first = date(year, month, 1)
    after = date(year + (month == 12), month % 12 + 1, 1)
    in_month = lambda column: and_(column >= first, column < after)  # noqa: E731
    carried_out = _missions(and_(Mission.status.in_(CARRIED_OUT), or_(
        in_month(Mission.start_date), in_month(Mission.end_date),
        and_(Mission.start_date < first, Mission.end_date >= after))))
    published = _missions(and_(Mission.status.in_(REPORTED), in_month(Mission.report_published_on)))
    with force_locale(locale):
        sections = []
        if carried_out:
            sections.append(Section("missions", _("Missions"), tuple(_item(m, locale) for m in carried_out), order=20))
        if published:
            sections.append(Section("mission_reports", _("Mission reports published"),
                                    tuple(_item(m, locale) for m in published), order=21))
        return sections


def annual_report_sections(year: int, locale: str) -> list[Section]:
    """The year's missions (by first day) that took place, with their published findings."""
    missions = _missions(and_(Mission.status.in_(CARRIED_OUT), Mission.start_date >= date(year, 1, 1),
                              Mission.start_date < date(year + 1, 1, 1)))
    with force_locale(locale):
        items = tuple(_item(mission, locale) for mission in missions)
        return [Section("missions", _("Missions"), items, order=20)] if items else []
