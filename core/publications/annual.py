"""The annual report of a year, in English, French or Spanish: the editors' foreword and thematic chapters, the
year in figures (every plugin's charts, public counts only), then each plugin's part of the year — urgent
interventions grouped by region and country with their follow-ups and outcomes, missions and their findings,
advocacy, anonymised assistance.

Plugins give the same :class:`~core.plugin_host.contributions.PublicationItem` entries as for the bulletin (only what may be
published); the statistics are asked for with no user, which leaves restricted records out. A part that a
disabled or failing plugin could not give is named at the top.
"""
from __future__ import annotations

from typing import Any, Callable

from flask_babel import force_locale
from sqlalchemy import select

from ..documents import documents
from ..extensions import db
from ..languages.i18n import gettext as _
from ..plugin_host import gather
from ..plugin_host.contributions import PublicationItem, Section
from ..records.countries import REGIONS
from . import fallback_note, in_some_language, item_blocks, missing_notes, paragraphs, statistics

Progress = Callable[[int, str], None]


def edition(year: int) -> Any:
    """The editors' foreword and chapters for ``year``, if they wrote any."""
    from .models import AnnualReport

    return db.session.scalar(select(AnnualReport).where(AnnualReport.year == year))


def report(year: int, locale: str, progress: Progress | None = None) -> documents.Document:
    """The report of ``year`` in ``locale``; ``progress(percent, message)`` hears how far it got."""
    tell = progress or (lambda percent, message: None)
    shaped = edition(year)
    with force_locale(locale):
        missing: list[gather.MissingPart] = []
        tell(5, _("Gathering the year's records"))
        sections = gather.annual_report_sections(year, locale, missing)
        tell(25, _("Counting the year's figures"))
        failed: list[str] = []
        charts = statistics.charts(None, year, "", locale, failed)
        gather.note_missing(missing, failed)
        tell(30, _("Writing the report"))
        blocks: list[Any] = [documents.Contents(_("Contents"), note=_(
            "The table of contents fills in when the document's fields are updated (your word processor offers "
            "it when opening the file)."))]
        blocks += missing_notes(missing)
        blocks += _editors_part(shaped, locale)
        blocks += _figures(charts)
        for section in sections:
            blocks.append(documents.Heading(str(section.title)))
            blocks += _section_blocks(section, locale)
        if not sections:
            blocks.append(documents.Paragraph(_("Nothing was published in %(year)s.", year=year)))
        return documents.Document(_("Annual report %(year)s", year=year), locale, blocks,
                                  subtitle=_("The Observatory's work for human rights defenders in %(year)s",
                                             year=year),
                                  footer=_("Observatory for the Protection of Human Rights Defenders"),
                                  about=tuple(item.record for section in sections for item in section.items
                                              if getattr(item, "record", None)))


def _editors_part(shaped: Any, locale: str) -> list[Any]:
    """The foreword and the thematic chapters, each in ``locale`` or, marked, in a language it was written in."""
    if shaped is None:
        return []
    blocks: list[Any] = []
    language, text = in_some_language({code: shaped.foreword(code) for code in ("en", "fr", "es")}, locale)
    if text:
        blocks.append(documents.Heading(_("Foreword")))
        blocks += ([fallback_note(language, locale)] if language != locale else []) + paragraphs(text)
    for chapter in shaped.chapters:
        language = next((code for code in (locale, "en", "fr", "es")
                         if any(part.strip() for part in chapter.text(code))), None)
        if language is None:
            continue
        title, body = chapter.text(language)
        blocks.append(documents.Heading(title or _("Analysis")))
        blocks += ([fallback_note(language, locale)] if language != locale else []) + paragraphs(body)
    return blocks


def _figures(charts: list[Any]) -> list[Any]:
    if not charts:
        return []
    blocks: list[Any] = [documents.Heading(_("The year in figures"))]
    for chart in charts:
        blocks.append(documents.Figure(chart, (_("Category"), str(chart.unit) or _("Number"))))
    return blocks


def _section_blocks(section: Section, locale: str) -> list[Any]:
    """A plugin's part: items with a region grouped under it (regions in the report's order), then under their
    country or place, in the plugin's order; items without one (figures) stand on their own."""
    items = [item for item in section.items if isinstance(item, PublicationItem)]
    blocks: list[Any] = []
    for item in (item for item in items if not item.group):
        blocks += item_blocks(item, locale, level=3)
    grouped: dict[str, dict[str, list[PublicationItem]]] = {}
    for item in (item for item in items if item.group):
        grouped.setdefault(item.group, {}).setdefault(item.place, []).append(item)
    ranked = sorted(grouped, key=lambda key: list(REGIONS).index(key) if key in REGIONS else len(REGIONS))
    for region in ranked:
        blocks.append(documents.Heading(str(REGIONS.get(region, region)), 3))
        for place, listed in grouped[region].items():
            if place:
                blocks.append(documents.Heading(place, 4))
            for item in listed:
                blocks += item_blocks(item, locale, level=5, with_place=not place)
    return blocks
