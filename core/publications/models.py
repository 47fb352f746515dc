"""A month's bulletin as its editors shaped it: an introduction per language, the order of the items and the
items dropped (by the items' keys, so a later rebuild keeps the choices), and whether it is published."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models import UTCDateTime, utcnow


class Bulletin(db.Model):
    __tablename__ = "core_bulletins"
    __table_args__ = (UniqueConstraint("year", "month"),)
    __record_type__ = "bulletin"
    __audited__ = True

    DRAFT, PUBLISHED = "draft", "published"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    introduction_en: Mapped[str] = mapped_column(Text, default="")
    introduction_fr: Mapped[str] = mapped_column(Text, default="")
    introduction_es: Mapped[str] = mapped_column(Text, default="")
    item_order: Mapped[list[Any]] = mapped_column(JSON, default=list)  # item keys, first to last
    dropped: Mapped[list[Any]] = mapped_column(JSON, default=list)  # item keys left out
    status: Mapped[str] = mapped_column(String(20), default=DRAFT)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @property
    def name(self) -> str:
        return f"Bulletin {self.year}-{self.month:02d}"

    def introduction(self, language: str) -> str:
        return getattr(self, f"introduction_{language}", "") or ""
