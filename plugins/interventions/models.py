"""Cases of repression, how they were verified, and the actions (appeals, letters) taken on them.

A case gathers defenders (core records) and is numbered once, when its first public action is
published: ``TUR 001 / 0124 / OBS 005`` (see ``codes.py``). Its actions carry their text in up to
three languages and go through draft → in review → approved → published.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import has_request_context
from flask_babel import get_locale
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.api import INTERNAL, Country, Defender, Partner, Term, User, UTCDateTime, db, utcnow

LANGUAGES = ("en", "fr", "es")

case_violations = Table(
    "interventions_case_violations",
    db.metadata,
    Column("case_id", ForeignKey("interventions_cases.id", ondelete="CASCADE"), primary_key=True),
    Column("term_id", ForeignKey("core_terms.id", ondelete="RESTRICT"), primary_key=True),
    # the cases of one violation, newest first: what the case list filtered by a violation reads
    Index("ix_interventions_case_violations_term_case", "term_id", "case_id"),
)


class Case(db.Model):
    """A report of repression against one or more defenders, from intake to closure."""

    __tablename__ = "interventions_cases"
    __table_args__ = (
        UniqueConstraint("year", "obs_number", name="uq_interventions_cases_obs_number"),
        UniqueConstraint("year", "country_id", "country_number", name="uq_interventions_cases_country_number"),
        Index("ix_interventions_cases_updated_id", "updated_at", "id", "confidentiality"),
        Index("ix_interventions_cases_country_updated_id", "country_id", "updated_at", "id"),
        # Cases to verify, oldest report first (the dashboard), read in order rather than sorted.
        Index("ix_interventions_cases_verification", "verification", "received_at", "id"),
        # The list's filters by country or region, verification and status answered from the index alone:
        # counting a filtered list then reads no case row.
        Index("ix_interventions_cases_country_filters", "country_id", "verification", "status", "confidentiality"),
    )
    __record_type__ = "case"
    __audited__ = True

    # Verification: a case is published only once verified, or overridden by a coordinator.
    PENDING, VERIFIED, NOT_CONFIRMED, OVERRIDDEN = "pending", "verified", "not_confirmed", "overridden"
    OPEN, CLOSED = "open", "closed"
    PRIORITIES = ("low", "normal", "high", "urgent")

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    country_id: Mapped[int] = mapped_column(ForeignKey("core_countries.id"))
    events_date: Mapped[date | None] = mapped_column(Date)
    events_place: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    # The source: confidential, shown only to those who may edit the case, never published.
    source_kind: Mapped[str] = mapped_column(String(20), default="partner")
    source_partner_id: Mapped[int | None] = mapped_column(ForeignKey("core_partners.id", ondelete="SET NULL"),
                                                          index=True)
    source_details: Mapped[str] = mapped_column(Text, default="")
    received_via: Mapped[str] = mapped_column(String(20), default="email")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    confidentiality: Mapped[str] = mapped_column(String(20), default=INTERNAL)
    priority: Mapped[str] = mapped_column(String(20), default="normal")
    status: Mapped[str] = mapped_column(String(20), default=OPEN)

    verification: Mapped[str] = mapped_column(String(20), default=PENDING)
    verification_note: Mapped[str] = mapped_column(Text, default="")
    verified_on: Mapped[date | None] = mapped_column(Date)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_users.id", ondelete="SET NULL"))
    # when the decision was recorded: orders it among the steps of its day (none before interventions_0009)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # The reference code's parts, fixed when the first public action is published.
    year: Mapped[int | None] = mapped_column(Integer)
    obs_number: Mapped[int | None] = mapped_column(Integer)
    country_number: Mapped[int | None] = mapped_column(Integer)
    first_issued: Mapped[str | None] = mapped_column(String(4))  # MMYY

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_users.id", ondelete="SET NULL"))

    country: Mapped[Country] = relationship()
    source_partner: Mapped[Partner | None] = relationship()
    verified_by: Mapped[User | None] = relationship(foreign_keys=[verified_by_id])
    violations: Mapped[list[Term]] = relationship(secondary=case_violations, order_by=Term.position)
    defenders: Mapped[list[Defender]] = relationship(secondary="interventions_case_defenders",
                                                     order_by=Defender.name, viewonly=True)
    links: Mapped[list[CaseDefender]] = relationship(back_populates="case", cascade="all, delete-orphan")
    perpetrators: Mapped[list[Perpetrator]] = relationship(back_populates="case", cascade="all, delete-orphan",
                                                           order_by="Perpetrator.id")
    consultations: Mapped[list[Consultation]] = relationship(back_populates="case", cascade="all, delete-orphan",
                                                             order_by="Consultation.consulted_on")
    actions: Mapped[list[Action]] = relationship(back_populates="case", cascade="all, delete-orphan",
                                                 order_by="Action.id")
    outcomes: Mapped[list[Outcome]] = relationship(cascade="all, delete-orphan", order_by="Outcome.occurred_on")
    events: Mapped[list[CaseEvent]] = relationship(cascade="all, delete-orphan", order_by="CaseEvent.id")
    developments: Mapped[list[Development]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="(Development.occurred_on, Development.id)")

    @property
    def name(self) -> str:
        """The label the core uses for this record (audit trail, notifications)."""
        return self.title

    @property
    def publishable(self) -> bool:
        return self.verification in (self.VERIFIED, self.OVERRIDDEN)

    @property
    def reference(self) -> str | None:
        """``TUR 001 / 0124 / OBS 005``, once the case has been numbered."""
        if self.obs_number is None:
            return None
        return reference_code(self.country.alpha3, self.country_number, self.first_issued, self.obs_number)


def languages_with_text(action: Any) -> list[str]:
    """The languages in which ``action`` (an :class:`Action` or a row of its ``title_*`` and ``body_*``) has a title
    and a text."""
    return [lang for lang in LANGUAGES if getattr(action, f"title_{lang}").strip()
            and getattr(action, f"body_{lang}").strip()]


def reference_code(alpha3: str, country_number: int, first_issued: str, obs_number: int) -> str:
    """The Observatory's code of a numbered case: country, its number there, month and year of first issue, and
    its number in the year (``TUR 001 / 0124 / OBS 005``)."""
    return f"{alpha3} {country_number:03d} / {first_issued} / OBS {obs_number:03d}"


class CaseDefender(db.Model):
    """A defender concerned by a case (moved to the kept record when defenders are merged)."""

    __tablename__ = "interventions_case_defenders"
    __table_args__ = (UniqueConstraint("case_id", "defender_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("interventions_cases.id", ondelete="CASCADE"))
    defender_id: Mapped[int] = mapped_column(ForeignKey("core_defenders.id", ondelete="RESTRICT"), index=True)

    case: Mapped[Case] = relationship(back_populates="links")
    defender: Mapped[Defender] = relationship()

    @property
    def audit_label(self) -> str:
        """How the case's audit trail names the link (``defender 12``)."""
        return f"defender {self.defender_id}"


class Perpetrator(db.Model):
    """An alleged perpetrator: state or non-state, of a given type."""

    __tablename__ = "interventions_perpetrators"
    __audited__ = True
    __record_type__ = "case_perpetrator"

    STATE_TYPES = ("police", "military", "judiciary", "intelligence", "prison", "local_authority", "other_state")
    NON_STATE_TYPES = ("armed_group", "company", "religious_group", "media", "private_individuals", "unknown")

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("interventions_cases.id", ondelete="CASCADE"), index=True)
    state: Mapped[bool] = mapped_column(Boolean, default=True)
    type: Mapped[str] = mapped_column(String(30))
    details: Mapped[str] = mapped_column(String(500), default="")

    case: Mapped[Case] = relationship(back_populates="perpetrators")

    @property
    def name(self) -> str:
        return self.details or self.type


class Consultation(db.Model):
    """A partner organisation asked to verify the report, and what it confirmed."""

    __tablename__ = "interventions_consultations"
    __audited__ = True
    __record_type__ = "case_consultation"

    ANSWERS = ("confirmed", "partly", "not_confirmed", "no_answer")

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("interventions_cases.id", ondelete="CASCADE"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("core_partners.id", ondelete="RESTRICT"), index=True)
    consulted_on: Mapped[date] = mapped_column(Date)
    answer: Mapped[str] = mapped_column(String(20))
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_users.id", ondelete="SET NULL"))
    # when it was written down: orders it among the steps of its day (none before interventions_0009)
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship(back_populates="consultations")
    partner: Mapped[Partner] = relationship()

    @property
    def name(self) -> str:
        return self.partner.name if self.partner else ""


class Action(db.Model):
    """An appeal, press release or letter about a case, written in up to three languages."""

    __tablename__ = "interventions_actions"
    __table_args__ = (UniqueConstraint("case_id", "sequence", name="uq_interventions_actions_sequence"),)
    __audited__ = True
    __record_type__ = "case_action"

    TYPES = ("urgent_appeal", "follow_up", "closing", "press_release", "open_letter", "private_letter")
    PRIVATE_TYPES = ("private_letter",)  # never published, hence never numbered
    DRAFT, IN_REVIEW, APPROVED, PUBLISHED = "draft", "in_review", "approved", "published"
    STAGES = (DRAFT, IN_REVIEW, APPROVED, PUBLISHED)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("interventions_cases.id", ondelete="CASCADE"), index=True)
    type: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20), default=DRAFT, index=True)
    # 0 for the case's first public action, then 1, 2... (the ".1" of a follow-up); None until published.
    sequence: Mapped[int | None] = mapped_column(Integer)
    reference: Mapped[str | None] = mapped_column(String(60), unique=True)

    title_en: Mapped[str] = mapped_column(String(300), default="")
    title_fr: Mapped[str] = mapped_column(String(300), default="")
    title_es: Mapped[str] = mapped_column(String(300), default="")
    body_en: Mapped[str] = mapped_column(Text, default="")
    body_fr: Mapped[str] = mapped_column(Text, default="")
    body_es: Mapped[str] = mapped_column(Text, default="")
    requested_en: Mapped[str] = mapped_column(Text, default="")
    requested_fr: Mapped[str] = mapped_column(Text, default="")
    requested_es: Mapped[str] = mapped_column(Text, default="")

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_users.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_users.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_users.id", ondelete="SET NULL"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_users.id", ondelete="SET NULL"))
    # HURIDOCS' impact scale, assessed by staff as responses and developments come in.
    impact: Mapped[str] = mapped_column(String(20), default="unknown", server_default="unknown")

    case: Mapped[Case] = relationship(back_populates="actions")
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])
    authorities: Mapped[list[Authority]] = relationship(secondary="interventions_action_authorities",
                                                        order_by="Authority.position")
    dispatches: Mapped[list[Dispatch]] = relationship(cascade="all, delete-orphan", order_by="Dispatch.sent_on")
    responses: Mapped[list[Response]] = relationship(cascade="all, delete-orphan", order_by="Response.received_on")
    corrections: Mapped[list[Correction]] = relationship(cascade="all, delete-orphan", order_by="Correction.id")

    @property
    def public(self) -> bool:
        return self.type not in self.PRIVATE_TYPES

    @property
    def name(self) -> str:
        return self.reference or self.title("en") or self.title("fr") or self.title("es") or self.type

    def title(self, language: str) -> str:
        return getattr(self, f"title_{language}")

    def languages(self) -> list[str]:
        """The languages in which the action has a title and a text."""
        return languages_with_text(self)

    def texts(self) -> list[str]:
        return [getattr(self, f"{part}_{lang}") for part in ("title", "body", "requested") for lang in LANGUAGES]


class Counter(db.Model):
    """A numbering sequence (the Observatory's numbers of a year, a country's cases of a year).

    Incremented inside the publishing transaction by an atomic upsert, so numbers are never skipped or
    given twice: a publisher who commits later waits for the row and gets the next number.
    """

    __tablename__ = "interventions_counters"

    scope: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


action_authorities = Table(
    "interventions_action_authorities",
    db.metadata,
    Column("action_id", ForeignKey("interventions_actions.id", ondelete="CASCADE"), primary_key=True),
    Column("authority_id", ForeignKey("interventions_authorities.id", ondelete="RESTRICT"), primary_key=True),
)


class Authority(db.Model):
    """An authority letters are addressed to (head of state, minister, prosecutor, embassy...), per country.

    Its office, salutation and postal address are written in each language a letter may be in (a French letter
    opens "Monsieur le Ministre," at the French address): one column each, like an action's texts, so the
    directory and a letter read one row. A language left empty stays empty: pages and letters say it is missing
    rather than borrowing another language's words."""

    __tablename__ = "interventions_authorities"
    __table_args__ = (Index("ix_interventions_authorities_country_position", "country_id", "position"),)
    __audited__ = True
    __record_type__ = "authority"

    PARTS = ("office", "address", "salutation")

    id: Mapped[int] = mapped_column(primary_key=True)
    country_id: Mapped[int] = mapped_column(ForeignKey("core_countries.id"))
    office_en: Mapped[str] = mapped_column(String(200), default="")  # the office: "Minister of Justice"
    office_fr: Mapped[str] = mapped_column(String(200), default="")
    office_es: Mapped[str] = mapped_column(String(200), default="")
    salutation_en: Mapped[str] = mapped_column(String(200), default="")  # "Your Excellency," ...
    salutation_fr: Mapped[str] = mapped_column(String(200), default="")
    salutation_es: Mapped[str] = mapped_column(String(200), default="")
    address_en: Mapped[str] = mapped_column(Text, default="")  # the postal address, one line each
    address_fr: Mapped[str] = mapped_column(Text, default="")
    address_es: Mapped[str] = mapped_column(Text, default="")
    person: Mapped[str] = mapped_column(String(200), default="")  # who holds it now
    email: Mapped[str] = mapped_column(String(254), default="")
    fax: Mapped[str] = mapped_column(String(50), default="")
    position: Mapped[int] = mapped_column(Integer, default=100)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    country: Mapped[Country] = relationship()

    def text(self, part: str, language: str) -> str:
        """The office, address or salutation in ``language``, "" when the directory has none in it."""
        return (getattr(self, f"{part}_{language}") or "").strip()

    def address_lines(self, language: str) -> list[str]:
        return [line.strip() for line in self.text("address", language).splitlines() if line.strip()]

    def missing(self, language: str) -> list[str]:
        """The parts (office, address, salutation) written in another language but not in ``language``."""
        return [part for part in self.PARTS if not self.text(part, language)
                and any(self.text(part, other) for other in LANGUAGES)]

    @property
    def office(self) -> str:
        """The office in the reader's language, else in the first language it is written in (lists of names)."""
        language = str(get_locale() or "en") if has_request_context() else "en"
        return self.text("office", language) if language in LANGUAGES and self.text("office", language) \
            else next((self.text("office", lang) for lang in LANGUAGES if self.text("office", lang)), "")

    @property
    def name(self) -> str:
        return f"{self.office} ({self.person})" if self.person else self.office


class Dispatch(db.Model):
    """A letter sent: which action, to whom, by which channel, in which language, when."""

    __tablename__ = "interventions_dispatches"
    __audited__ = True
    __record_type__ = "case_dispatch"

    CHANNELS = ("email", "fax", "post", "embassy", "intergovernmental")

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("interventions_actions.id", ondelete="CASCADE"), index=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("interventions_authorities.id", ondelete="RESTRICT"),
                                              index=True)
    channel: Mapped[str] = mapped_column(String(30))
    language: Mapped[str] = mapped_column(String(2))
    sent_on: Mapped[date] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_users.id", ondelete="SET NULL"))

    authority: Mapped[Authority] = relationship()

    @property
    def name(self) -> str:
        return self.authority.name if self.authority else ""


class Response(db.Model):
    """What the authorities answered to an action, when (HURIDOCS' response types)."""

    __tablename__ = "interventions_responses"
    __audited__ = True
    __record_type__ = "case_response"

    KINDS = ("none", "acknowledgement", "information_request", "favourable", "pledge", "denial")

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("interventions_actions.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    received_on: Mapped[date] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_users.id", ondelete="SET NULL"))
    # when it was written down: orders it among the steps of its day (none before interventions_0009)
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def name(self) -> str:
        return self.kind


class Outcome(db.Model):
    """How things turned out for the case (or one of its defenders), on a date."""

    __tablename__ = "interventions_outcomes"
    __audited__ = True
    __record_type__ = "case_outcome"

    KINDS = ("released", "charges_dropped", "acquitted", "sentenced", "still_detained", "killed", "disappeared",
             "relocated", "other")

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("interventions_cases.id", ondelete="CASCADE"), index=True)
    defender_id: Mapped[int | None] = mapped_column(ForeignKey("core_defenders.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(30))
    occurred_on: Mapped[date] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_users.id", ondelete="SET NULL"))
    # when it was written down: orders it among the steps of its day (none before interventions_0009)
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=utcnow)

    defender: Mapped[Defender | None] = relationship()

    @property
    def name(self) -> str:
        return self.kind


class CaseEvent(db.Model):
    """A case closed or reopened, with the reason and who did it."""

    __tablename__ = "interventions_case_events"
    CLOSED, REOPENED = "closed", "reopened"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("interventions_cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("core_users.id", ondelete="SET NULL"))

    by: Mapped[User | None] = relationship()


class Development(db.Model):
    """A dated development of a case after the report (an arrest, a threat, a raid...), after HURIDOCS' events
    formats: what happened, when and where, the kind of act and of perpetrator, who told us and how reliable that
    is. Not a :class:`CaseEvent` (closing and reopening, the case's own status): these are the facts the
    follow-up appeals tell. A confidential one is seen only by those who may edit the case (as its source) and
    never leaves the Observatory; the source of any development is confidential as the case's own source."""

    __tablename__ = "interventions_developments"
    __table_args__ = (
        Index("ix_interventions_developments_case_day", "case_id", "occurred_on", "id"),
        # the month's developments of the bulletin, the year's figures
        Index("ix_interventions_developments_day", "occurred_on"),
    )
    __audited__ = True
    __record_type__ = "case_development"

    ACTS = ("arrest", "detention", "judicial_harassment", "physical_attack", "threat", "surveillance", "raid",
            "travel_ban", "killing", "disappearance", "defamation", "other")
    PERPETRATORS = ("state", "non_state", "unknown")
    RELIABILITY = ("confirmed", "probable", "unconfirmed")

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("interventions_cases.id", ondelete="CASCADE"))
    occurred_on: Mapped[date] = mapped_column(Date)
    # the moment, when the time is known (typed in the user's time zone, kept in UTC)
    occurred_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(200), default="")
    act: Mapped[str] = mapped_column(String(30))
    perpetrator: Mapped[str] = mapped_column(String(20), default="unknown")
    what: Mapped[str] = mapped_column(Text)
    source_partner_id: Mapped[int | None] = mapped_column(ForeignKey("core_partners.id", ondelete="SET NULL"),
                                                          index=True)
    source_details: Mapped[str] = mapped_column(Text, default="")
    reliability: Mapped[str] = mapped_column(String(20), default="probable")
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_users.id", ondelete="SET NULL"))

    case: Mapped[Case] = relationship(back_populates="developments")
    source_partner: Mapped[Partner | None] = relationship()

    @property
    def name(self) -> str:
        """How the audit trail names it: the kind of act and the day (never its text, which may be confidential)."""
        return f"{self.act} {self.occurred_on.isoformat() if self.occurred_on else ''}".strip()


class Correction(db.Model):
    """A change to a published text: the field, before and after, the reason, who and when."""

    __tablename__ = "interventions_corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("interventions_actions.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(30))
    before: Mapped[str] = mapped_column(Text)
    after: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("core_users.id", ondelete="SET NULL"))

    by: Mapped[User | None] = relationship()
