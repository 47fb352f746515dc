"""The deadline engine: what plugins say is due, for the upcoming page, the dashboard and calendar feeds."""
from __future__ import annotations

import hashlib
import hmac
import importlib.metadata
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from icalendar import Calendar, Event
from redis import Redis, RedisError
from sqlalchemy import delete, event, insert, inspect, select, update
from sqlalchemy.orm import ORMExecuteState, Session

from ..database.models import CalendarToken, CalendarVersion, User
from ..disclosure import Guard
from ..extensions import db
from ..languages.i18n import gettext as _
from ..plugin_host import gather, plugins
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


# --- Cached feeds --------------------------------------------------------------------------------------------
# A feed is rebuilt only when something it may depend on changed: every write of a transaction (a deadline, a
# record's confidentiality or names, an assignment, a role) raises the one calendar version in that same
# transaction, so a body cached under the version read before the feed's records can never outlive a change.
# Tables whose rows no feed reads are left out (the audit trail, jobs, notifications, the feed tokens), so that
# viewing a file or a running job does not empty every user's cache.

UNCHANGING = frozenset({"core_audit", "core_jobs", "core_notifications", "core_notification_preferences",
                        "core_outbox", "core_calendar_tokens", "core_calendar_version", "core_recovery_codes",
                        "core_sessions"})
SIGN_IN_FIELDS = frozenset({"last_login_at", "failed_logins", "totp_last_step", "totp_secret",
                            "totp_enabled", "password_hash"})  # a user's row changes at each sign-in
CHANGED = "observatory.calendar_changed"
MAX_BODIES = 512  # per process, without Redis: emptied when full
BODY_SECONDS = 3600  # in Redis: each body is kept an hour at most
DATE_MARGIN = timedelta(seconds=2)  # see feed_validators
DISTRIBUTION = "observatory"  # the application's distribution (setup.cfg), whose version a release raises
RELEASE = "observatory.feed_release"  # in app.extensions: see release()


@dataclass(frozen=True)
class FeedVersion:
    """What a user's feed is built from, today: ``etag`` names its body, ``last_modified`` is ``None`` while a
    date would not tell the next change apart (see :func:`feed_validators`)."""

    key: str
    etag: str
    last_modified: datetime | None


def _writes_feeds(session: Session, obj: Any) -> bool:
    table = getattr(obj, "__tablename__", "")
    if table in UNCHANGING:
        return False
    if obj in session.dirty and not session.is_modified(obj):
        return False
    if isinstance(obj, User) and obj not in session.new and obj not in session.deleted:
        state = inspect(obj)
        return any(state.attrs[name].history.has_changes() for name in state.mapper.attrs.keys()
                   if name not in SIGN_IN_FIELDS)
    return True


def _note_flush(session: Session, _context: Any) -> None:
    if not session.info.get(CHANGED) and any(
            _writes_feeds(session, obj) for obj in (*session.new, *session.dirty, *session.deleted)):
        session.info[CHANGED] = True


def _note_statement(state: ORMExecuteState) -> None:
    """An ``update()``, ``insert()`` or ``delete()`` run through the session (text statements are only the search
    indexes' own, which no feed reads)."""
    if state.is_insert or state.is_update or state.is_delete:
        if getattr(getattr(state.statement, "table", None), "name", "") not in UNCHANGING:
            state.session.info[CHANGED] = True


def _raise_version(session: Session) -> None:
    """Just before the commit (the row is locked only while committing): one raise per transaction."""
    if session.new or session.dirty or session.deleted:
        session.flush()  # what the commit would flush next, so that it is seen here
    if not session.info.pop(CHANGED, False):
        return
    connection, now = session.connection(), datetime.now(timezone.utc)
    raised = connection.execute(update(CalendarVersion.__table__).where(CalendarVersion.__table__.c.id == 1)
                                .values(value=CalendarVersion.__table__.c.value + 1, changed_at=now))
    if raised.rowcount == 0:  # a database made without the migrations (create_all)
        connection.execute(insert(CalendarVersion.__table__).values(id=1, value=1, changed_at=now))


def _forget(session: Session, *_args: Any) -> None:
    session.info.pop(CHANGED, None)


def init_app(app: Flask) -> None:
    """Watch every session's writes for the calendar version (once per process: the listeners are global), and
    note the release the app runs (after its plugins and catalogs are known)."""
    app.extensions[RELEASE] = release(app)
    for name, listener in (("after_flush", _note_flush), ("do_orm_execute", _note_statement),
                           ("before_commit", _raise_version), ("after_rollback", _forget)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def release(app: Flask) -> str:
    """What a deploy changes, as a digest, read when the app is made (what this process runs): the version of the
    application's distribution and the bytes of every compiled catalog Babel reads. With the active plugins'
    versions (see :func:`feed_validators`), a feed's body is kept under it, so a new release (even one sharing
    Redis with the old processes while they drain) never serves a body the old code or translations built."""
    try:
        version = importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:  # run from a checkout that was never installed
        version = "unknown"
    catalogs = []
    for folder in app.config.get("BABEL_TRANSLATION_DIRECTORIES", "").split(";"):
        for catalog in sorted(Path(folder).glob("*/LC_MESSAGES/*.mo")) if folder else ():
            catalogs.append(f"{catalog} {hashlib.sha256(catalog.read_bytes()).hexdigest()}")
    return _digest([f"{DISTRIBUTION} {version}", *catalogs])


def feed_version() -> tuple[int, datetime]:
    """The feeds' version and the moment it last changed: read before the feed's owner and records, so that a
    change committed after this read is seen with a later version."""
    row = db.session.execute(select(CalendarVersion.value, CalendarVersion.changed_at)
                             .where(CalendarVersion.id == 1)).first()
    return (row.value, row.changed_at) if row else (0, datetime.min.replace(tzinfo=timezone.utc))


def _digest(names: Any) -> str:
    return hashlib.sha256("\n".join(sorted(names)).encode()).hexdigest()[:16]


def feed_validators(user: User, version: tuple[int, datetime], today: date | None = None,
                    now: datetime | None = None) -> FeedVersion:
    """The validators of ``user``'s feed for today's window, from ``version`` (:func:`feed_version`, read before
    ``user`` was loaded). The key holds the user's roles, the active plugins with their versions and the
    :func:`release` too: a body built with roles or plugins that changed after the version was read, or by another
    release (the application's or a plugin's version, a catalog), is never served under another.

    ``Last-Modified`` is the second after the last change (the day's start when later: the window moves). It is
    sent only once that second is ``DATE_MARGIN`` past, so any later change falls in a later second: a client
    that asks "modified since" can never be told "no" about a change made in the same second as the last."""
    now = now or datetime.now(timezone.utc)
    today = today or now.date()
    value, changed = version
    locale = user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    roles = _digest(role.name for role in user.roles)
    # the plugins active now, each with its distribution's version (a plugin upgraded alone is a release too)
    running = _digest([current_app.extensions[RELEASE], *(f"{info.name} {info.version}"
                                                          for info in plugins.host().active)])
    # the database and the change's moment too: two databases sharing one Redis never share a body
    key = (f"{current_app.config['SQLALCHEMY_DATABASE_URI']}|{value}|{changed.isoformat()}|{user.id}|{today}|{locale}"
           f"|{roles}|{running}")
    etag = hmac.new(current_app.config["SECRET_KEY"].encode(), key.encode(), hashlib.sha256).hexdigest()[:32]
    last_modified = max(changed.replace(microsecond=0) + timedelta(seconds=1),
                        datetime.combine(today, time.min, tzinfo=timezone.utc))
    return FeedVersion(f"observatory.feed|{etag}", etag, last_modified if now >= last_modified + DATE_MARGIN
                       else None)


def cached_feed(version: FeedVersion, build: Any) -> bytes:
    """The body stored under ``version.key`` (in Redis when configured, else in this process), or ``build()``'s,
    stored. Redis out of reach: the feed is built, never served from an older store."""
    redis = _redis()
    if redis is None:
        bodies: dict[str, bytes] = current_app.extensions.setdefault("observatory.feeds", {})
        if version.key not in bodies:
            if len(bodies) >= MAX_BODIES:
                bodies.clear()
            bodies[version.key] = build()
        return bodies[version.key]
    try:
        body = redis.get(version.key)
    except RedisError:
        current_app.logger.warning("calendar feeds: Redis out of reach, the feed is built")
        return build()
    if body is None:
        body = build()
        try:
            redis.set(version.key, body, ex=BODY_SECONDS)
        except RedisError:
            current_app.logger.warning("calendar feeds: Redis out of reach, the feed is not kept")
    return body


def _redis() -> Redis | None:
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    clients: dict[str, Redis] = current_app.extensions.setdefault("observatory.feed_redis", {})
    if url not in clients:
        clients[url] = Redis.from_url(url, socket_timeout=2)
    return clients[url]
