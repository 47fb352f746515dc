"""Links from a plugin's record to records of other plugins (a mission concerning an intervention case, an
advocacy action concerning a case and a mission), written once for every plugin.

A plugin gives its link table the :class:`RecordLink` columns, points its record at them with a relationship,
and declares both on its :class:`~core.plugin_host.contributions.RecordType` (``links="record_links"``,
``linkable=("case",)``). The core then owns the rest: the "records concerned" panel
(``templates/core/records/_links.html``), the search of linkable records, the link and unlink views
(:mod:`core.records.link_views`), and the pairs the disclosure guard asks for (:func:`linked_records`).
Linked records are named through ``observatory_record_choices``, so a user is never shown, nor offered, a
record they may not see, and no plugin imports another.

Links to defenders are the core's too. A record type declares its link rows to defenders with
``defenders=DefenderLinks("defender_links")`` (:class:`~core.plugin_host.contributions.DefenderLinks`, with the
plugin's own rule: the link's own columns, or a reason its defenders stay); the core then owns the search of
defenders to link (:func:`defender_search`, only those the user may see), linking and unlinking
(:mod:`core.records.link_views`: the record type's edit permission, 404 for a defender the user may not see)
and the owner's audit trail of each change. The plugin keeps the list of linked defenders on its page.
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
from .forms import LinkDefenderForm
from .models import Defender
from .registry import choices, record_types, record_url
from .services import DefenderFilters, defenders_query
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


# --- Links to defenders ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DefenderSearch:
    """The "find a defender to link" part of a record's page: the words typed (``?find=``), the defenders
    matching them that the user may see and the record is not linked to yet, and a defender just registered
    from the page (``?added_defender=``), offered for linking. Nothing is found for a user who may not edit."""

    record_type: str
    record_id: int
    page_url: str
    link_url: str
    words: str = ""
    found: tuple[Defender, ...] = ()
    added: Defender | None = None

    def remove_url(self, defender_id: int) -> str:
        return url_for("links.unlink_defender", owner_type=self.record_type, owner_id=self.record_id,
                       defender_id=defender_id)


def defender_kind(record_type: str) -> RecordType | None:
    """The declared record type, if it links defenders."""
    kind = record_types().get(record_type)
    return kind if kind is not None and kind.defenders is not None else None


def defender_rows(kind: RecordType, record: Any) -> list:
    """The record's link rows to defenders (the relationship its type declares)."""
    return getattr(record, kind.defenders.relationship)


def defender_search(record: Any) -> DefenderSearch:
    """What the record's page offers for linking defenders (:class:`DefenderSearch`), for the current user."""
    record_type = record.__record_type__
    kind = defender_kind(record_type)
    search = DefenderSearch(record_type, record.id, record_url(record_type, record.id) or "",
                            url_for("links.link_defender", owner_type=record_type, owner_id=record.id))
    words, added = request.args.get("find", "").strip()[:100], request.args.get("added_defender", "")
    if kind is None or not can(kind.edit_permission) or not (words or added):
        return search
    linked = {row.defender_id for row in defender_rows(kind, record)}
    found: tuple[Defender, ...] = ()
    if words:
        query = defenders_query(current_user, DefenderFilters(q=words)).options(joinedload(Defender.country))
        found = tuple(d for d in db.session.scalars(query.limit(20)) if d.id not in linked)[:10]
    defender = db.session.get(Defender, int(added)) if added.isdigit() and len(added) < 10 else None
    if defender is None or defender.id in linked or not can_see(defender, current_user):
        defender = None
    return DefenderSearch(search.record_type, search.record_id, search.page_url, search.link_url, words, found,
                          defender)


def defender_form(kind: RecordType) -> LinkDefenderForm:
    """The form that links a defender to a record of ``kind``: the plugin's own, or the core's."""
    return (kind.defenders.form or LinkDefenderForm)()


def link_defender(kind: RecordType, record: Any, form: LinkDefenderForm) -> Defender | None:
    """Link the defender ``form`` names, if the user may see them, through the owner's relationship (so the
    owner's audit trail holds the change); the form's other fields are set on the link row, also when the
    defender is linked already. None when that defender may not be linked (nothing changes)."""
    defender = db.session.get(Defender, form.defender_id.data)
    if defender is None or not can_see(defender, current_user):
        return None
    values = {name: value for name, value in form.data.items() if name not in ("defender_id", "csrf_token")}
    rows = defender_rows(kind, record)
    row = next((row for row in rows if row.defender_id == defender.id), None)
    if row is None:
        rows.append(inspect(kind.model).relationships[kind.defenders.relationship].mapper.class_(
            defender_id=defender.id, **values))
    else:
        for name, value in values.items():
            setattr(row, name, value)
    db.session.commit()
    return defender


def linked_defender(record: Any, defender_id: int) -> Any | None:
    """The record's link row to that defender, if there is one and the user may see the defender; None
    otherwise, so that a defender the user may not see answers as one that does not exist (a view says 404)."""
    kind = defender_kind(record.__record_type__)
    rows = defender_rows(kind, record) if kind else []
    row = next((row for row in rows if row.defender_id == defender_id), None)
    defender = db.session.get(Defender, defender_id) if row is not None else None
    return row if defender is not None and can_see(defender, current_user) else None


def unlink_defender(kind: RecordType, record: Any, row: Any) -> Any | None:
    """Remove a link row (from :func:`linked_defender`) unless the plugin's rule refuses: then its reason is
    returned and nothing changes."""
    refusal = kind.defenders.refuses_removal(record) if kind.defenders.refuses_removal else None
    if refusal:
        return refusal
    defender_rows(kind, record).remove(row)
    db.session.commit()
    return None
