"""Links from a plugin's record to records of other plugins (a mission concerning an intervention case, an
advocacy action concerning a case and a mission), written once for every plugin.

A plugin gives its link table the :class:`RecordLink` columns, points its record at them with a relationship,
and declares both on its :class:`~core.plugin_host.contributions.RecordType` (``links="record_links"``,
``linkable=("case",)``). The core then owns the rest: the "records concerned" panel
(``templates/core/records/_links.html``), the search of linkable records, the link and unlink views
(:mod:`core.records.link_views`), and the pairs the disclosure guard asks for (:func:`linked_records`).
Linked records are named through ``observatory_record_choices``, so a user is never shown, nor offered, a
record they may not see, and no plugin imports another.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from flask_login import current_user
from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint, inspect, select
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from ..extensions import db
from ..plugin_host.contributions import RecordChoice, RecordType
from ..web.permissions import can
from .registry import choices, record_types


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
