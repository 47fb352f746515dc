"""Links from a plugin's record to records of other plugins (a mission concerning an intervention case, an
advocacy action concerning a case and a mission), written once for every plugin.

A plugin gives its link table the :class:`RecordLink` columns, points its record at them with a relationship,
and declares both on its :class:`~core.plugin_host.contributions.RecordType` (``links="record_links"``,
``linkable=("case",)``). The core then owns the rest: the "records concerned" panel
(``templates/core/records/_links.html``), the search of linkable records, the link and unlink views
(:mod:`core.records.link_views`), and the pairs the disclosure guard asks for (:func:`linked_records`).
Linked records are named through ``observatory_record_choices``, so a user is never shown, nor offered, a
record they may not see, and no plugin imports another.

Links to defenders and to partner organisations are the core's too. A record type declares its link rows with
``defenders=DefenderLinks("defender_links")`` or ``partners=PartnerLinks("partner_links")``
(:class:`~core.plugin_host.contributions.CoreRecordLinks`, with the plugin's own rule: the link's own columns,
or a reason its links stay); the core then owns the search of records to link (:func:`defender_search`,
:func:`partner_search`: only those the user may see), linking and unlinking (:mod:`core.records.link_views`: the
record type's edit permission, 400 for linking and 404 for unlinking one the user may not see, nothing changed)
and the owner's audit trail of each change. The plugin keeps the list of linked defenders (partners) on its page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from flask import request, url_for
from flask_login import current_user
from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint, inspect, select
from sqlalchemy.orm import Mapped, declared_attr, joinedload, mapped_column

from ..extensions import db
from ..plugin_host.contributions import RecordChoice, RecordType
from ..web.permissions import can
from .forms import LinkDefenderForm, LinkPartnerForm
from .models import Defender, Partner
from .registry import choices, record_types, record_url
from .services import DefenderFilters, PartnerFilters, defenders_query, partners_query
from .visibility import can_see


class RecordLink:
    """The columns of a link table: the plugin's record (``owner_id``, stored in the column the plugin names)
    and the linked record by its core type and id. Use it before ``db.Model``::

        class MissionRecordLink(RecordLink, db.Model):
            __tablename__ = "missions_record_links"
            __link_owner__ = ("mission_id", "missions_missions.id")  # column, and the key it refers to

    Each record is linked once (a unique constraint on owner, type and id); an index finds the owners of a
    linked record. Deleting the owner deletes its links.
    """

    __link_owner__: ClassVar[tuple[str, str]]

    id: Mapped[int] = mapped_column(primary_key=True)
    record_type: Mapped[str] = mapped_column(String(50))
    record_id: Mapped[int] = mapped_column(Integer)

    @declared_attr
    def owner_id(cls) -> Mapped[int]:
        column, target = cls.__link_owner__
        return mapped_column(column, ForeignKey(target, ondelete="CASCADE"))

    @declared_attr.directive
    def __table_args__(cls) -> tuple:
        return (
            UniqueConstraint(cls.__link_owner__[0], "record_type", "record_id"),
            Index(f"ix_{cls.__tablename__}_record", "record_type", "record_id"),
        )

    @property
    def audit_label(self) -> str:
        """How the owner's audit trail names the link (``case 12``), without loading the linked record."""
        return f"{self.record_type} {self.record_id}"


@dataclass(frozen=True)
class LinkedRecord:
    """One row of the "records concerned" panel: ``choice`` is None for a record the user may not see, or of
    a plugin that is disabled (the row says so, naming nothing)."""

    link_id: int
    choice: RecordChoice | None


@dataclass(frozen=True)
class RecordLinks:
    """What the "records concerned" panel of a record shows: its links, and the kinds of records the current
    user may look for to link (key → label)."""

    record_type: str
    record_id: int
    rows: tuple[LinkedRecord, ...]
    kinds: dict[str, Any]


def link_kind(record_type: str) -> RecordType | None:
    """The declared record type, if it has links."""
    kind = record_types().get(record_type)
    return kind if kind is not None and kind.links else None


def links_collection(kind: RecordType, record: Any) -> list:
    """The record's link rows (the relationship its type declares)."""
    return getattr(record, kind.links)


def link_model(kind: RecordType) -> type:
    """The link table's model, read from the relationship the record type names."""
    return inspect(kind.model).relationships[kind.links].mapper.class_


def linkable_kinds(kind: RecordType) -> dict[str, Any]:
    """The types of records ``kind`` may be linked to whose plugin is enabled and that the user may see."""
    types = record_types()
    return {key: types[key].label for key in kind.linkable if key in types and can(types[key].view_permission)}


def links_of(record: Any) -> RecordLinks:
    """The "records concerned" panel of ``record``: one question per kind of linked record, asked of the plugin
    that declares it, with the user's visibility."""
    kind = link_kind(record.__record_type__)
    links = links_collection(kind, record) if kind else []
    named: dict[tuple[str, int], RecordChoice] = {}
    for key in sorted({link.record_type for link in links}):
        ids = [link.record_id for link in links if link.record_type == key]
        named.update({(c.kind, c.id): c for c in choices(key, current_user, ids=ids, limit=len(ids))})
    rows = tuple(LinkedRecord(link.id, named.get((link.record_type, link.record_id))) for link in links)
    return RecordLinks(record.__record_type__, record.id, rows, linkable_kinds(kind) if kind else {})


def find_linkable(kind: RecordType, record: Any, record_type: str, words: str) -> list[RecordChoice]:
    """Records of ``record_type`` matching ``words`` that the user may see and ``record`` is not linked to yet."""
    words = words.strip()[:100]
    if record_type not in linkable_kinds(kind) or not words:
        return []
    linked = {(link.record_type, link.record_id) for link in links_collection(kind, record)}
    return [c for c in choices(record_type, current_user, query=words, limit=20) if (c.kind, c.id) not in linked][:10]


def add_link(kind: RecordType, record: Any, record_type: str, record_id: int) -> bool:
    """Link ``record`` to a record the user may see, through the owner's relationship (so the owner's audit
    trail holds the change). False when that record may not be linked; linking twice changes nothing."""
    if record_type not in linkable_kinds(kind) or not choices(record_type, current_user, ids=[record_id], limit=1):
        return False
    links = links_collection(kind, record)
    if (record_type, record_id) not in {(link.record_type, link.record_id) for link in links}:
        links.append(link_model(kind)(record_type=record_type, record_id=record_id))
    db.session.commit()
    return True


def remove_link(kind: RecordType, record: Any, link_id: int) -> bool:
    """Remove one of ``record``'s links, if the user may see the record it names (one they may not see stays,
    as the panel shows it: unnamed, without a button). False when there is no such link to remove."""
    links = links_collection(kind, record)
    link = next((link for link in links if link.id == link_id), None)
    if link is None or not choices(link.record_type, current_user, ids=[link.record_id], limit=1):
        return False
    links.remove(link)
    db.session.commit()
    return True


def linked_records(model: type, owner_ids: list[int]) -> list[tuple[str, int]]:
    """The ``(record type, id)`` pairs these owners are linked to, in one query: what a plugin's
    ``observatory_records_concerned`` returns for its links, so the disclosure guard asks about them in turn."""
    if not owner_ids:
        return []
    return [
        (kind, i)
        for kind, i in db.session.execute(
            select(model.record_type, model.record_id).where(model.owner_id.in_(owner_ids))
        )
    ]


# --- Links to defenders and partner organisations --------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A kind of core record that plugins' records link to: ``key`` is the :class:`RecordType` field that
    declares the links (and the part of their address), ``column`` the link row's column naming the record,
    ``find`` and ``added`` the page's arguments (the words searched, a record just registered from the page)."""

    key: str
    model: type
    column: str
    form: type
    find: str
    added: str = ""

    def query(self, user: Any, words: str) -> Any:
        """The records matching ``words`` that ``user`` may see (the core's own list query)."""
        if self.model is Defender:
            return defenders_query(user, DefenderFilters(q=words)).options(joinedload(Defender.country))
        return partners_query(user, PartnerFilters(q=words)).options(joinedload(Partner.country))


TARGETS = {
    "defenders": Target("defenders", Defender, "defender_id", LinkDefenderForm, "find", "added_defender"),
    "partners": Target("partners", Partner, "partner_id", LinkPartnerForm, "find_partner"),
}


@dataclass(frozen=True)
class LinkSearch:
    """The "find a defender (partner) to link" part of a record's page: the words typed (``?find=``,
    ``?find_partner=``), the records matching them that the user may see and the record is not linked to yet, and
    a defender just registered from the page (``?added_defender=``), offered for linking. Nothing is found for a
    user who may not edit."""

    record_type: str
    record_id: int
    target: str
    page_url: str
    link_url: str
    words: str = ""
    found: tuple[Any, ...] = ()
    added: Any = None

    def remove_url(self, linked_id: int) -> str:
        return url_for("links.unlink_core", owner_type=self.record_type, owner_id=self.record_id,
                       target=self.target, linked_id=linked_id)


def target_kind(record_type: str, target: str) -> RecordType | None:
    """The declared record type, if it links records of ``target`` (``"defenders"``, ``"partners"``)."""
    kind = record_types().get(record_type)
    return kind if kind is not None and target in TARGETS and getattr(kind, target) is not None else None


def defender_kind(record_type: str) -> RecordType | None:
    """The declared record type, if it links defenders."""
    return target_kind(record_type, "defenders")


def target_rows(kind: RecordType, target: str, record: Any) -> list:
    """The record's link rows to ``target`` records (the relationship its type declares)."""
    return getattr(record, getattr(kind, target).relationship)


def _search(record: Any, target: Target) -> LinkSearch:
    record_type = record.__record_type__
    kind = target_kind(record_type, target.key)
    search = LinkSearch(record_type, record.id, target.key, record_url(record_type, record.id) or "",
                        url_for("links.link_core", owner_type=record_type, owner_id=record.id, target=target.key))
    words = request.args.get(target.find, "").strip()[:100]
    added = request.args.get(target.added, "") if target.added else ""
    if kind is None or not can(kind.edit_permission) or not (words or added):
        return search
    linked = {getattr(row, target.column) for row in target_rows(kind, target.key, record)}
    found: tuple[Any, ...] = ()
    if words:
        found = tuple(r for r in db.session.scalars(target.query(current_user, words).limit(20))
                      if r.id not in linked)[:10]
    one = db.session.get(target.model, int(added)) if added.isdecimal() and len(added) < 10 else None
    if one is None or one.id in linked or not can_see(one, current_user):
        one = None
    return LinkSearch(search.record_type, search.record_id, target.key, search.page_url, search.link_url, words,
                      found, one)


def defender_search(record: Any) -> LinkSearch:
    """What the record's page offers for linking defenders (:class:`LinkSearch`), for the current user."""
    return _search(record, TARGETS["defenders"])


def partner_search(record: Any) -> LinkSearch:
    """What the record's page offers for linking partner organisations (:class:`LinkSearch`)."""
    return _search(record, TARGETS["partners"])


def link_form(kind: RecordType, target: str) -> Any:
    """The form that links a ``target`` record to a record of ``kind``: the plugin's own, or the core's."""
    return (getattr(kind, target).form or TARGETS[target].form)()


def link_target(kind: RecordType, target: str, record: Any, form: Any) -> Any | None:
    """Link the defender (partner) ``form`` names, if the user may see them, through the owner's relationship
    (so the owner's audit trail holds the change); the form's other fields are set on the link row, also when
    it exists already. None when that record may not be linked (nothing changes)."""
    about = TARGETS[target]
    linked = db.session.get(about.model, form[about.column].data)
    if linked is None or not can_see(linked, current_user):
        return None
    values = {name: value.strip() if isinstance(value, str) else value
              for name, value in form.data.items() if name not in (about.column, "csrf_token")}
    rows = target_rows(kind, target, record)
    row = next((row for row in rows if getattr(row, about.column) == linked.id), None)
    if row is None:
        model = inspect(kind.model).relationships[getattr(kind, target).relationship].mapper.class_
        rows.append(model(**{about.column: linked.id}, **values))
    else:
        for name, value in values.items():
            setattr(row, name, value)
    db.session.commit()
    return linked


def linked_row(record: Any, target: str, linked_id: int) -> Any | None:
    """The record's link row to that defender (partner), if there is one and the user may see them; None
    otherwise, so that one the user may not see answers as one that does not exist (a view says 404)."""
    kind = target_kind(record.__record_type__, target)
    about = TARGETS[target]
    rows = target_rows(kind, target, record) if kind else []
    row = next((row for row in rows if getattr(row, about.column) == linked_id), None)
    linked = db.session.get(about.model, linked_id) if row is not None else None
    return row if linked is not None and can_see(linked, current_user) else None


def linked_defender(record: Any, defender_id: int) -> Any | None:
    """The record's link row to that defender, if the user may see them (:func:`linked_row`)."""
    return linked_row(record, "defenders", defender_id)


def unlink_target(kind: RecordType, target: str, record: Any, row: Any) -> Any | None:
    """Remove a link row (from :func:`linked_row`) unless the plugin's rule refuses: then its reason is
    returned and nothing changes."""
    rule = getattr(kind, target).refuses_removal
    refusal = rule(record) if rule else None
    if refusal:
        return refusal
    target_rows(kind, target, record).remove(row)
    db.session.commit()
    return None
