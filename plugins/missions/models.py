"""Missions (fact-finding, trial observation, support, solidarity), their delegates, budget, hearings with
their fair-trial checklists, the report in up to three languages and its recommendations.

A mission goes proposed → approved → preparing → in the field → report in drafting → report published →
closed; every step is kept in ``MissionStep`` with who took it. It may be postponed (and resumed) or
cancelled, with a reason. Amounts are exact decimals (``Numeric``), converted to the mission's reporting
currency at the rate recorded on each line.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.api import INTERNAL, Country, Defender, Partner, RecordLink, Term, User, UTCDateTime, db, utcnow, words

LANGUAGES = ("en", "fr", "es")

class Mission(db.Model):
    __tablename__ = "missions_missions"
    __table_args__ = (
        Index("ix_missions_missions_start_id", "start_date", "id", "confidentiality"),
        Index("ix_missions_missions_updated_id", "updated_at", "id", "confidentiality"),
        # With the start index, dates "starting or ending between" read two index ranges, not every mission.
        Index("ix_missions_missions_end", "end_date"),
    )
    __record_type__ = "mission"
    __audited__ = True
    # Parts audited as records of their own; the links to defenders, partners, countries and other records
    # stay in the mission's trail.
    __audit_exclude__ = ("delegates", "steps", "budget_lines", "hearings", "reports", "recommendations")

    PROPOSED, APPROVED, PREPARING, IN_FIELD = "proposed", "approved", "preparing", "in_field"
    DRAFTING, PUBLISHED, CLOSED = "report_drafting", "report_published", "closed"
    POSTPONED, CANCELLED = "postponed", "cancelled"
    FLOW = (PROPOSED, APPROVED, PREPARING, IN_FIELD, DRAFTING, PUBLISHED, CLOSED)
    STATUSES = FLOW + (POSTPONED, CANCELLED)
    TRIAL_OBSERVATION = "trial_observation"  # the mission type whose missions record hearings

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    type_id: Mapped[int] = mapped_column(ForeignKey("core_terms.id", ondelete="RESTRICT"), index=True)
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    terms_of_reference: Mapped[str] = mapped_column(Text, default="")
    objectives: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=PROPOSED, index=True)
    confidentiality: Mapped[str] = mapped_column(String(20), default=INTERNAL)
    reporting_currency: Mapped[str] = mapped_column(String(3), default="EUR")

    # Trial observation: the proceedings observed.
    court: Mapped[str] = mapped_column(String(300), default="")
    court_case_number: Mapped[str] = mapped_column(String(100), default="")
    charges: Mapped[str] = mapped_column(Text, default="")

    # The security assessment: restricted, on a page of its own (see services.may_see_security).
    risk_level: Mapped[str] = mapped_column(String(20), default="")
    security_measures: Mapped[str] = mapped_column(Text, default="")
    emergency_contacts: Mapped[str] = mapped_column(Text, default="")

    report_published_on: Mapped[date | None] = mapped_column(Date)

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_users.id", ondelete="SET NULL"))

    type: Mapped[Term] = relationship()
    # A link model rather than a plain many-to-many: joined into the mission's query, it stays a flat join
    # that databases resolve by key (SQLite materialises a nested many-to-many join over every mission).
    country_links: Mapped[list[MissionCountry]] = relationship(cascade="all, delete-orphan",
                                                               order_by="MissionCountry.country_id")
    defender_links: Mapped[list[MissionDefender]] = relationship(back_populates="mission",
                                                                 cascade="all, delete-orphan")
    partner_links: Mapped[list[MissionPartner]] = relationship(cascade="all, delete-orphan")
    record_links: Mapped[list[MissionRecordLink]] = relationship(cascade="all, delete-orphan",
                                                                 order_by="MissionRecordLink.id")
    delegates: Mapped[list[Delegate]] = relationship(back_populates="mission", cascade="all, delete-orphan",
                                                     order_by="Delegate.id")
    steps: Mapped[list[MissionStep]] = relationship(cascade="all, delete-orphan", order_by="MissionStep.id")
    budget_lines: Mapped[list[BudgetLine]] = relationship(back_populates="mission", cascade="all, delete-orphan",
                                                          order_by="BudgetLine.id")
    hearings: Mapped[list[Hearing]] = relationship(back_populates="mission", cascade="all, delete-orphan",
                                                   order_by="[Hearing.held_on, Hearing.id]")
    reports: Mapped[list[ReportText]] = relationship(cascade="all, delete-orphan", order_by="ReportText.language")
    recommendations: Mapped[list[Recommendation]] = relationship(back_populates="mission",
                                                                 cascade="all, delete-orphan",
                                                                 order_by="Recommendation.id")

    @property
    def name(self) -> str:
        """The label the core uses for this record (audit trail, notifications)."""
        return self.title

    @property
    def countries(self) -> list[Country]:
        """The mission's countries in alpha-3 order (country ids follow that order)."""
        return [link.country for link in self.country_links]

    @property
    def is_trial_observation(self) -> bool:
        return self.type is not None and self.type.key == self.TRIAL_OBSERVATION

    @property
    def search_text(self) -> str:
        """Every word of the titles, objectives, summaries and findings, for the core's word search."""
        parts = [self.title, self.objectives, self.terms_of_reference, self.court]
        for report in self.reports:
            parts += [report.title, report.summary, report.findings]
        return " ".join(sorted(set(words(" ".join(parts)))))

    def report(self, language: str) -> ReportText | None:
        return next((r for r in self.reports if r.language == language), None)

    def report_languages(self) -> list[str]:
        return [r.language for r in self.reports if r.title.strip() and r.summary.strip()]


class MissionCountry(db.Model):
    __tablename__ = "missions_mission_countries"

    mission_id: Mapped[int] = mapped_column(ForeignKey("missions_missions.id", ondelete="CASCADE"), primary_key=True)
    country_id: Mapped[int] = mapped_column(ForeignKey("core_countries.id", ondelete="RESTRICT"), primary_key=True,
                                            index=True)

    country: Mapped[Country] = relationship(lazy="joined")

    @property
    def audit_label(self) -> str:
        """How the audit trail names the link (its country), without loading anything during a flush."""
        return f"country {self.country_id}"


class MissionDefender(db.Model):
    """A defender the mission concerns; ``on_trial`` for the defendants of an observed trial."""

    __tablename__ = "missions_mission_defenders"
    __table_args__ = (UniqueConstraint("mission_id", "defender_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions_missions.id", ondelete="CASCADE"))
    defender_id: Mapped[int] = mapped_column(ForeignKey("core_defenders.id", ondelete="RESTRICT"), index=True)
    on_trial: Mapped[bool] = mapped_column(Boolean, default=False)

    mission: Mapped[Mission] = relationship(back_populates="defender_links")
    defender: Mapped[Defender] = relationship()

    @property
    def audit_label(self) -> str:
        return f"defender {self.defender_id}{' (on trial)' if self.on_trial else ''}"


class MissionPartner(db.Model):
    __tablename__ = "missions_mission_partners"
    __table_args__ = (UniqueConstraint("mission_id", "partner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions_missions.id", ondelete="CASCADE"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("core_partners.id", ondelete="RESTRICT"), index=True)
    role: Mapped[str] = mapped_column(String(200), default="")

    partner: Mapped[Partner] = relationship()

    @property
    def audit_label(self) -> str:
        return f"partner {self.partner_id}"


class MissionRecordLink(RecordLink, db.Model):
    """A record of another plugin the mission concerns (an intervention case): the core's link columns."""

    __tablename__ = "missions_record_links"
    __link_owner__ = ("mission_id", "missions_missions.id")


class Delegate(db.Model):
    """Someone sent on the mission: a staff member (a user) or an external lawyer or expert (a contact)."""

    __tablename__ = "missions_delegates"
    __audited__ = True
    __record_type__ = "mission_delegate"
    KINDS = ("staff", "lawyer", "expert", "other")

    id: Mapped[int] = mapped_column(primary_key=True)
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions_missions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("core_users.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(String(200), default="")  # external delegates only
    organisation: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(20), default="staff")
    role: Mapped[str] = mapped_column(String(200), default="")
    languages: Mapped[str] = mapped_column(String(200), default="")
    contact: Mapped[str] = mapped_column(Text, default="")

    mission: Mapped[Mission] = relationship(back_populates="delegates")
    user: Mapped[User | None] = relationship()

    @property
    def display_name(self) -> str:
        return self.user.name if self.user is not None else self.name


class MissionStep(db.Model):
    """One step of the workflow, with who took it and, for postponing or cancelling, why."""

    __tablename__ = "missions_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions_missions.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("core_users.id", ondelete="SET NULL"))

    by: Mapped[User | None] = relationship()


class BudgetLine(db.Model):
    """A planned line or an actual expense, in its own currency, with the rate to the reporting currency
    (how many units of the reporting currency one unit of ``currency`` was worth)."""

    __tablename__ = "missions_budget_lines"
    __audited__ = True
    __record_type__ = "mission_budget_line"
    PLANNED, ACTUAL = "planned", "actual"
    CATEGORIES = ("travel", "accommodation", "interpretation", "fees", "other")

    id: Mapped[int] = mapped_column(primary_key=True)
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions_missions.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    category: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(String(300), default="")
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    currency: Mapped[str] = mapped_column(String(3))
    rate: Mapped[Decimal] = mapped_column(Numeric(15, 8))
    spent_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_users.id", ondelete="SET NULL"))

    mission: Mapped[Mission] = relationship(back_populates="budget_lines")


class Hearing(db.Model):
    """A hearing of the observed trial, with its observer, outcome and fair-trial checklist."""

    __tablename__ = "missions_hearings"
    __table_args__ = (Index("ix_missions_hearings_held_on", "held_on", "mission_id"),)
    __audited__ = True
    __record_type__ = "mission_hearing"
    __audit_exclude__ = ("answers",)  # the checklist is audited as one change (services.save_hearing)
    OUTCOMES = ("scheduled", "adjourned", "verdict", "sentence", "other")

    id: Mapped[int] = mapped_column(primary_key=True)
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions_missions.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    observer_id: Mapped[int | None] = mapped_column(ForeignKey("missions_delegates.id", ondelete="SET NULL"))
    outcome: Mapped[str] = mapped_column(String(20), default="scheduled")
    outcome_details: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")

    mission: Mapped[Mission] = relationship(back_populates="hearings")
    observer: Mapped[Delegate | None] = relationship()
    answers: Mapped[list[ChecklistAnswer]] = relationship(back_populates="hearing", cascade="all, delete-orphan")


class ChecklistAnswer(db.Model):
    """The observer's answer on one fair-trial guarantee (a term of the ``fair_trial`` list) at a hearing."""

    __tablename__ = "missions_checklist_answers"
    __table_args__ = (UniqueConstraint("hearing_id", "term_id"),)
    RESPECTED, NOT_RESPECTED, NOT_OBSERVED = "respected", "not_respected", "not_observed"
    ANSWERS = (RESPECTED, NOT_RESPECTED, NOT_OBSERVED)

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(ForeignKey("missions_hearings.id", ondelete="CASCADE"))
    term_id: Mapped[int] = mapped_column(ForeignKey("core_terms.id", ondelete="RESTRICT"))
    answer: Mapped[str] = mapped_column(String(20), default=NOT_OBSERVED)
    notes: Mapped[str] = mapped_column(Text, default="")

    hearing: Mapped[Hearing] = relationship(back_populates="answers")
    term: Mapped[Term] = relationship()


class ReportText(db.Model):
    """The mission report in one language."""

    __tablename__ = "missions_reports"
    __table_args__ = (UniqueConstraint("mission_id", "language"),)
    __audited__ = True
    __record_type__ = "mission_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions_missions.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(2))
    title: Mapped[str] = mapped_column(String(300), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    findings: Mapped[str] = mapped_column(Text, default="")

    @property
    def name(self) -> str:
        return self.title


class Recommendation(db.Model):
    """A recommendation of the report, addressed to an actor, whose implementation is followed over time."""

    __tablename__ = "missions_recommendations"
    __audited__ = True
    __record_type__ = "mission_recommendation"
    __audit_exclude__ = ("updates",)
    ADDRESSEES = ("state", "court", "parliament", "intergovernmental", "other")
    NOT_IMPLEMENTED, PARTLY, FULLY = "not_implemented", "partly", "fully"
    STATUSES = (NOT_IMPLEMENTED, PARTLY, FULLY)

    id: Mapped[int] = mapped_column(primary_key=True)
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions_missions.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    addressee_kind: Mapped[str] = mapped_column(String(20), default="state")
    addressee: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default=NOT_IMPLEMENTED)

    mission: Mapped[Mission] = relationship(back_populates="recommendations")
    updates: Mapped[list[RecommendationUpdate]] = relationship(cascade="all, delete-orphan",
                                                               order_by="RecommendationUpdate.noted_on")

    @property
    def name(self) -> str:
        return self.text[:200]


class RecommendationUpdate(db.Model):
    """A dated note on how far a recommendation is implemented."""

    __tablename__ = "missions_recommendation_updates"
    __audited__ = True
    __record_type__ = "mission_recommendation_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("missions_recommendations.id", ondelete="CASCADE"),
                                                   index=True)
    noted_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    by_id: Mapped[int | None] = mapped_column(ForeignKey("core_users.id", ondelete="SET NULL"))

    by: Mapped[User | None] = relationship()
