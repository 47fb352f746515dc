"""Core tables of the platform: users, roles and their permissions, recovery codes, jobs, preflight decisions,
plugin failures."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from ..extensions import db


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime given to a UTC column")
            value = value.astimezone(timezone.utc)
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value


user_roles = Table(
    "core_user_roles",
    db.metadata,
    Column("user_id", ForeignKey("core_users.id", ondelete="CASCADE"), primary_key=True),
    Column("role_id", ForeignKey("core_roles.id", ondelete="CASCADE"), primary_key=True),
)


class Role(db.Model):
    """A role; built-in ones are created by the first migration and cannot be removed."""

    __tablename__ = "core_roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    builtin: Mapped[bool] = mapped_column(Boolean, default=False)
    require_2fa: Mapped[bool] = mapped_column(Boolean, default=False)
    permission_overrides: Mapped[list[RolePermission]] = relationship(
        back_populates="role", cascade="all, delete-orphan"
    )


class RolePermission(db.Model):
    """An admin's change to a role's default permissions: granted (True) or revoked (False)."""

    __tablename__ = "core_role_permissions"
    __table_args__ = (UniqueConstraint("role_id", "permission"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("core_roles.id", ondelete="CASCADE"), index=True)
    permission: Mapped[str] = mapped_column(String(100))
    granted: Mapped[bool] = mapped_column(Boolean)
    role: Mapped[Role] = relationship(back_populates="permission_overrides")


class User(UserMixin, db.Model):
    __tablename__ = "core_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    locale: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)  # in a row, for the admins' alert
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    reminder_days: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    roles: Mapped[list[Role]] = relationship(secondary=user_roles, lazy="selectin", order_by=Role.name)
    recovery_codes: Mapped[list[RecoveryCode]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def role_names(self) -> set[str]:
        return {role.name for role in self.roles}

    @property
    def must_use_2fa(self) -> bool:
        return any(role.require_2fa for role in self.roles)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class RecoveryCode(db.Model):
    """A one-time code that replaces the authenticator app once; only its hash is kept."""

    __tablename__ = "core_recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(255))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    user: Mapped[User] = relationship(back_populates="recovery_codes")


class UserSession(db.Model):
    """One signed-in browser. Its cookie carries a random token; only the token's hash is kept here. A cookie
    whose row is gone is refused, so deleting the row ends every copy of that cookie at once."""

    __tablename__ = "core_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Job(db.Model):
    """A unit of background work and its outcome, whether it ran in rq or inline."""

    __tablename__ = "core_jobs"

    QUEUED, RUNNING, FINISHED, FAILED = "queued", "running", "finished", "failed"

    id: Mapped[int] = mapped_column(primary_key=True)
    function: Mapped[str] = mapped_column(String(200))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    title: Mapped[str] = mapped_column(String(200))
    locale: Mapped[str] = mapped_column(String(10), default="en")
    status: Mapped[str] = mapped_column(String(20), default=QUEUED, index=True)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str | None] = mapped_column(String(500))
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    result_filename: Mapped[str | None] = mapped_column(String(255))
    result_mimetype: Mapped[str | None] = mapped_column(String(100))
    result_size: Mapped[int | None] = mapped_column(Integer)
    result_data: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    result_seal: Mapped[str | None] = mapped_column(String(64))  # set by JobContext.save_result, checked by the door
    # where the current attempt runs: "rq:<rq job id>" or "inline:<host>:<token>" (core.jobs.jobs.fail_stopped_jobs)
    runner: Mapped[str | None] = mapped_column(String(200))
    created_by: Mapped[User | None] = relationship()

    @property
    def done(self) -> bool:
        return self.status in (self.FINISHED, self.FAILED)




class PluginFailure(db.Model):
    """A plugin's failure (to load, or in a hook) as processes of one kind saw it, so that every process and
    ``observatory plugins`` show it, not only the process it happened in. One row per process kind, plugin and
    hook: a repeat raises ``count`` and ``last_seen`` (and keeps the latest message and process) instead of
    adding rows. It holds the exception's type and the first line of its message, never a traceback
    (:mod:`core.plugin_host.failures`, which also deletes the row once the same call succeeds)."""

    __tablename__ = "core_plugin_failures"
    __table_args__ = (UniqueConstraint("process_kind", "plugin", "hook"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_kind: Mapped[str] = mapped_column(String(20))  # web, worker, scheduler or cli
    plugin: Mapped[str] = mapped_column(String(100))
    hook: Mapped[str] = mapped_column(String(100))  # a hook's name, or "(loading)"
    message: Mapped[str] = mapped_column(String(500))
    host: Mapped[str] = mapped_column(String(255))  # of the latest occurrence
    pid: Mapped[int] = mapped_column(Integer)
    count: Mapped[int] = mapped_column(Integer, default=1)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class PreflightDecision(db.Model):
    """A person's decision on one ambiguous hit of an output's preflight step (:mod:`core.disclosure.preflight`):
    "mask" it, or keep it ("other": another person, or a plain word), why, and when. A build through that step
    applies its author's decisions only; a decision on a hit the output no longer holds is simply unused. Each
    decision is audited when it is taken (the audit trail keeps who, what was found and why)."""

    __tablename__ = "core_preflight_decisions"
    __table_args__ = (UniqueConstraint("user_id", "step_key", "hit_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_users.id", ondelete="CASCADE"))
    # The step's path only: its query may hold typed text (a dossier's cover paragraph), names included, which
    # has no reason to be kept here. The whole address's SHA-256 is what the lookup uses.
    step: Mapped[str] = mapped_column(Text)
    step_key: Mapped[str] = mapped_column(String(64))
    hit_key: Mapped[str] = mapped_column(String(32))  # core.disclosure.Hit.key
    decision: Mapped[str] = mapped_column(String(10))  # "mask" or "other"
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CalendarToken(db.Model):
    """The secret in a user's personal calendar-feed address; only its hash is kept, and it can be revoked."""

    __tablename__ = "core_calendar_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_users.id", ondelete="CASCADE"), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user: Mapped[User] = relationship()


class CalendarVersion(db.Model):
    """One row: a number raised in the same transaction as any change a calendar feed may depend on (a deadline,
    a record's confidentiality, a name, an assignment, a role), and when. Feeds are cached and validated by it
    (``core.calendar.deadlines``)."""

    __tablename__ = "core_calendar_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
