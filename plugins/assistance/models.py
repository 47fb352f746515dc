"""Material assistance: grant requests for defenders (or organisations) in danger, and how the committee
decides on them.

A request is restricted by default and goes draft → submitted (the committee votes) → approved or rejected,
possibly through "awaiting information"; it may be withdrawn or found ineligible, with a reason. Each member
declares a conflict of interest or votes once (``Vote`` is unique per request and member, and votes are
counted under a lock on the request, so none is lost or counted twice). Decisions are append-only: a later
``Decision`` with a reason supersedes an earlier one, which stays on record.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.api import RESTRICTED, Defender, Partner, Term, User, UTCDateTime, db, utcnow


class GrantRequest(db.Model):
    __tablename__ = "assistance_requests"
    __table_args__ = (
        Index("ix_assistance_requests_updated_id", "updated_at", "id", "confidentiality"),
        # Requests before the committee, oldest first (what waits for a member's vote), read in order.
        Index("ix_assistance_requests_status", "status", "submitted_at", "id"),
    )
    __record_type__ = "grant_request"
    __audited__ = True
    __audit_exclude__ = ("budget_lines", "fundings", "votes", "conflicts", "questions", "decisions", "events",
                         "payments")

    DRAFT, SUBMITTED, AWAITING, APPROVED, REJECTED = "draft", "submitted", "awaiting_information", "approved", "rejected"
    WITHDRAWN, INELIGIBLE, CLOSED = "withdrawn", "ineligible", "closed"
    STATUSES = (DRAFT, SUBMITTED, AWAITING, APPROVED, REJECTED, WITHDRAWN, INELIGIBLE, CLOSED)
    OPEN = (SUBMITTED, AWAITING)  # the committee is deciding
    EMERGENCY, NORMAL = "emergency", "normal"
    RELOCATION = "relocation"  # the grant type whose requests carry a relocation plan

    id: Mapped[int] = mapped_column(primary_key=True)
    defender_id: Mapped[int] = mapped_column(ForeignKey("core_defenders.id", ondelete="RESTRICT"), index=True)
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("core_partners.id", ondelete="SET NULL"), index=True)
    grant_type_id: Mapped[int] = mapped_column(ForeignKey("core_terms.id", ondelete="RESTRICT"), index=True)
    urgency: Mapped[str] = mapped_column(String(20), default=NORMAL)
    situation: Mapped[str] = mapped_column(Text, default="")
    justification: Mapped[str] = mapped_column(Text, default="")
    risk_assessment: Mapped[str] = mapped_column(Text, default="")
    reporting_currency: Mapped[str] = mapped_column(String(3), default="EUR")

    # Relocation plan (evacuation or temporary relocation requests).
    destination: Mapped[str] = mapped_column(String(300), default="")
    duration: Mapped[str] = mapped_column(String(200), default="")
    visa_and_security: Mapped[str] = mapped_column(Text, default="")
    family_members: Mapped[str] = mapped_column(Text, default="")
    return_plan: Mapped[str] = mapped_column(Text, default="")

    status: Mapped[str] = mapped_column(String(30), default=DRAFT)
    status_reason: Mapped[str] = mapped_column(Text, default="")
    confidentiality: Mapped[str] = mapped_column(String(20), default=RESTRICTED)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # An emergency decided by the chair alone, in force, that the committee has still to vote on.
    awaiting_ratification: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    # The day by which the committee should have voted; past it, with no decision, the chair is asked to decide.
    vote_deadline: Mapped[date | None] = mapped_column(Date)
    # The beneficiary's report on the use of the grant: due on a date, then received (receipts attached).
    report_due_on: Mapped[date | None] = mapped_column(Date, index=True)
    report_received_on: Mapped[date | None] = mapped_column(Date)

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_users.id", ondelete="SET NULL"))

    defender: Mapped[Defender] = relationship()
    partner: Mapped[Partner | None] = relationship()
    grant_type: Mapped[Term] = relationship()
    created_by: Mapped[User | None] = relationship()
    budget_lines: Mapped[list[RequestLine]] = relationship(back_populates="request", cascade="all, delete-orphan",
                                                           order_by="RequestLine.id")
    fundings: Mapped[list[OtherFunding]] = relationship(cascade="all, delete-orphan", order_by="OtherFunding.id")
    votes: Mapped[list[Vote]] = relationship(back_populates="request", cascade="all, delete-orphan",
                                             order_by="Vote.id")
    conflicts: Mapped[list[Conflict]] = relationship(cascade="all, delete-orphan", order_by="Conflict.id")
    questions: Mapped[list[Question]] = relationship(cascade="all, delete-orphan", order_by="Question.id")
    decisions: Mapped[list[Decision]] = relationship(back_populates="request", cascade="all, delete-orphan",
                                                     order_by="Decision.id")
    events: Mapped[list[RequestEvent]] = relationship(cascade="all, delete-orphan", order_by="RequestEvent.id")
    payments: Mapped[list[Payment]] = relationship(back_populates="request", cascade="all, delete-orphan",
                                                   order_by="Payment.paid_on")

    @property
    def name(self) -> str:
        """The label the core uses (audit trail): the request number, never the beneficiary's name."""
        return f"Request #{self.id}"

    @property
    def is_relocation(self) -> bool:
        return self.grant_type is not None and self.grant_type.key == self.RELOCATION

    @property
    def decision(self) -> Decision | None:
        """The decision in force: the latest one."""
        return self.decisions[-1] if self.decisions else None


class RequestLine(db.Model):
    """A line of the requested budget, in its own currency, with its rate to the reporting currency."""

    __tablename__ = "assistance_request_lines"
    __audited__ = True
    __record_type__ = "grant_request_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("assistance_requests.id", ondelete="CASCADE"), index=True)
    description: Mapped[str] = mapped_column(String(300))
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    currency: Mapped[str] = mapped_column(String(3))
    rate: Mapped[Decimal] = mapped_column(Numeric(15, 8))

    request: Mapped[GrantRequest] = relationship(back_populates="budget_lines")


class OtherFunding(db.Model):
    """Another funder approached for the same need, and what they gave (a double-funding check)."""

    __tablename__ = "assistance_other_fundings"
    __audited__ = True
    __record_type__ = "grant_request_funding"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("assistance_requests.id", ondelete="CASCADE"), index=True)
    funder: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending, granted, refused
    amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    currency: Mapped[str] = mapped_column(String(3), default="")


class Conflict(db.Model):
    """A member's declaration about a request: a conflict of interest excludes them from its vote."""

    __tablename__ = "assistance_conflicts"
    __table_args__ = (UniqueConstraint("request_id", "member_id"),)
    __audited__ = True
    __record_type__ = "grant_conflict"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("assistance_requests.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("core_users.id", ondelete="CASCADE"), index=True)
    has_conflict: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(Text, default="")
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    member: Mapped[User] = relationship()


class Vote(db.Model):
    """One member's vote on a request: at most one, ever (the unique constraint is the last line of defence)."""

    __tablename__ = "assistance_votes"
    __table_args__ = (
        UniqueConstraint("request_id", "member_id"),
        # "Which requests has this member voted on?", asked by the dashboard on every view: read from this
        # index alone (on the member alone, SQLite preferred reading every vote).
        Index("ix_assistance_votes_member_id", "member_id", "request_id"),
    )
    __audited__ = True
    __record_type__ = "grant_vote"
    APPROVE, REJECT, ABSTAIN = "approve", "reject", "abstain"
    CHOICES = (APPROVE, REJECT, ABSTAIN)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("assistance_requests.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("core_users.id", ondelete="CASCADE"))
    choice: Mapped[str] = mapped_column(String(10))
    comment: Mapped[str] = mapped_column(Text, default="")
    cast_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    request: Mapped[GrantRequest] = relationship(back_populates="votes")
    member: Mapped[User] = relationship()


class Question(db.Model):
    """A question a member (or staff) asks the requester; the answer is kept on the request."""

    __tablename__ = "assistance_questions"
    __audited__ = True
    __record_type__ = "grant_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("assistance_requests.id", ondelete="CASCADE"), index=True)
    asked_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_users.id", ondelete="SET NULL"))
    question: Mapped[str] = mapped_column(Text)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_users.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    asked_by: Mapped[User | None] = relationship(foreign_keys=[asked_by_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])


class Decision(db.Model):
    """A decision on a request: by the committee's vote, by the chair alone in an emergency (to be ratified),
    a ratification, the chair's when the committee cannot decide, or a revision with its reason. Never edited:
    a new one supersedes it."""

    __tablename__ = "assistance_decisions"
    __audited__ = True
    __record_type__ = "grant_decision"
    COMMITTEE, CHAIR, RATIFICATION, REVISION = "committee", "chair", "ratification", "revision"
    CASTING = "casting"  # the chair's, when the committee cannot decide (too few may vote, or the deadline passed)
    APPROVED, REJECTED = "approved", "rejected"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("assistance_requests.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str] = mapped_column(String(10))
    amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))  # in the request's reporting currency
    conditions: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    votes_for: Mapped[int] = mapped_column(Integer, default=0)
    votes_against: Mapped[int] = mapped_column(Integer, default=0)
    abstentions: Mapped[int] = mapped_column(Integer, default=0)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_users.id", ondelete="SET NULL"))
    ratified: Mapped[bool] = mapped_column(Boolean, default=False)  # a chair's decision, once the committee agreed

    request: Mapped[GrantRequest] = relationship(back_populates="decisions")
    decided_by: Mapped[User | None] = relationship()


class RequestEvent(db.Model):
    """A change of status with who made it and why (submitted, awaiting information, withdrawn...)."""

    __tablename__ = "assistance_request_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("assistance_requests.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("core_users.id", ondelete="SET NULL"))
    # The decision that made this change, if any: the history then credits whoever took it (the committee, with
    # its tally, or the chair), not the member whose vote happened to complete the count.
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("assistance_decisions.id", ondelete="SET NULL"))

    by: Mapped[User | None] = relationship()
    decision: Mapped[Decision | None] = relationship()  # written; pages read decision_id


class Payment(db.Model):
    """An instalment paid to the beneficiary; how and with which reference is restricted to staff and chair."""

    __tablename__ = "assistance_payments"
    __audited__ = True
    __record_type__ = "grant_payment"
    METHODS = ("bank_transfer", "money_transfer", "cash_through_partner", "other")

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("assistance_requests.id", ondelete="CASCADE"), index=True)
    paid_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    currency: Mapped[str] = mapped_column(String(3))
    rate: Mapped[Decimal] = mapped_column(Numeric(15, 8))  # to the request's reporting currency
    method: Mapped[str] = mapped_column(String(30))
    reference: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_users.id", ondelete="SET NULL"))

    request: Mapped[GrantRequest] = relationship(back_populates="payments")


class Envelope(db.Model):
    """The year's budget for one grant type, or for all grants (``term_id`` empty), in the reporting currency."""

    __tablename__ = "assistance_envelopes"
    __table_args__ = (UniqueConstraint("year", "term_id"),)
    __audited__ = True
    __record_type__ = "grant_envelope"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    term_id: Mapped[int | None] = mapped_column(ForeignKey("core_terms.id", ondelete="CASCADE"))
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    term: Mapped[Term | None] = relationship()

    @property
    def name(self) -> str:
        return f"{self.year} {self.term.key if self.term else 'all'}"


class GrantCeiling(db.Model):
    """The most a grant of one type may be, set by admins (in the reporting currency)."""

    __tablename__ = "assistance_ceilings"

    term_id: Mapped[int] = mapped_column(ForeignKey("core_terms.id", ondelete="CASCADE"), primary_key=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

