"""Who is logged in: loading the user, idle and absolute session expiry, required 2FA."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from flask import Flask, current_app, flash, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload

from ..database.models import Role, User
from ..database.statements import built_once
from ..extensions import db, login_manager
from ..languages.i18n import lazy_gettext as _l

# Endpoints a user who must still enrol in 2FA may reach.
ENROLMENT_ENDPOINTS = {"account.two_factor", "account.two_factor_codes", "auth.logout", "core.set_language"}


def _now() -> float:
    return datetime.now(timezone.utc).timestamp()


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    if not user_id.isdigit():
        return None
    row = db.session.execute(_user_statement(), {"user_id": int(user_id)}).unique().first()
    if row is None:
        return None
    row.User.unread_notifications = row.unread
    return row.User


@built_once
def _user_statement() -> Any:
    """One query for the user, their roles, the roles' permission overrides and the count of unread
    notifications the menu shows: read on every request, so built once."""
    from ..notifications.models import Notification

    unread = select(func.count()).where(Notification.user_id == User.id, Notification.read_at.is_(None)) \
        .correlate(User).scalar_subquery()
    return select(User, unread.label("unread")).where(User.id == bindparam("user_id"), User.active.is_(True)) \
        .options(joinedload(User.roles).joinedload(Role.permission_overrides))


def start_session(user: User) -> None:
    """Log ``user`` in on a fresh session (no fixation), keeping only the language choice."""
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    session.permanent = True
    login_user(user)
    session["login_at"] = session["seen_at"] = _now()


def end_session() -> None:
    locale = session.get("locale")
    logout_user()
    session.clear()
    if locale:
        session["locale"] = locale


def expire_idle_sessions() -> Any:
    """``before_request``: log out after the idle timeout or the absolute session lifetime."""
    if not current_user.is_authenticated:
        return None
    now = _now()
    idle = current_app.config["SESSION_IDLE_TIMEOUT"].total_seconds()
    lifetime = current_app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()
    if now - session.get("seen_at", 0) > idle or now - session.get("login_at", 0) > lifetime:
        end_session()
        flash(_l("Your session expired. Please log in again."), "warning")
        return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))
    session["seen_at"] = now
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
