"""Notifications, each user's choices, the countries they follow, and the email outbox."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from ..database.models import UTCDateTime, utcnow
from ..extensions import db

followed_countries = Table(
    "core_followed_countries",
    db.metadata,
    Column("user_id", ForeignKey("core_users.id", ondelete="CASCADE"), primary_key=True),
    Column("country_id", ForeignKey("core_countries.id", ondelete="CASCADE"), primary_key=True),
)


class Notification(db.Model):
    """Stored as a kind and parameters, and worded in the reader's language when shown."""

    __tablename__ = "core_notifications"
    __table_args__ = (UniqueConstraint("user_id", "dedup_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    url: Mapped[str] = mapped_column(String(500), default="")
    dedup_key: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class NotificationPreference(db.Model):
    """A user's choice for one kind of notification; without a row, the kind's defaults apply."""

    __tablename__ = "core_notification_preferences"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    in_app: Mapped[bool] = mapped_column(Boolean, default=True)
    email: Mapped[bool] = mapped_column(Boolean, default=False)


class OutboxMessage(db.Model):
    """Every email the app sends; without a mail server (development) it stays here for admins to read."""

    __tablename__ = "core_outbox"

    QUEUED, SENDING, SENT, HELD, FAILED = "queued", "sending", "sent", "held", "failed"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=QUEUED, index=True)
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

