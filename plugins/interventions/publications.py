"""What the interventions give the monthly bulletin and the annual report: public actions only, of cases
that are not restricted, with the texts' own (consent-checked) wording, in the requested language or,
failing that, another one marked as such.

Items are :class:`~core.plugin_host.contributions.PublicationItem` entries, one per public action in the bulletin, one per
case in the annual report (its first public action and the first paragraph of its text, with its follow-ups and
outcomes as detail lines)::

    PublicationItem("case-action:12", "Türkiye: detention of A. K.", when=date(2026, 3, 4),
                    reference="TUR 001 / 0326 / OBS 012", place="Türkiye", group="europe_central_asia",
                    kind="Urgent appeal", language="fr", fallback=False)
"""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone
from typing import Any, Iterator

from flask_babel import force_locale
from sqlalchemy import and_, select
from sqlalchemy import case as sql_case
from sqlalchemy.orm import joinedload, selectinload

from core.api import REGIONS, RESTRICTED, Country, PublicationItem, Section, country_name, db, format_date
from core.api import gettext as _

from .forms import ACTION_TYPES, ACTS, OUTCOMES
from .models import LANGUAGES, Action, Case, Development

BATCH = 500
EXCERPT = 500


def _text(action: Action, locale: str) -> tuple[str, str, bool]:
    """(title, language, fallback): the title in ``locale`` or, marked, in the first language it has."""
    if action.title(locale).strip():
        return action.title(locale), locale, False
    for language in LANGUAGES:
        if action.title(language).strip():
            return action.title(language), language, True
    return "", locale, True


def _item(action: Action, locale: str, details: tuple[str, ...] = ()) -> PublicationItem:
    title, language, fallback = _text(action, locale)
    case = action.case
    return PublicationItem(f"case-action:{action.id}", title, record=(Case.__record_type__, case.id),
                           when=action.published_at.date() if action.published_at else None,
                           reference=action.reference or "", place=country_name(case.country.alpha2, locale),
                           group=case.country.region or "", kind=str(ACTION_TYPES[action.type]), details=details,
                           language=language, fallback=fallback)


def _day(value) -> str:
    return format_date(value, "long") if value else ""


def _public() -> Any:
    return and_(Action.status == Action.PUBLISHED, Action.type.not_in(Action.PRIVATE_TYPES),
                Case.confidentiality != RESTRICTED)


def bulletin_sections(year: int, month: int, locale: str) -> list[Section]:
    start = datetime(year, month, 1, tzinfo=timezone.utc)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=timezone.utc)
    actions = db.session.scalars(select(Action).join(Case).where(
        _public(), Action.published_at >= start, Action.published_at < end)
        .options(joinedload(Action.case).joinedload(Case.country)).order_by(Action.published_at, Action.id))
    with force_locale(locale):  # labels (action types, outcomes) in the publication's language
        items = tuple(_item(action, locale) for action in actions)
        sections = [Section("interventions", _("Urgent interventions"), items, order=10)] if items else []
        developments = tuple(_developments(start.date(), end.date(), locale))
        if developments:
            sections.append(Section("interventions_developments", _("New developments in the cases"),
                                    developments, order=11))
        return sections


def _developments(start, end, locale: str) -> Iterator[PublicationItem]:
    """The month's developments of the cases made public (not restricted), never the confidential ones nor their
    sources: each under the case's publishable title (its first public action's) and reference code."""
    developments = db.session.scalars(select(Development).join(Case, Case.id == Development.case_id).where(
        Development.occurred_on >= start, Development.occurred_on < end, Development.confidential.is_(False),
        Case.confidentiality != RESTRICTED, Case.obs_number.is_not(None))
        .options(joinedload(Development.case).joinedload(Case.country),
                 joinedload(Development.case).selectinload(Case.actions))
        .order_by(Development.occurred_on, Development.id)).unique()
    for development in developments:
        case = development.case
        public = sorted((action for action in case.actions if action.status == Action.PUBLISHED and action.public),
                        key=lambda action: (action.sequence or 0, action.id))
        if not public:
            continue
        title, language, fallback = _text(public[0], locale)
        place = country_name(case.country.alpha2, locale)
        yield PublicationItem(f"case-development:{development.id}", title, text=development.what,
                              when=development.occurred_on, reference=case.reference or "",
                              place=f"{development.place}, {place}" if development.place else place,
                              group=case.country.region or "", kind=str(ACTS[development.act]),
                              language=language, fallback=fallback, record=(Case.__record_type__, case.id))


def annual_report_sections(year: int, locale: str) -> list[Section]:
    """Cases first published in ``year``, by region then country, each with its follow-ups and outcomes."""
    with force_locale(locale):
        items = tuple(_annual_items(year, locale))
        return [Section("interventions", _("Urgent interventions"), items, order=10)] if items else []


def _annual_items(year: int, locale: str) -> Iterator[PublicationItem]:
    """In report order (region, then country code, then number), a batch of cases in memory at a time."""
    region_rank = sql_case({key: rank for rank, key in enumerate(REGIONS)}, value=Country.region, else_=len(REGIONS))
    ids = list(db.session.scalars(select(Case.id).join(Country, Country.id == Case.country_id).where(
        Case.year == year, Case.confidentiality != RESTRICTED).order_by(region_rank, Country.alpha3, Case.obs_number)))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        cases = {c.id: c for c in db.session.scalars(select(Case).where(Case.id.in_(chunk)).options(
            joinedload(Case.country), selectinload(Case.actions), selectinload(Case.outcomes)))}
        for case_id in chunk:
            item = _case_item(cases[case_id], locale)
            if item is not None:
                yield item
        for loaded in cases.values():
            db.session.expunge(loaded)


def _case_item(case: Case, locale: str) -> PublicationItem | None:
    public = [action for action in case.actions
              if action.status == Action.PUBLISHED and action.type not in Action.PRIVATE_TYPES]
    if not public:
        return None
    first, *later = sorted(public, key=lambda action: (action.sequence or 0, action.id))
    details = [_("%(reference)s, %(day)s: %(title)s", reference=follow.reference or "", day=_day(
        follow.published_at.date() if follow.published_at else None), title=_text(follow, locale)[0])
        for follow in later]
    details += [_("%(outcome)s, %(day)s", outcome=OUTCOMES[outcome.kind], day=_day(outcome.occurred_on))
                for outcome in case.outcomes]
    item = _item(first, locale, tuple(details))
    return replace(item, text=excerpt(getattr(first, f"body_{item.language}", "") or ""))


def excerpt(text: str, limit: int = EXCERPT) -> str:
    """The first paragraph of a published appeal, cut at a word before ``limit`` characters: the annual report
    says what happened, the appeal itself stays the place for the whole text."""
    first = text.strip().split("\n\n", 1)[0].strip()
    if len(first) <= limit:
        return first
    return first[:limit].rsplit(" ", 1)[0].rstrip(",;:") + " …"

