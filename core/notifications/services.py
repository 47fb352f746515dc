"""Who is told what, and how: each kind of notification, each user's choices, reminders before deadlines.

In-app notifications keep the record's name (only people allowed to see the record get one).
Emails never carry names or details, only what happened and a link: mail leaves our servers.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any, Iterable

from flask import after_this_request, current_app, has_request_context
from flask_babel import force_locale
from sqlalchemy import func, insert, select, update

from ..database.models import User, utcnow
from ..extensions import db
from ..languages.i18n import format_date
from ..languages.i18n import gettext as _
from ..languages.i18n import lazy_gettext as _l
from ..plugin_host.contributions import NotificationKind
from ..plugin_host.plugins import host
from ..records.countries import country_name
from .models import (
    Notification,
    NotificationPreference,
    OutboxMessage,
    followed_countries,
)

CORE_KINDS = (
    NotificationKind("assigned", _l("When I am assigned to a record"), _l("You were assigned to %(record)s."),
                     _l("A record was assigned to you"), email=True),
    NotificationKind("country", _l("New records in the countries I follow"), _l("New in %(country)s: %(record)s"),
                     _l("New record in a country you follow")),
    NotificationKind("reminder", _l("Reminders before deadlines"), _l("Due on %(date)s: %(title)s"),
                     _l("A deadline is approaching"), email=True),
    NotificationKind("publication", _l("When a scheduled publication is ready to review"),
                     _l("The monthly bulletin of %(month)s/%(year)s is ready to review."),
                     _l("A publication is ready to review")),
    NotificationKind("login_failures", _l("Repeated failed logins on an account (administrators)"),
                     _l("Failed logins in a row on the account of %(name)s: %(count)d. Someone may be guessing its "
                        "password."), _l("Repeated failed logins on an account"), email=True),
)
_CACHE_KEY = "observatory.notification_kinds"


def kinds() -> dict[str, NotificationKind]:
    """The core's kinds and those the plugins declare, by key (asked of the plugins once per app)."""
    found = current_app.extensions.get(_CACHE_KEY)
    if found is None:
        declared = [*CORE_KINDS, *(k for k in host().collect("observatory_notification_kinds")
                                   if isinstance(k, NotificationKind))]
        found = current_app.extensions[_CACHE_KEY] = {kind.key: kind for kind in declared}
    return found


def wording(notification: Notification) -> str:
    kind = kinds().get(notification.kind)
    if kind is None:  # sent by a plugin that has since been disabled
        return _("A notification from a feature that is no longer enabled")
    params = dict(notification.params)
    if len(params.get("country", "")) == 2:
        params["country"] = country_name(params["country"])
    if isinstance(params.get("date"), str):  # kept as an ISO day, shown the reader's way ("7 déc. 2026")
        try:
            params["date"] = format_date(date.fromisoformat(params["date"]))
        except ValueError:
            pass
    try:
        return str(kind.message) % params
    except (KeyError, TypeError, ValueError):
        return str(kind.label)


def choices(user_ids: Iterable[int], kind: str) -> dict[int, tuple[bool, bool]]:
    """(in app, by email) for each user, from their saved choice or the kind's default."""
    user_ids = list(user_ids)
    default = (kinds()[kind].in_app, kinds()[kind].email)
    found = {user_id: default for user_id in user_ids}
    rows = db.session.scalars(select(NotificationPreference).where(
        NotificationPreference.user_id.in_(user_ids), NotificationPreference.kind == kind)) if user_ids else []
    for row in rows:
        found[row.user_id] = (row.in_app, row.email)
    return found


def notify(user_ids: Iterable[int], kind: str, params: dict[str, Any], url: str, dedup_key: str | None = None) -> int:
    """Tell these users, each as they chose; returns how many notifications were added (caller commits)."""
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(set(user_ids)),
                                                                     User.active.is_(True)))}
    if dedup_key is not None and users:
        already = set(db.session.scalars(select(Notification.user_id).where(
            Notification.user_id.in_(users), Notification.dedup_key == dedup_key)))
        users = {uid: user for uid, user in users.items() if uid not in already}
    rows = []
    for user_id, (in_app, email) in choices(users, kind).items():
        if in_app:
            rows.append({"user_id": user_id, "kind": kind, "params": params, "url": url, "dedup_key": dedup_key})
        if email:
            _queue_email(users[user_id], kind, url)
    if rows:  # one statement for every reader: a record followed by many costs no more to save
        db.session.execute(insert(Notification), rows)
    return len(rows)


def _queue_email(user: User, kind: str, url: str) -> None:
    base = current_app.config["BASE_URL"].rstrip("/")
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        subject = str(kinds()[kind].email_subject)
        body = "\n\n".join([
            _("Hello %(name)s,", name=user.name),
            subject + ".",
            _("Open it in Observatory (after logging in): %(link)s", link=base + url),
            _("This message holds no details on purpose. You can choose which messages you receive on your "
              "account page."),
        ])
    db.session.add(OutboxMessage(recipient=user.email, subject=f"[Observatory] {subject}", body=body))
    if has_request_context():
        after_this_request(_send_after_response)


def _send_after_response(response):
    send_queued_mail()
    return response


def send_queued_mail() -> int:
    """Start a job for each queued message (once the transaction that created it is committed)."""
    from ..jobs import jobs

    ids = db.session.scalars(select(OutboxMessage.id).where(OutboxMessage.status == OutboxMessage.QUEUED)).all()
    for message_id in ids:
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id)
                           .values(status=OutboxMessage.SENDING))
        db.session.commit()
        jobs.enqueue("core.notifications.mail.send_message", title=_("Email"), message_id=message_id)
    return len(ids)


def followers_of(country_id: int | None) -> list[int]:
    if country_id is None:
        return []
    return list(db.session.scalars(select(followed_countries.c.user_id).where(
        followed_countries.c.country_id == country_id)))


def send_reminders(today: datetime | None = None) -> int:
    """For every active user, remind them of what falls due within their chosen number of days."""
    from ..calendar import deadlines

    today_date = (today or datetime.now(timezone.utc)).date()
    sent = 0
    for user in db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.id)).all():
        for item in deadlines.upcoming(user, user.reminder_days or 3, today_date):
            when = item.when.date() if isinstance(item.when, datetime) else item.when
            sent += notify([user.id], "reminder", {"date": when.isoformat(), "title": str(item.title)},
                           item.url or "/upcoming", dedup_key=f"reminder:{item.kind}:{item.url or item.title}:{when}")
        db.session.commit()
    return sent


def unread_count(user: User) -> int:
    return db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def mark_all_read(user: User) -> None:
    db.session.execute(update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
                       .values(read_at=utcnow()))
    db.session.commit()

