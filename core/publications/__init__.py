"""Publications built from every plugin's contributions: the monthly bulletin of the actions of a month (here),
the annual report (:mod:`.annual`), and their background and scheduled builds (:mod:`.jobs`), in English,
French or Spanish, as a page, a self-contained HTML file to send, PDF and DOCX; the statistics every plugin
contributes, as charts and CSV (:mod:`.statistics`); and the pages of all three (:mod:`.views`,
:mod:`.annual_views`, :mod:`.statistics_views`).

Plugins give :class:`~core.plugin_host.contributions.PublicationItem` entries through ``observatory_bulletin_sections``
and ``observatory_annual_report_sections``, holding only what may be published; an item whose text is not in
the requested language is shown in another one, and marked as such; a part a disabled or failing plugin could
not give is named at the top.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Any

from babel import Locale
from flask_babel import force_locale
from sqlalchemy import select

from ..documents import documents
from ..extensions import db
from ..languages.i18n import format_date
from ..languages.i18n import gettext as _
from ..plugin_host import gather
from ..plugin_host.contributions import PublicationItem
from . import statistics


def previous_month(today: date) -> tuple[int, int]:
    return (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)


def language_name(code: str, locale: str) -> str:
    try:
        return Locale.parse(code).get_display_name(locale) or code
    except (ValueError, TypeError):
        return code


def edition(year: int, month: int) -> Any:
    """The editors' choices for the month's bulletin, if they made any."""
    from .models import Bulletin

    return db.session.scalar(select(Bulletin).where(Bulletin.year == year, Bulletin.month == month))


def arranged(sections: list[Any], shaped: Any, keep_dropped: bool = False) -> list[tuple[Any, list[PublicationItem]]]:
    """Each section with its items in the editors' order (items they did not place keep theirs, after), without
    the dropped ones unless ``keep_dropped``."""
    order = {key: index for index, key in enumerate(shaped.item_order or [])} if shaped else {}
    dropped = set(shaped.dropped or []) if shaped else set()
    result = []
    for section in sections:
        items = [item for item in section.items if isinstance(item, PublicationItem)
                 and (keep_dropped or item.key not in dropped)]
        items.sort(key=lambda item: order.get(item.key, len(order)))
        if items:
            result.append((section, items))
    return result


def bulletin(year: int, month: int, locale: str) -> documents.Document:
    """The bulletin of ``month``/``year`` in ``locale``: the editors' introduction, then each plugin's section,
    each item with its kind, place, date and reference, its text, and its detail lines."""
    shaped = edition(year, month)
    with force_locale(locale):
        missing: list[gather.MissingPart] = []
        sections = gather.bulletin_sections(year, month, locale, missing)
        period = format_date(date(year, month, 1), "month")
        blocks: list[Any] = missing_notes(missing) + _introduction(shaped, locale)
        about: list[tuple[str, int]] = []
        for section, items in arranged(sections, shaped):
            blocks.append(documents.Heading(str(section.title)))
            for item in items:
                blocks += item_blocks(item, locale)
                about += [item.record] if item.record else []
        if not any(isinstance(block, documents.Heading) for block in blocks):
            blocks.append(documents.Paragraph(_("Nothing was published in %(period)s.", period=period)))
        return documents.Document(_("Monthly bulletin — %(period)s", period=period), locale, blocks,
                                  subtitle=_("The Observatory's actions in %(period)s", period=period),
                                  footer=_("Observatory for the Protection of Human Rights Defenders"),
                                  about=tuple(about))


def missing_notes(missing: list[gather.MissingPart]) -> list[Any]:
    """What a publication lacks, said at its top (for the editors: a disabled or failing plugin's part)."""
    notes = []
    for part in missing:
        if part.reason == part.DISABLED:
            notes.append(_("Incomplete: the part from “%(plugin)s” is missing because that plugin is disabled.",
                           plugin=part.title))
        else:
            notes.append(_("Incomplete: the part from “%(plugin)s” is missing because it failed while this was "
                           "built; an administrator can read the error on the plugins page.", plugin=part.title))
    return [documents.Paragraph(note, emphasis=True) for note in notes]


def _introduction(shaped: Any, locale: str) -> list[Any]:
    """The editors' introduction in ``locale`` or, marked, in the first language it was written in."""
    if shaped is None:
        return []
    language, text = in_some_language({code: shaped.introduction(code) for code in ("en", "fr", "es")}, locale)
    if not text:
        return []
    return ([fallback_note(language, locale)] if language != locale else []) + paragraphs(text)


def paragraphs(text: str) -> list[Any]:
    """Editors' text, one paragraph per blank-line-separated block."""
    return [documents.Paragraph(part.strip()) for part in re.split(r"\n\s*\n", text) if part.strip()]


def item_blocks(item: PublicationItem, locale: str, level: int = 3, with_place: bool = True) -> list[Any]:
    """An item as a heading (its title) and its facts, fallback mark, text and detail lines."""
    facts = " · ".join(part for part in (item.kind, item.place if with_place else "",
                                         format_date(item.when, "long") if item.when else "", item.reference)
                       if part)
    blocks: list[Any] = [documents.Heading(item.title or item.kind, level)]
    if facts:
        blocks.append(documents.Paragraph(facts, emphasis=True))
    if item.fallback:
        blocks.append(fallback_note(item.language, locale))
    if item.text:
        blocks.append(documents.Paragraph(item.text))
    if item.details:
        blocks.append(documents.BulletList(tuple(item.details)))
    if item.figures is not None:  # counts published: their small ones withheld, as in every figure
        shown = statistics.withheld(item.figures, locale)
        blocks.append(documents.BulletList(tuple(_("%(category)s: %(count)s", category=category, count=value)
                                                 for category, value in shown.figures if value)))
    return blocks


def fallback_note(language: str, locale: str) -> documents.Paragraph:
    return documents.Paragraph(_("[Not available in this language: shown in %(language)s.]",
                                 language=language_name(language, locale)), emphasis=True)


def in_some_language(texts: dict[str, str], locale: str) -> tuple[str, str]:
    """(language, text): the text in ``locale`` or else in the first language that has one ("" if none)."""
    for language in (locale, "en", "fr", "es"):
        if (texts.get(language) or "").strip():
            return language, texts[language]
    return locale, ""
