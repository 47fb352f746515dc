"""The mission report and its findings as documents (PDF, DOCX, HTML through the core documents service).

A report is a public output: it holds what the editors wrote, the hearings' outcomes and the guarantees not
respected, the recommendations, and the defenders on trial under their publishable names only. Never the
security assessment, the delegates' contacts or the budget.
"""
from __future__ import annotations

from flask_babel import force_locale

from core.api import RESTRICTED, BulletList, Document, Heading, Paragraph, Table, country_name, format_date
from core.api import gettext as _

from . import services
from .forms import ADDRESSEES, ANSWERS, HEARING_OUTCOMES, RECOMMENDATION_STATUSES
from .models import Mission


def _paragraphs(text: str) -> list[Paragraph]:
    return [Paragraph(part.strip()) for part in text.replace("\r\n", "\n").split("\n\n") if part.strip()]


def _subtitle(mission: Mission, language: str) -> str:
    countries = ", ".join(country_name(country.alpha2, language) for country in mission.countries)
    kind = getattr(mission.type, f"label_{language}", "") or mission.type.label_en
    dates = ""
    if mission.start_date:
        dates = format_date(mission.start_date, "long")
        if mission.end_date and mission.end_date != mission.start_date:
            dates += " – " + format_date(mission.end_date, "long")
    return " · ".join(part for part in (kind, countries, dates) if part)


def report_document(mission: Mission, language: str, findings_only: bool = False) -> Document:
    """The report in ``language`` (its fixed wording in that language too); ``findings_only`` keeps the
    findings, the fair-trial summary and the recommendations."""
    text = mission.report(language)
    with force_locale(language):
        blocks: list = []
        if text is not None and text.summary.strip() and not findings_only:
            blocks += [Heading(_("Summary")), *_paragraphs(text.summary)]
        if text is not None and text.findings.strip():
            blocks += [Heading(_("Findings")), *_paragraphs(text.findings)]
        if mission.is_trial_observation:
            blocks += _trial_blocks(mission)
        if mission.recommendations:
            blocks.append(Heading(_("Recommendations")))
            blocks.append(Table(
                (_("Recommendation"), _("Addressed to"), _("Implementation")),
                tuple((r.text, f"{ADDRESSEES[r.addressee_kind]}{': ' + r.addressee if r.addressee else ''}",
                       str(RECOMMENDATION_STATUSES[r.status])) for r in mission.recommendations)))
        title = text.title if text is not None and text.title.strip() else mission.type.label_en
        if findings_only:
            title = _("Findings: %(title)s", title=title)
        published = format_date(mission.report_published_on, "long") if mission.report_published_on else ""
        return Document(title, language, blocks, subtitle=_subtitle(mission, language),
                        footer=_("Published on %(date)s", date=published) if published else "")


def _trial_blocks(mission: Mission) -> list:
    blocks: list = [Heading(_("The trial"))]
    facts = [(_("Court"), mission.court), (_("Case number at the court"), mission.court_case_number),
             (_("Charges"), mission.charges)]
    blocks += [Paragraph(f"{label}: {value}") for label, value in facts if value.strip()]
    on_trial = [link.defender.name for link in mission.defender_links  # never a restricted defender; names as
                if link.on_trial and link.defender.confidentiality != RESTRICTED]  # they are (the guard masks)
    if on_trial:
        blocks.append(Paragraph(_("Defendants: %(names)s", names=", ".join(on_trial))))
    if mission.hearings:
        blocks.append(Table((_("Hearing"), _("Outcome"), _("Details")), tuple(
            (format_date(h.held_on, "long"), str(HEARING_OUTCOMES[h.outcome]), h.outcome_details)
            for h in mission.hearings)))
    breaches = services.breaches(mission)
    if breaches:
        blocks.append(Heading(_("Fair-trial guarantees not respected"), level=3))
        blocks.append(BulletList(tuple(
            _("%(guarantee)s: %(answer)s at %(count)d of %(total)d hearings", guarantee=b.guarantee.label,
              answer=str(ANSWERS["not_respected"]).lower(), count=len(b.hearings), total=len(mission.hearings))
            for b in breaches)))
    return blocks
