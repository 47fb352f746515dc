"""Collects what the plugins contribute through hooks and keeps only what the user may see."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timezone
from typing import Any, Iterable, TypeVar

from ..web.permissions import ADMIN, the_user, user_permissions
from .contributions import (
    RESTRICTED,
    DatedItem,
    NavItem,
    RecordSummary,
    SearchHit,
    Section,
    TimelineEntry,
    WaitingItem,
    Widget,
)
from .plugins import DISABLED, FAILED, host

T = TypeVar("T")


@dataclass(frozen=True)
class MissingPart:
    """A plugin whose part of a publication is missing, and why (``disabled`` or ``failed``)."""

    DISABLED, FAILED = "disabled", "failed"

    plugin: str
    title: str
    reason: str

SEARCH_LIMIT_PER_PLUGIN = 10


def _visible(items: Iterable[T], user: Any) -> list[T]:
    """Drop items whose permission the user lacks.

    Plugins filter restricted records by assignment themselves (they know who is assigned); as a
    second line of defence a restricted item the plugin let through still needs a permission.
    """
    user = the_user(user)
    if not getattr(user, "is_authenticated", False):
        return []
    kept, held = [], user_permissions(user)  # the user's permissions, looked up once for all the items
    for item in items:
        permission = getattr(item, "permission", None)
        if permission is not None and permission not in held:
            continue
        if getattr(item, "confidentiality", None) == RESTRICTED and permission is None and ADMIN not in user.role_names:
            continue
        kept.append(item)
    return kept


def _moment(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    return datetime.combine(value, time.min, tzinfo=timezone.utc)


def nav_items(user: Any) -> list[NavItem]:
    user = the_user(user)  # the hooks read it many times
    items = [i for i in host().collect("observatory_nav_items") if isinstance(i, NavItem)]
    return sorted(_visible(items, user), key=lambda item: (item.order, str(item.label)))


def dashboard_widgets(user: Any) -> list[Widget]:
    return dashboard(user)[0]


def dashboard(user: Any) -> tuple[list[Widget], list[WaitingItem]]:
    """The dashboard's panels, and what waits for ``user`` (their *Waiting for me* list, oldest first), from one
    call of the widgets hook: a plugin reads both in the statements it reads anyway."""
    user = the_user(user)  # the hooks read it many times
    found = host().collect("observatory_dashboard_widgets", user=user)
    widgets = sorted(_visible([i for i in found if isinstance(i, Widget)], user),
                     key=lambda item: (item.order, str(item.title)))
    waiting = sorted(_visible([i for i in found if isinstance(i, WaitingItem)], user),
                     key=lambda item: (item.when is None, _moment(item.when or date.min), str(item.label),
                                       str(item.title)))
    return widgets, waiting


def more_waiting(items: list[WaitingItem], rows: int) -> list[tuple[Any, str]]:
    """(label, address) of each kind of waiting item a plugin returned ``rows`` of: its list holds the rest."""
    counts = Counter(item.kind for item in items)
    more: dict[str, tuple[Any, str]] = {}
    for item in items:
        if item.more_url and counts[item.kind] >= rows and item.kind not in more:
            more[item.kind] = (item.label, item.more_url)
    return list(more.values())


def search(query: str, user: Any) -> list[SearchHit]:
    user = the_user(user)  # the hooks read it many times
    hits = host().collect("observatory_search", query=query, user=user, limit=SEARCH_LIMIT_PER_PLUGIN)
    hits = [h for h in hits if isinstance(h, SearchHit)]
    return sorted(_visible(hits, user), key=lambda hit: (-hit.score, str(hit.title)))


def more_results(hits: list[SearchHit]) -> list[tuple[Any, str]]:
    """(kind, address) of each kind of record that filled its share of the search: its plugin's list, searching
    the same words, holds the rest."""
    counts = Counter(str(hit.kind) for hit in hits)
    more: dict[str, tuple[Any, str]] = {}
    for hit in hits:
        key = str(hit.kind)
        if hit.more_url and counts[key] >= SEARCH_LIMIT_PER_PLUGIN and key not in more:
            more[key] = (hit.kind, hit.more_url)
    return list(more.values())


def defender_timeline(defender_id: int, user: Any) -> list[TimelineEntry]:
    """Every plugin's steps about the defender that ``user`` may see, newest first, in true order."""
    user = the_user(user)  # the hooks read it many times
    entries = host().collect("observatory_defender_timeline", defender_id=defender_id, user=user)
    entries = [e for e in entries if isinstance(e, TimelineEntry)]
    return in_true_order(_visible(entries, user))


def timeline_kinds(entries: Iterable[TimelineEntry]) -> list[tuple[str, str]]:
    """(kind, label) of the kinds of step among ``entries``, by label: the choices of a timeline's filter."""
    kinds: dict[str, str] = {}
    for entry in entries:
        kinds.setdefault(entry.kind, str(entry.kind_label or entry.kind))
    return sorted(kinds.items(), key=lambda pair: pair[1].casefold())


def in_true_order(items: Iterable[T]) -> list[T]:
    """``items`` (with ``when`` and, optionally, ``recorded``) newest first, in the order things happened.

    A step known by its moment sits at that moment. A step known only by its day (a bare date) sits at the
    moment it was written down (``recorded``) when that fell on its day, else at the day's end (recorded later,
    or not said): a consultation recorded in the afternoon comes after the report received that morning, and
    an outcome known only by its day after that day's appeal. Days are the reader's (their time zone). Steps
    at the same point keep the order they were given in, oldest first: a plugin lists a record's steps in the
    order they follow each other (drafted, sent for review, published)."""
    zone = _reader_zone()

    def moment(item: Any) -> datetime:
        when = item.when
        if isinstance(when, datetime):
            return _moment(when)
        start = datetime.combine(when, time.min, tzinfo=zone)
        end = datetime.combine(when, time.max, tzinfo=zone)
        recorded = getattr(item, "recorded", None)
        if recorded is None:
            return end
        return min(max(_moment(recorded), start), end)

    ordered = sorted(items, key=moment)  # stable: equal moments keep the given order
    ordered.reverse()
    return ordered


def _reader_zone() -> Any:
    """The time zone of the user reading (the day a bare date stands for), UTC outside a request."""
    from flask import has_request_context
    from flask_babel import get_timezone

    return get_timezone() if has_request_context() else timezone.utc


def deadlines(start: date, end: date, user: Any, limit: int | None = None) -> list[DatedItem]:
    """What is due from ``start`` to ``end``, earliest first: the ``limit`` earliest, or all."""
    user = the_user(user)  # the hooks read it many times
    items = host().collect("observatory_deadlines", start=start, end=end, user=user, limit=limit)
    items = [i for i in items if isinstance(i, DatedItem) and start <= _moment(i.when).date() <= end]
    return sorted(_visible(items, user), key=lambda item: _moment(item.when))[:limit]


def bulletin_sections(year: int, month: int, locale: str, missing: list[MissingPart] | None = None) -> list[Section]:
    """The plugins' parts of the month's bulletin; ``missing`` receives the parts that could not be had.

    Counts (items with ``figures``) are left out: published month by month and again in the year's report,
    a withheld small count would come back by subtraction (the year's figure minus the months shown), so
    counts are published once, in the annual report."""
    sections = _sections("observatory_bulletin_sections", missing, year=year, month=month, locale=locale)
    kept = [replace(section, items=tuple(item for item in section.items if getattr(item, "figures", None) is None))
            for section in sections]
    return [section for section, before in zip(kept, sections) if section.items or not before.items]


def annual_report_sections(year: int, locale: str, missing: list[MissingPart] | None = None) -> list[Section]:
    """The plugins' parts of the year's report; ``missing`` receives the parts that could not be had."""
    return _sections("observatory_annual_report_sections", missing, year=year, locale=locale)


def _sections(hook: str, missing: list[MissingPart] | None, **kwargs: Any) -> list[Section]:
    failed: list[str] = []
    sections = host().collect(hook, failed=failed, **kwargs)
    if missing is not None:
        note_missing(missing, failed)
    return sorted((s for s in sections if isinstance(s, Section)), key=lambda s: (s.order, s.key))


def note_missing(missing: list[MissingPart], failed: Iterable[str]) -> None:
    """Add to ``missing`` the plugins that are disabled or did not load, and those named in ``failed`` (their
    hook raised just now), once each: a publication says which parts it lacks instead of hiding the gap."""
    known = {part.plugin for part in missing}
    for name, info in sorted(host().plugins.items()):
        if name in known:
            continue
        if info.status == DISABLED:
            missing.append(MissingPart(name, str(info.title), MissingPart.DISABLED))
        elif info.status == FAILED or name in failed:
            missing.append(MissingPart(name, str(info.title), MissingPart.FAILED))
        else:
            continue
        known.add(name)


def record_summaries(kind: str, user: Any, locale: str, *, ids: Iterable[int] = (), country: str = "",
                     related: dict[str, list[int]] | None = None, include_restricted: bool = False,
                     limit: int = 200) -> list[RecordSummary]:
    """What documents sent outside may say about records of ``kind`` (see the hook): the plugins' summaries,
    restricted ones dropped unless asked for, one per record, in the order given."""
    found = host().collect("observatory_record_summaries", kind=kind, ids=sorted(set(ids)), country=country.upper(),
                           related=related or {}, user=user, locale=locale, include_restricted=include_restricted,
                           limit=limit)
    kept, seen = [], set()
    for summary in found:
        if not isinstance(summary, RecordSummary) or summary.kind != kind or summary.id in seen:
            continue
        if summary.confidentiality == RESTRICTED and not include_restricted:
            continue
        seen.add(summary.id)
        kept.append(summary)
    return kept[:limit]


def merge_records(kind: str, source_id: int, target_id: int,
                  only: dict[str, dict[str, list[int]]] | None = None) -> dict[str, dict[str, list[int]]]:
    """Ask every plugin to relink its rows (``only``: per plugin, the rows to move back when undoing).

    Any failure propagates and aborts the merge.
    """
    moved: dict[str, dict[str, list[int]]] = {}
    plugins = host()
    for impl in reversed(plugins.pm.hook.observatory_merge_records.get_hookimpls()):
        plugin = impl.plugin_name
        values = {"kind": kind, "source_id": source_id, "target_id": target_id,
                  "only": None if only is None else only.get(plugin, {})}
        result = impl.function(**{name: values[name] for name in impl.argnames})
        if result is not None:
            moved[plugin] = {table: sorted(ids) for table, ids in result.moved.items()}
    return moved


def merge_hook_plugins() -> set[str]:
    """The plugins that implement ``observatory_merge_records`` (the others' rows move by their foreign keys)."""
    return {impl.plugin_name for impl in host().pm.hook.observatory_merge_records.get_hookimpls()}


def load_demo_data(scale: int = 1) -> list[str]:
    """Every plugin's demo records; a failure propagates (half-loaded demo data helps nobody)."""
    return [str(message) for _plugin, message in host().call("observatory_demo_data", isolate=False, scale=scale)]
