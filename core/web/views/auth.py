"""Logging in (password, then the second factor when enabled) and out."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select

from ...database.models import User
from ...extensions import db, limiter
from ...languages.i18n import gettext as _
from ..forms import ConfirmForm, LoginForm, TwoFactorLoginForm
from ..navigation import safe_next
from ..permissions import login_only, public
from ..security import (
    is_locked,
    lock_duration_minutes,
    register_failure,
    register_success,
    use_recovery_code,
    verify_password,
    verify_totp,
)
from ..sessions import end_session, start_session

blueprint = Blueprint("auth", __name__)

PENDING_KEY = "pending_2fa"
PENDING_SECONDS = 300


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _locked_message() -> str:
    return _("Too many failed attempts. This account is locked for %(minutes)d minutes.",
             minutes=lock_duration_minutes())


@blueprint.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.scalar(select(User).where(User.email == form.email.data.strip().lower()))
        if user is not None and is_locked(user):
            verify_password(None, form.password.data)  # same cost as any other attempt
            form.form_errors.append(_locked_message())
        elif verify_password(user, form.password.data) and user.active:
            return _password_accepted(user)
        else:
            if user is not None:
                register_failure(user)
                db.session.commit()
                current_app.logger.warning("failed login for user %s", user.id)
            form.form_errors.append(
                _locked_message() if user is not None and is_locked(user) else _("Invalid email or password.")
            )
    return render_template("core/login.html", form=form), 200 if not form.errors else 422


def _password_accepted(user: User):
    next_url = safe_next(request.args.get("next"))
    if user.totp_enabled:
        db.session.commit()  # keeps a rehashed password
        session[PENDING_KEY] = {"user_id": user.id, "at": datetime.now(timezone.utc).timestamp(), "next": next_url}
        return redirect(url_for("auth.two_factor"))
    register_success(user)
    db.session.commit()
    start_session(user)
    return redirect(next_url)


@blueprint.route("/login/two-factor", methods=["GET", "POST"])
@public
@limiter.limit(_login_limit, methods=["POST"])
def two_factor():
    pending = session.get(PENDING_KEY) or {}
    user = db.session.get(User, pending.get("user_id", 0)) if pending else None
    expired = not pending or datetime.now(timezone.utc).timestamp() - pending.get("at", 0) > PENDING_SECONDS
    if user is None or expired or not user.active:
        session.pop(PENDING_KEY, None)
        flash(_("Please log in again."), "warning")
        return redirect(url_for("auth.login"))
    form = TwoFactorLoginForm()
    if form.validate_on_submit():
        code = form.code.data.strip()
        if is_locked(user):
            form.form_errors.append(_locked_message())
        elif verify_totp(user, code) or use_recovery_code(user, code):
            register_success(user)
            db.session.commit()
            session.pop(PENDING_KEY, None)
            start_session(user)
            remaining = sum(1 for c in user.recovery_codes if c.used_at is None)
            if remaining < 3:
                flash(_("You have %(count)d unused recovery codes left. Create new ones on your account page.",
                        count=remaining), "warning")
            return redirect(safe_next(pending.get("next")))
        else:
            register_failure(user)
            db.session.commit()
            form.code.errors.append(_("This code is not valid. Try the current code from your app."))
    return render_template("core/login_two_factor.html", form=form), 200 if not form.errors else 422


@blueprint.route("/logout", methods=["POST"])
@login_only
def logout():
    if ConfirmForm().validate_on_submit():
        end_session()
        flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))
