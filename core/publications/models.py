"""A month's bulletin as its editors shaped it: an introduction per language, the order of the items and the
items dropped (by the items' keys, so a later rebuild keeps the choices), and whether it is published."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database.models import UTCDateTime, utcnow
from ..extensions import db


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
    # the editors' decisions on names the disclosure guard found ambiguous (hit key -> mask/other), and why
    disclosure_decisions: Mapped[dict[str, str]] = mapped_column(JSON, default=dict, server_default="{}")
    disclosure_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    status: Mapped[str] = mapped_column(String(20), default=DRAFT)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_users.id", ondelete="SET NULL"))
    # the latest build of every language and format (one ZIP): on demand, on the 1st of the next month, and when
    # it is published (that build is then the published edition, kept until it is reopened)
    files_job_id: Mapped[int | None] = mapped_column(ForeignKey("core_jobs.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @property
    def name(self) -> str:
        return f"Bulletin {self.year}-{self.month:02d}"

    def introduction(self, language: str) -> str:
        return getattr(self, f"introduction_{language}", "") or ""


class AnnualReport(db.Model):
    """A year's report as its editors shaped it: a foreword per language, thematic chapters, publication."""

    __tablename__ = "core_annual_reports"
    __record_type__ = "annual_report"
    __audited__ = True
    __audit_exclude__ = ("disclosure_check",)  # written by a check job, not by a person

    DRAFT, PUBLISHED = "draft", "published"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    foreword_en: Mapped[str] = mapped_column(Text, default="")
    foreword_fr: Mapped[str] = mapped_column(Text, default="")
    foreword_es: Mapped[str] = mapped_column(Text, default="")
    disclosure_decisions: Mapped[dict[str, str]] = mapped_column(JSON, default=dict, server_default="{}")
    disclosure_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    # the names a refused build found ambiguous and nobody decided yet (core.disclosure.preflight.as_data)
    disclosure_waiting: Mapped[list[Any]] = mapped_column(JSON, default=list, server_default="[]")
    # the last check before it leaves (core.publications.jobs.keep_check): when, and what the guard masks
    disclosure_check: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default="{}")
    status: Mapped[str] = mapped_column(String(20), default=DRAFT)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_users.id", ondelete="SET NULL"))
    # the published edition: every language as PDF and DOCX in one ZIP, built when it is published
    files_job_id: Mapped[int | None] = mapped_column(ForeignKey("core_jobs.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    chapters: Mapped[list[AnnualChapter]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="(AnnualChapter.position, AnnualChapter.id)")

    @property
    def name(self) -> str:
        return f"Annual report {self.year}"

    def foreword(self, language: str) -> str:
        return getattr(self, f"foreword_{language}", "") or ""


class AnnualChapter(db.Model):
    """A thematic analysis chapter, written by the editors, with its title and text in each language."""

    __tablename__ = "core_annual_chapters"
    __record_type__ = "annual_chapter"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("core_annual_reports.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=1)
    title_en: Mapped[str] = mapped_column(String(300), default="")
    title_fr: Mapped[str] = mapped_column(String(300), default="")
    title_es: Mapped[str] = mapped_column(String(300), default="")
    body_en: Mapped[str] = mapped_column(Text, default="")
    body_fr: Mapped[str] = mapped_column(Text, default="")
    body_es: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    report: Mapped[AnnualReport] = relationship(back_populates="chapters")

    @property
    def name(self) -> str:
        return self.title_en or self.title_fr or self.title_es

    def text(self, language: str) -> tuple[str, str]:
        return getattr(self, f"title_{language}", "") or "", getattr(self, f"body_{language}", "") or ""
