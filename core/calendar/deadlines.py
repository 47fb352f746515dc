"""The deadline engine: what plugins say is due, for the upcoming page, the dashboard and calendar feeds."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from flask import current_app
from icalendar import Calendar, Event
from sqlalchemy import delete, select

from ..database.models import CalendarToken, User
from ..disclosure import Guard
from ..extensions import db
from ..languages.i18n import gettext as _
from ..plugin_host import gather
from ..plugin_host.contributions import RESTRICTED, DatedItem

FEED_PAST_DAYS, FEED_FUTURE_DAYS = 30, 365


def upcoming(user: Any, days: int, today: date | None = None, limit: int | None = None) -> list[DatedItem]:
    """The next ``days`` days' deadlines, earliest first: the ``limit`` earliest, or all."""
    today = today or datetime.now(timezone.utc).date()
    return gather.deadlines(today, today + timedelta(days=days), user, limit)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_feed_token(user: User) -> str:
    """Replace the user's feed secret; the old address stops working. Returns the new secret, shown once."""
    token = secrets.token_urlsafe(32)
    db.session.execute(delete(CalendarToken).where(CalendarToken.user_id == user.id))
    db.session.add(CalendarToken(user_id=user.id, token_hash=_hash(token)))
    db.session.commit()
    return token


def revoke_feed_token(user: User) -> None:
    db.session.execute(delete(CalendarToken).where(CalendarToken.user_id == user.id))
    db.session.commit()


def has_feed(user: User) -> bool:
    return db.session.scalar(select(CalendarToken.id).where(CalendarToken.user_id == user.id)) is not None


def feed_owner(token: str) -> User | None:
    if not token or len(token) > 100:
        return None
    entry = db.session.scalar(select(CalendarToken).where(CalendarToken.token_hash == _hash(token)))
    return entry.user if entry is not None and entry.user.active else None


def feed(user: User, base_url: str, today: date | None = None) -> bytes:
    """An iCalendar file of the user's deadlines; a restricted item shows as a bare "confidential" entry."""
    today = today or datetime.now(timezone.utc).date()
    calendar = Calendar()
    calendar.add("prodid", "-//Observatory//Deadlines//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("Observatory deadlines"))
    stamp = datetime.now(timezone.utc)
    items = gather.deadlines(today - timedelta(days=FEED_PAST_DAYS), today + timedelta(days=FEED_FUTURE_DAYS), user)
    # A feed ends up in calendar apps and their clouds: it leaves the organisation, and nobody is there to decide.
    guard = Guard(user, external=True, records=[item.record for item in items if item.record], unattended=True)
    titles = guard.release([str(item.title) for item in items])
    for item, title in zip(items, titles):
        event = Event()
        restricted = item.confidentiality == RESTRICTED
        event.add("summary", _("Confidential deadline") if restricted else title)
        event.add("uid", _uid(item))
        event.add("dtstamp", stamp)
        if isinstance(item.when, datetime):
            event.add("dtstart", item.when)
            event.add("dtend", item.when + timedelta(hours=1))
        else:
            event.add("dtstart", item.when)
            event.add("dtend", item.when + timedelta(days=1))
        if item.url and not restricted:
            event.add("url", base_url.rstrip("/") + item.url)
        event.add("categories", [item.kind])
        calendar.add_component(event)
    return calendar.to_ical()


def _uid(item: DatedItem) -> str:
    """Stable across downloads (calendar apps update rather than duplicate), yet reveals nothing."""
    when = item.when if isinstance(item.when, datetime) else datetime.combine(item.when, time.min)
    key = f"{item.kind}|{item.url or item.title}|{when.isoformat()}".encode()
    digest = hmac.new(current_app.config["SECRET_KEY"].encode(), key, hashlib.sha256).hexdigest()[:32]
    return f"{digest}@observatory"
