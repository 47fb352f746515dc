"""The mechanisms the organisation works with (a catalogue shipped as data, editable by admins), their sessions
and deadlines, and the advocacy actions sent to them with the answers that came back.

An action is a draft until it is sent (``sent_on``); what its type requires (see ``requirements``) is kept in
``details`` while it is drafted. The state reply the organisation waits for is ``reply_expected_by``: overdue
once that day has passed with no answer recorded.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import has_request_context
from flask_babel import get_locale
from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.api import INTERNAL, Country, Defender, RecordLink, UTCDateTime, db, utcnow, words

SYSTEMS = ("un", "oas", "au", "osce", "eu", "coe")


class Mechanism(db.Model):
    """A body or procedure: the Special Rapporteur on defenders, the IACHR's precautionary measures..."""

    __tablename__ = "advocacy_mechanisms"
    __record_type__ = "advocacy_mechanism"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    system: Mapped[str] = mapped_column(String(10), index=True)
    abbreviation: Mapped[str] = mapped_column(String(40), default="")
    name_en: Mapped[str] = mapped_column(String(300))
    name_fr: Mapped[str] = mapped_column(String(300), default="")
    name_es: Mapped[str] = mapped_column(String(300), default="")
    working_languages: Mapped[str] = mapped_column(String(100), default="en")  # "en,fr,es"
    submission_en: Mapped[str] = mapped_column(Text, default="")
    submission_fr: Mapped[str] = mapped_column(Text, default="")
    submission_es: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    sessions: Mapped[list[MechanismSession]] = relationship(
        back_populates="mechanism", cascade="all, delete-orphan", order_by="MechanismSession.starts_on")

    @property
    def name(self) -> str:
        """The name in the reader's language, else in English (outside a request: the audit trail, jobs)."""
        return self.name_in(str(get_locale() or "en") if has_request_context() else "en")

    def name_in(self, language: str) -> str:
        return getattr(self, f"name_{language}", None) or self.name_en

    @property
    def search_text(self) -> str:
        """Words of the abbreviation and the names in every language, for the core's word search."""
        names = (self.abbreviation, self.name_en, self.name_fr, self.name_es)
        return " ".join(sorted(set(words(" ".join(name or "" for name in names)))))

    @property
    def submission(self) -> str:
        language = str(get_locale() or "en") if has_request_context() else "en"
        return getattr(self, f"submission_{language}", None) or self.submission_en

    @property
    def languages(self) -> list[str]:
        return [code for code in self.working_languages.split(",") if code]

    @property
    def short_name(self) -> str:
        return self.abbreviation or self.name


class MechanismSession(db.Model):
    """A session of a mechanism (a Human Rights Council session) or a deadline (a UPR submission date)."""

    __tablename__ = "advocacy_sessions"
    __table_args__ = (Index("ix_advocacy_sessions_starts", "starts_on", "mechanism_id"),
                      Index("ix_advocacy_sessions_ends", "ends_on"))
    __record_type__ = "advocacy_session"
    __audited__ = True

    SESSION, DEADLINE = "session", "deadline"
    KINDS = (SESSION, DEADLINE)

    id: Mapped[int] = mapped_column(primary_key=True)
    mechanism_id: Mapped[int] = mapped_column(ForeignKey("advocacy_mechanisms.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default=SESSION)
    title: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[date] = mapped_column(Date)  # a deadline's day
    ends_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")

    mechanism: Mapped[Mechanism] = relationship(back_populates="sessions")

    @property
    def name(self) -> str:
        return self.title


class AdvocacyAction(db.Model):
    """Something sent to (or done with) a mechanism about defenders, cases and mission reports."""

    __tablename__ = "advocacy_actions"
    __table_args__ = (
        Index("ix_advocacy_actions_sent_id", "sent_on", "id", "confidentiality"),
        Index("ix_advocacy_actions_updated_id", "updated_at", "id", "confidentiality"),
        Index("ix_advocacy_actions_mechanism_sent", "mechanism_id", "sent_on", "id"),
        Index("ix_advocacy_actions_country_sent", "country_id", "sent_on", "id"),
        Index("ix_advocacy_actions_reply", "reply_expected_by"),
    )
    __record_type__ = "advocacy_action"
    __audited__ = True
    __audit_exclude__ = ("answers",)  # audited as records of their own

    id: Mapped[int] = mapped_column(primary_key=True)
    mechanism_id: Mapped[int] = mapped_column(ForeignKey("advocacy_mechanisms.id", ondelete="RESTRICT"))
    type: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    country_id: Mapped[int | None] = mapped_column(ForeignKey("core_countries.id", ondelete="RESTRICT"))
    language: Mapped[str] = mapped_column(String(5), default="en")
    text: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # what the type requires, by element
    reference: Mapped[str] = mapped_column(String(100), default="")  # the mechanism's own, once known
    sent_on: Mapped[date | None] = mapped_column(Date)
    made_public_on: Mapped[date | None] = mapped_column(Date)  # by the mechanism: until then, not published
    reply_expected_by: Mapped[date | None] = mapped_column(Date)
    confidentiality: Mapped[str] = mapped_column(String(20), default=INTERNAL)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_users.id", ondelete="SET NULL"))

    mechanism: Mapped[Mechanism] = relationship()
    country: Mapped[Country | None] = relationship()
    defender_links: Mapped[list[ActionDefender]] = relationship(back_populates="action", cascade="all, delete-orphan",
                                                                order_by="ActionDefender.id")
    record_links: Mapped[list[ActionRecordLink]] = relationship(cascade="all, delete-orphan",
                                                                order_by="ActionRecordLink.id")
    answers: Mapped[list[Answer]] = relationship(back_populates="action", cascade="all, delete-orphan",
                                                     order_by="[Answer.received_on, Answer.id]")

    @property
    def name(self) -> str:
        return self.title

    @property
    def sent(self) -> bool:
        return self.sent_on is not None

    def overdue(self, today: date) -> bool:
        return self.reply_expected_by is not None and self.reply_expected_by < today

    @property
    def search_text(self) -> str:
        """Words of the title, reference and text, for the core's word search (not the confidential source)."""
        return " ".join(sorted(set(words(" ".join((self.title, self.reference, self.text))))))

    def detail(self, key: str) -> str:
        return str((self.details or {}).get(key) or "")


class ActionDefender(db.Model):
    """A defender an action concerns, with their consent to this submission."""

    __tablename__ = "advocacy_action_defenders"
    __table_args__ = (UniqueConstraint("action_id", "defender_id"),)

    NOT_ASKED, GIVEN, REFUSED = "", "given", "refused"
    CONSENTS = (NOT_ASKED, GIVEN, REFUSED)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("advocacy_actions.id", ondelete="CASCADE"))
    defender_id: Mapped[int] = mapped_column(ForeignKey("core_defenders.id", ondelete="RESTRICT"), index=True)
    consent: Mapped[str] = mapped_column(String(10), default=NOT_ASKED)
    consent_on: Mapped[date | None] = mapped_column(Date)

    action: Mapped[AdvocacyAction] = relationship(back_populates="defender_links")
    defender: Mapped[Defender] = relationship()

    @property
    def audit_label(self) -> str:
        return f"defender {self.defender_id} (consent: {self.consent or 'not asked'})"


class ActionRecordLink(RecordLink, db.Model):
    """A record of another plugin the action concerns (an intervention case, a mission): the core's link columns."""

    __tablename__ = "advocacy_record_links"
    __link_owner__ = ("action_id", "advocacy_actions.id")


class Answer(db.Model):
    """What came back, dated: an acknowledgement, the state's reply, precautionary measures granted..."""

    __tablename__ = "advocacy_answers"
    __table_args__ = (Index("ix_advocacy_answers_action", "action_id", "received_on"),)
    __record_type__ = "advocacy_answer"
    __audited__ = True

    ACKNOWLEDGEMENT, SENT_TO_STATE, STATE_REPLY = "acknowledgement", "sent_to_state", "state_reply"
    PUBLIC_STATEMENT, GRANTED, REFUSED = "public_statement", "measures_granted", "measures_refused"
    RESOLUTION, NO_RESPONSE = "resolution", "no_response"
    KINDS = (ACKNOWLEDGEMENT, SENT_TO_STATE, STATE_REPLY, PUBLIC_STATEMENT, GRANTED, REFUSED, RESOLUTION, NO_RESPONSE)
    OUTCOMES = (PUBLIC_STATEMENT, GRANTED, REFUSED, RESOLUTION, STATE_REPLY, NO_RESPONSE)  # results, not steps
    ENDS_WAIT = (STATE_REPLY, NO_RESPONSE)  # the awaited reply came, or is recorded as never coming

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("advocacy_actions.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    received_on: Mapped[date] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_users.id", ondelete="SET NULL"))

    action: Mapped[AdvocacyAction] = relationship(back_populates="answers")

    @property
    def confidentiality(self) -> str:
        """A response is as confidential as its action (attachments and audit follow it)."""
        return self.action.confidentiality

    @property
    def name(self) -> str:
        return f"{self.action.title}: {self.kind}"



class DossierDraft(db.Model):
    """A dossier as its author chose it (mechanism, language, country or cases, restricted records, and the cover
    paragraph they typed), kept on the server so that no address carries the typed text (access logs, proxies,
    browser history): the preview, the preflight step and the builds name it by ``token``, an opaque key of its
    author and choice (the same choice keeps the same step, and its decisions). Only its author reads it; one
    unused for ``PREFLIGHT_DECISIONS_DAYS`` is deleted when another is kept."""

    __tablename__ = "advocacy_dossier_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_users.id", ondelete="CASCADE"), index=True)
    choice: Mapped[dict[str, Any]] = mapped_column(JSON)  # the choice form's fields, as posted
    used_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
