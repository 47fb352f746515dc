"""Who is logged in: a server-side record per signed-in browser, idle and absolute session expiry, required 2FA.

The session cookie carries a random token; :class:`~core.database.models.UserSession` keeps its hash, the
device and the last use. :func:`load_user` accepts a cookie only while its record exists, so deleting the
record (log out, password changed, 2FA reset, account deactivated, *End all sessions*) ends every copy of that
cookie at once.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta, timezone
from typing import Any

from flask import Flask, current_app, flash, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy import bindparam, delete, func, or_, select, update
from sqlalchemy.orm import joinedload

from ..database.models import Role, User, UserSession
from ..database.statements import built_once
from ..extensions import db, login_manager
from ..languages.i18n import gettext as _
from ..languages.i18n import lazy_gettext as _l

# Endpoints a user who must still enrol in 2FA may reach.
ENROLMENT_ENDPOINTS = {"account.two_factor", "account.two_factor_codes", "auth.logout", "core.set_language"}
TOKEN_KEY = "session_token"
SEEN_EVERY = 60  # seconds: a session's last use is written at most once a minute


def _now() -> float:
    return datetime.now(timezone.utc).timestamp()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def current_token_hash() -> str | None:
    token = session.get(TOKEN_KEY)
    return _token_hash(token) if isinstance(token, str) else None


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    token_hash = current_token_hash()
    if not user_id.isdecimal() or token_hash is None:
        return None
    row = db.session.execute(_user_statement(), {"user_id": int(user_id), "token_hash": token_hash}).unique().first()
    if row is None:
        return None
    row.User.unread_notifications = row.unread
    row.User.session_id, row.User.session_seen_at, row.User.session_started_at = row[2:5]
    return row.User


@built_once
def _user_statement() -> Any:
    """One query for the user, this browser's session record, their roles, the roles' permission overrides and
    the count of unread notifications the menu shows: read on every request, so built once."""
    from ..notifications.models import Notification

    unread = select(func.count()).where(Notification.user_id == User.id, Notification.read_at.is_(None)) \
        .correlate(User).scalar_subquery()
    return select(User, unread.label("unread"), UserSession.id, UserSession.last_seen_at, UserSession.created_at) \
        .join(UserSession, UserSession.user_id == User.id) \
        .where(User.id == bindparam("user_id"), User.active.is_(True),
               UserSession.token_hash == bindparam("token_hash")) \
        .options(joinedload(User.roles).joinedload(Role.permission_overrides))


def _expired() -> Any:
    """The condition of a session record past the idle timeout or the absolute lifetime."""
    now = datetime.now(timezone.utc)
    return or_(
        UserSession.last_seen_at < now - current_app.config["SESSION_IDLE_TIMEOUT"] - timedelta(seconds=SEEN_EVERY),
        UserSession.created_at < now - current_app.config["PERMANENT_SESSION_LIFETIME"])


def start_session(user: User) -> None:
    """Log ``user`` in on a fresh session (no fixation) with its own record, keeping only the language choice."""
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    token = secrets.token_urlsafe(32)
    db.session.execute(delete(UserSession).where(_expired()))  # everyone's ended ones: nobody's browser lingers
    db.session.add(UserSession(user_id=user.id, token_hash=_token_hash(token),
                               user_agent=(request.user_agent.string or "")[:300]))
    db.session.commit()
    session.permanent = True
    login_user(db.session.get(User, user.id))  # the row itself, also when given the current_user proxy
    session[TOKEN_KEY] = token
    session["login_at"] = session["seen_at"] = _now()


def end_session() -> None:
    """Log this browser out: its record goes, so a copy of its cookie is refused too."""
    token_hash = current_token_hash()
    if token_hash:
        db.session.execute(delete(UserSession).where(UserSession.token_hash == token_hash))
        db.session.commit()
    locale = session.get("locale")
    logout_user()
    session.clear()
    if locale:
        session["locale"] = locale


def end_all_sessions(user_id: int, keep_this_browser: bool = False) -> int:
    """End every session of a user (or every one but this browser's); returns how many. The caller commits."""
    statement = delete(UserSession).where(UserSession.user_id == user_id)
    if keep_this_browser:
        statement = statement.where(UserSession.token_hash != (current_token_hash() or ""))
    return db.session.execute(statement).rowcount


def restart_sessions(user: User) -> None:
    """After the user changed how they sign in (password, 2FA): every session ends, and this browser goes on
    with a new one, so no earlier copy of its cookie still works."""
    end_all_sessions(user.id)
    start_session(user)


def active_sessions(user_id: int) -> list[UserSession]:
    """The user's sessions still in use, the most recently used first."""
    return list(db.session.scalars(select(UserSession).where(UserSession.user_id == user_id, ~_expired())
                                   .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())))


_BROWSERS = (("Edge", r"Edg(e|A|iOS)?/"), ("Opera", r"OPR/|Opera"), ("Firefox", r"Firefox/|FxiOS/"),
             ("Chrome", r"Chrome/|CriOS/"), ("Safari", r"Safari/"))
_SYSTEMS = (("Android", r"Android"), ("iOS", r"iPhone|iPad|iPod"), ("Windows", r"Windows"),
            ("macOS", r"Macintosh|Mac OS X"), ("ChromeOS", r"CrOS"), ("Linux", r"Linux"))


def describe_device(user_agent: str) -> str:
    """A short, translated summary of a browser's user agent: "Firefox on Windows"."""
    browser = next((name for name, pattern in _BROWSERS if re.search(pattern, user_agent)), None)
    system = next((name for name, pattern in _SYSTEMS if re.search(pattern, user_agent)), None)
    if browser and system:
        return _("%(browser)s on %(system)s", browser=browser, system=system)
    return browser or system or _("Unknown device")


def expire_idle_sessions() -> Any:
    """``before_request``: log out after the idle timeout or the absolute session lifetime."""
    if not current_user.is_authenticated:
        return None
    now = _now()
    idle = current_app.config["SESSION_IDLE_TIMEOUT"].total_seconds()
    lifetime = current_app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()
    # the cookie's times and its record's (whose last use is written at most every SEEN_EVERY seconds)
    started = min(session.get("login_at", 0), current_user.session_started_at.timestamp())
    seen = min(session.get("seen_at", 0), current_user.session_seen_at.timestamp() + SEEN_EVERY)
    if now - seen > idle or now - started > lifetime:
        end_session()
        flash(_l("Your session expired. Please log in again."), "warning")
        return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))
    session["seen_at"] = now
    if now - current_user.session_seen_at.timestamp() > SEEN_EVERY:
        db.session.execute(update(UserSession).where(UserSession.id == current_user.session_id)
                           .values(last_seen_at=datetime.now(timezone.utc)))
        db.session.commit()
    return None


def require_two_factor_enrolment() -> Any:
    """``before_request``: a user whose role requires 2FA must set it up before anything else."""
    if (
        current_user.is_authenticated
        and current_user.must_use_2fa
        and not current_user.totp_enabled
        and request.endpoint not in ENROLMENT_ENDPOINTS
        and not (request.endpoint or "").endswith("static")
    ):
        flash(_l("Your role requires two-factor authentication. Please set it up to continue."), "warning")
        return redirect(url_for("account.two_factor"))
    return None


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    app.before_request(expire_idle_sessions)


def init_2fa_enforcement(app: Flask) -> None:
    app.before_request(require_two_factor_enrolment)
