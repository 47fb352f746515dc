"""What a document sent outside the organisation (an advocacy dossier) may say about missions: their published
report (title, summary, findings) and dates, for missions of a country or concerning chosen records. Never the
security assessment, the delegates' contacts, the budget or a report not yet published."""
from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from core.api import RESTRICTED, Country, DatedLine, RecordSummary, country_name, db, visible
from core.api import gettext as _

from .forms import HEARING_OUTCOMES
from .models import LANGUAGES, Mission, MissionCountry, MissionDefender, MissionRecordLink
from .services import public_title

REPORTED = (Mission.PUBLISHED, Mission.CLOSED)


def mission_summaries(ids: list[int], country: str, related: dict[str, list[int]], user: Any, locale: str,
                      include_restricted: bool, limit: int) -> list[RecordSummary]:
    """Missions whose report is published: chosen ones, those of a country, or those concerning ``related``
    records (``{"case": [ids]}``)."""
    query = select(Mission).where(visible(Mission, user), Mission.status.in_(REPORTED))
    if not include_restricted:
        query = query.where(Mission.confidentiality != RESTRICTED)
    if ids:
        query = query.where(Mission.id.in_(ids))
    elif country:
        query = query.where(Mission.id.in_(select(MissionCountry.mission_id).join(
            Country, Country.id == MissionCountry.country_id).where(Country.alpha3 == country)))
    elif related:
        kind, record_ids = next(iter(related.items()))
        query = query.where(Mission.id.in_(select(MissionRecordLink.owner_id).where(
            MissionRecordLink.record_type == kind, MissionRecordLink.record_id.in_(record_ids))))
    else:
        return []
    missions = db.session.scalars(query.options(
        joinedload(Mission.type), selectinload(Mission.country_links), selectinload(Mission.reports),
        selectinload(Mission.hearings), selectinload(Mission.defender_links).joinedload(MissionDefender.defender))
        .order_by(Mission.start_date.desc().nulls_last(), Mission.id.desc()).limit(limit)).all()
    with force_locale(locale):
        return [_summary(mission, locale, include_restricted) for mission in missions]


def _summary(mission: Mission, locale: str, include_restricted: bool) -> RecordSummary:
    defenders = [link.defender for link in mission.defender_links]
    report = mission.report(locale) or next((mission.report(lang) for lang in LANGUAGES if mission.report(lang)
                                             and mission.report(lang).title.strip()), None)
    kind = getattr(mission.type, f"label_{locale}", "") or mission.type.label_en
    places = ", ".join(country_name(c.alpha2, locale) for c in mission.countries)
    title = report.title if report and report.title.strip() else public_title(mission, locale)
    events = [DatedLine(mission.start_date, _("%(kind)s in %(places)s", kind=kind, places=places))]
    events += [DatedLine(hearing.held_on, _("Hearing observed: %(outcome)s",
                                            outcome=HEARING_OUTCOMES.get(hearing.outcome, hearing.outcome)))
               for hearing in mission.hearings]
    if mission.report_published_on:
        events.append(DatedLine(mission.report_published_on, _("Report published")))
    shown = [d for d in defenders if include_restricted or d.confidentiality != RESTRICTED]
    return RecordSummary(
        "mission", mission.id, title, report.summary if report else "",
        mission.countries[0].alpha3 if mission.countries else "",
        tuple(sorted(events, key=lambda line: (line.when is None, line.when))),
        findings=report.findings if report else "",
        defender_ids=tuple(d.id for d in shown), confidentiality=mission.confidentiality,
        url=url_for("missions.report", mission_id=mission.id))
