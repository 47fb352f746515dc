"""The small, frozen records that plugins return from hooks and the core renders.

Plugins return data, never HTML: the core sorts, filters by permission and confidentiality,
paginates and escapes these in one place. A plugin returns a restricted item only to users
assigned to the record (or admins), and gives it a ``permission``: as a second line of defence,
the core drops restricted items that carry none, except for admins.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Callable

#: Confidentiality levels shared by every record, from least to most protected.
PUBLIC, INTERNAL, RESTRICTED = "public", "internal", "restricted"
CONFIDENTIALITY_LEVELS = (PUBLIC, INTERNAL, RESTRICTED)


@dataclass(frozen=True)
class Permission:
    """A permission a plugin declares; ``default_roles`` get it until an admin changes that."""

    name: str
    label: Any
    description: Any = ""
    default_roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class NavItem:
    """An entry in the main navigation, shown only to users holding ``permission``."""

    label: Any
    endpoint: str
    permission: str | None = None
    order: int = 100
    group: Any = None  # items sharing a group are shown in one drop-down menu


@dataclass(frozen=True)
class Widget:
    """A dashboard panel: the core renders ``template`` with ``context`` inside a card."""

    title: Any
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    permission: str | None = None
    order: int = 100


@dataclass(frozen=True)
class WaitingItem:
    """Something that waits for the dashboard's user to act on it (a review, a vote, a verification overdue, a reply
    due), returned from ``observatory_dashboard_widgets`` beside the plugin's widgets: the core gathers every plugin's
    into its *Waiting for me* list, oldest first. ``when`` is since when it waits, or, with ``due``, when it falls
    due; ``label`` says what is awaited ("To review"), ``title`` names the record; ``more_url`` is the plugin's list
    of all such items, offered when the plugin returned as many of that ``kind`` as the dashboard shows."""

    when: datetime | date
    kind: str
    label: Any
    title: Any
    url: str
    permission: str | None = None
    confidentiality: str = INTERNAL
    due: bool = False
    late: bool = False
    more_url: str | None = None


@dataclass(frozen=True)
class TimelineEntry:
    """One dated step on a defender's file. ``when`` is a moment, or a bare date when only the day is known;
    ``recorded`` (when the step was written down) then places it among that day's steps (see
    :func:`core.plugin_host.gather.in_true_order`). ``kind_label`` names ``kind`` in the file's filter by kind."""

    when: datetime | date
    kind: str
    title: Any
    url: str | None = None
    confidentiality: str = INTERNAL
    permission: str | None = None
    recorded: datetime | None = None
    kind_label: Any = ""


@dataclass(frozen=True)
class SearchHit:
    """One result of the global search."""

    title: Any
    url: str
    kind: Any
    summary: Any = ""
    permission: str | None = None
    confidentiality: str = INTERNAL
    score: float = 0.0
    #: The plugin's own list searching the same words: offered when the global search shows only the first hits.
    more_url: str | None = None


@dataclass(frozen=True)
class DatedItem:
    """Something due or happening on a date, for the deadline engine and calendar feeds."""

    when: datetime | date
    title: Any
    kind: str
    url: str | None = None
    permission: str | None = None
    confidentiality: str = INTERNAL
    record: tuple[str, int] | None = None  # the record it is about, whose protected fields calendar feeds keep out


@dataclass(frozen=True)
class PublicationItem:
    """One entry of a publication, in the requested language, holding only what may be published.

    ``key`` identifies it across editions of the same publication (editors reorder and drop items by key);
    ``group`` is the region key it is grouped under in the annual report; ``language`` is the language its
    title and text are in, and ``fallback`` says it is not the one asked for (publications mark it).
    ``record`` is the ``(record type, id)`` it publishes: the disclosure guard keeps that record's protected
    fields (its sources, its internal title) out of the publication. ``figures`` is a :class:`Chart` of counts
    the item publishes (one line per category): the core withholds its small counts, as in every figure.
    """

    key: str
    title: str
    text: str = ""
    when: date | None = None
    reference: str = ""
    place: str = ""
    group: str = ""
    kind: str = ""
    details: tuple[str, ...] = ()
    language: str = ""
    fallback: bool = False
    record: tuple[str, int] | None = None
    figures: Any = None


@dataclass(frozen=True)
class Section:
    """A part of a publication (bulletin or annual report), already in the requested language; its items are
    :class:`PublicationItem` entries."""

    key: str
    title: Any
    items: tuple[Any, ...] = ()
    order: int = 100


@dataclass(frozen=True)
class RecordType:
    """A kind of record other features can point at (attachments, merges, notifications, links).

    ``url`` maps a record id to its page's endpoint arguments: ``("defenders.show", "defender_id")``.
    """

    key: str
    model: Any
    label: Any
    view_permission: str
    edit_permission: str
    endpoint: str
    id_argument: str
    # Who may see one record, when the plugin's rule is wider than "restricted: assigned staff and admins"
    # (the grants committee sees every request): ``(record, user) -> bool``.
    may_see: Any = None
    # Links to other plugins' records (:mod:`core.records.links`): the record's relationship to its
    # :class:`~core.records.links.RecordLink` rows, and the record types it may be linked to.
    links: str = ""
    linkable: tuple[str, ...] = ()
    # Links to defenders and to partner organisations (:mod:`core.records.links`): a :class:`DefenderLinks`
    # (a :class:`PartnerLinks`), when the record concerns defenders (partners).
    defenders: DefenderLinks | None = None
    partners: PartnerLinks | None = None


@dataclass(frozen=True)
class CoreRecordLinks:
    """How a plugin's record links the core's defenders or partner organisations, declared on its
    :class:`RecordType` as a :class:`DefenderLinks` or a :class:`PartnerLinks`; the core serves the search,
    linking and unlinking, with the user's visibility, and the owner's audit trail holds each change.

    ``relationship`` names the record's relationship to its link rows (each with a ``defender_id``, or a
    ``partner_id``). What the plugin adds is its own rule:

    - ``form``: a subclass of the core's ``LinkDefenderForm`` (``LinkPartnerForm``) whose other fields are columns
      of the link row, set when the link is made (and again when it exists): a mission's ``on_trial``, a mission
      partner's ``role``;
    - ``refuses_removal``: ``(record) -> message | None``, why the record's links may not be removed now (a case
      whose published actions name its defenders), shown to the user; None lets the removal happen.
    """

    relationship: str
    form: Any = None
    refuses_removal: Callable[[Any], Any] | None = None


@dataclass(frozen=True)
class DefenderLinks(CoreRecordLinks):
    """A record's links to defenders: ``RecordType(..., defenders=DefenderLinks("defender_links"))``."""


@dataclass(frozen=True)
class PartnerLinks(CoreRecordLinks):
    """A record's links to partner organisations: ``RecordType(..., partners=PartnerLinks("partner_links"))``."""


@dataclass(frozen=True)
class RecordChoice:
    """A record offered for linking from another plugin (a mission concerning an intervention case)."""

    kind: str
    id: int
    label: Any
    detail: Any = ""
    url: str | None = None


@dataclass(frozen=True)
class NotificationKind:
    """A kind of notification users can choose to receive in the app and by email.

    ``message`` is worded with the notification's parameters in the reader's language; keep names of
    people out of the parameters of kinds that restricted records send. Emails carry only ``email_subject``
    and a link, never the parameters.
    """

    key: str
    label: Any
    message: Any
    email_subject: Any
    in_app: bool = True
    email: bool = False


@dataclass(frozen=True)
class Chart:
    """Figures a plugin contributes to the statistics page and the annual report: counts per category
    (``categories`` in display order, ``values`` the same length), already labelled in the reader's language.
    ``key`` names it in addresses (``/statistics/<key>.csv``): lower-case letters, digits and underscores.

    A chart whose categories are parts of another chart's categories (countries of regions) says so, or a parent
    minus its children shown would give a withheld count back: ``nests_in`` is that chart's key, and
    ``parents`` gives, for each category, the category of that chart it is part of ("" for none)::

        Chart("cases_by_country", _("Cases per country"), ("France", "Türkiye"), (12, 3),
              nests_in="cases_by_region", parents=("Europe", "Europe"))
    """

    key: str
    title: Any
    categories: tuple[str, ...]
    values: tuple[int, ...]
    unit: Any = ""  # what is counted: "cases", "defenders"...
    note: Any = ""
    order: int = 100
    nests_in: str = ""
    parents: tuple[str, ...] = ()
    # Set by the core only (core.publications.statistics.suppressed): cells withheld as small counts (their value here is 0),
    # what they show instead ("fewer than 5"), and what the total shows when it is withheld too.
    hidden: tuple[bool, ...] = ()
    withheld: str = ""
    total_withheld: str = ""
    reported_total: int | None = None
    withheld_other: tuple[bool, ...] = ()  # withheld only so that the small ones cannot be worked out
    withheld_other_label: str = ""

    @property
    def total(self) -> int:
        return sum(self.values) if self.reported_total is None else self.reported_total

    def shown(self, index: int) -> int | str:
        """The figure of a category as it may be printed: its count, or "fewer than N" when withheld."""
        if self.withheld_other and self.withheld_other[index]:
            return self.withheld_other_label
        return self.withheld if self.hidden and self.hidden[index] else self.values[index]

    @property
    def figures(self) -> list[tuple[str, int | str]]:
        return [(category, self.shown(index)) for index, category in enumerate(self.categories)]

    @property
    def total_shown(self) -> int | str:
        return self.total_withheld or self.total


@dataclass(frozen=True)
class DatedLine:
    """A dated line of a chronology: an event, or one of our actions with its reference code."""

    when: date | None
    text: str
    reference: str = ""


@dataclass(frozen=True)
class RecordSummary:
    """What a document sent outside the organisation may say about a record (an advocacy dossier's cases and
    missions): publishable text only, already in the requested language, defenders who did not consent under
    their publishable names. ``defender_ids`` lets the caller add those defenders; ``left_out`` says, in the
    reader's language, what the plugin kept out (for the preview)."""

    kind: str
    id: int
    title: str
    summary: str = ""
    country: str = ""  # alpha-3
    events: tuple[DatedLine, ...] = ()
    actions: tuple[DatedLine, ...] = ()
    findings: str = ""
    defender_ids: tuple[int, ...] = ()
    confidentiality: str = INTERNAL
    url: str | None = None
    left_out: tuple[str, ...] = ()


@dataclass(frozen=True)
class MergeResult:
    """What a plugin moved when two records were merged: ``{"table": [row ids]}``."""

    plugin: str
    moved: dict[str, list[int]] = field(default_factory=dict)


__all__ = [
    "Permission",
    "NavItem",
    "Widget",
    "WaitingItem",
    "TimelineEntry",
    "SearchHit",
    "DatedItem",
    "Section",
    "PublicationItem",
    "MergeResult",
    "DatedLine",
    "Chart",
    "RecordSummary",
    "NotificationKind",
    "RecordType",
    "RecordChoice",
    "PUBLIC",
    "INTERNAL",
    "RESTRICTED",
    "CONFIDENTIALITY_LEVELS",
]


@dataclass(frozen=True)
class FreeText:
    """Fields of ``model`` where people type freely (a description, a note, a report's chapter): where a name, a
    phone or a source can appear without being a link. The disclosure canary suite writes protected names into
    every one of them before building every output."""

    model: Any
    fields: tuple[str, ...]


@dataclass(frozen=True)
class OutputRequest:
    """One request that builds an output: a GET of ``path``, or a POST of ``form`` to it. ``typed`` names the
    form fields holding text typed at export time (a cover note, an introduction). A POST answered by a job's
    page leaves as the job's file. ``then``: the address whose GET, after that request, gives the file (a
    publication's edition, built when it is published and kept)."""

    path: str
    form: dict[str, Any] | None = None
    typed: tuple[str, ...] = ()
    then: str | None = None


@dataclass(frozen=True)
class Output:
    """A way out of the Observatory: a document, a letter, a dossier, an export, a feed, a figure.

    Declared so every way out is known: *Administration → Plugins* lists them, and the disclosure canary suite
    builds each one for every role and checks that nothing protected left. ``external``: it leaves the
    organisation. ``record_type`` is the key of the records it is built from (``None``: a list, a feed, a
    publication); ``requests(record_id, user)`` gives the requests that build it from that record as ``user``,
    preparing what they need (a calendar address), or ``[]`` when the record has nothing to build.
    ``unattended``: nobody is there when it is built (a feed polled by an app), so a name that may be someone
    else's is masked instead of stopping it for a person to decide.
    """

    key: str
    label: Any
    external: bool
    requests: Callable[[int | None, Any], list[OutputRequest]]
    record_type: str | None = None
    unattended: bool = False
