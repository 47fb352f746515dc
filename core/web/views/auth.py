"""Logging in (password, then the second factor when enabled) and out.

Nothing tells whether an account exists: an unknown email, a wrong password and a deactivated account get the
same page, after the same password hashing. Nothing locks an account either: attempts are throttled by address
(every attempt) and by account (failed ones, from one address with growing waits, and from everywhere), so a
stranger can slow the guessing of a password down but cannot shut its owner out: the cap on an account's failures
from everywhere does not apply to a browser that has logged in to that account before (a signed device cookie,
:func:`_known_device`); admins are told of repeated failures (:func:`~core.web.security.register_failure`).
"""
from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timezone

from flask import (
    Blueprint,
    after_this_request,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_limiter.util import get_remote_address
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select

from ...database.models import User
from ...extensions import db, limiter
from ...languages.i18n import gettext as _
from ..forms import ConfirmForm, LoginForm, TwoFactorLoginForm
from ..navigation import safe_next
from ..permissions import login_only, public
from ..security import (
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
DEVICE_COOKIE = "observatory_device"
DEVICE_DAYS = 180
DEVICE_ACCOUNTS = 5  # accounts one browser is remembered for


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _account_limit() -> str:
    return current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"]


def _account_total_limit() -> str:
    return current_app.config["LOGIN_ACCOUNT_TOTAL_RATE_LIMIT"]


def _typed_email() -> str:
    return (request.form.get("email") or "").strip().lower()[:254]


def _account() -> str:
    """The account a login attempt names, known or not (an unknown one is throttled the same way)."""
    email = _typed_email()
    return f"account:{email}" if email else ""  # empty: no limit (the form is refused anyway)


def _account_from_address() -> str:
    email = _typed_email()
    return f"account:{email}|{get_remote_address()}" if email else ""


def _device_signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="observatory.login-device")


def _account_digest(email: str) -> str:
    """The account as the device cookie names it: a keyed digest, not the address itself."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, email.strip().lower().encode(), hashlib.sha256).hexdigest()[:32]


def _remembered_accounts() -> list[str]:
    try:
        accounts = _device_signer().loads(request.cookies.get(DEVICE_COOKIE, ""), max_age=DEVICE_DAYS * 86400)
    except BadSignature:
        return []
    return accounts if isinstance(accounts, list) else []


def _known_device() -> bool:
    """This browser logged in to the account it names before: the cap on the account's failures from everywhere
    does not apply to it, so that a stranger's guesses from other addresses cannot keep the owner out."""
    email = _typed_email()
    return bool(email) and _account_digest(email) in _remembered_accounts()


def _remember_device(user: User) -> None:
    """After a complete log-in: this browser is remembered for the account (signed, no address in clear)."""
    accounts = [digest for digest in _remembered_accounts() if digest != _account_digest(user.email)]
    token = _device_signer().dumps([_account_digest(user.email), *accounts][:DEVICE_ACCOUNTS])

    @after_this_request
    def set_cookie(response):
        response.set_cookie(DEVICE_COOKIE, token, max_age=DEVICE_DAYS * 86400, httponly=True, samesite="Lax",
                            secure=current_app.config["SESSION_COOKIE_SECURE"])
        return response


def _pending_account() -> str:
    pending = session.get(PENDING_KEY) or {}
    return f"user:{pending['user_id']}" if pending.get("user_id") else ""


def _failed(_response) -> bool:
    """Only failed attempts count against an account's limits."""
    return g.get("login_failed", False)


@blueprint.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_account_limit, key_func=_account_from_address, methods=["POST"], deduct_when=_failed)
@limiter.limit(_account_total_limit, key_func=_account, methods=["POST"], deduct_when=_failed,
               exempt_when=_known_device)
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.scalar(select(User).where(User.email == form.email.data.strip().lower()))
        if verify_password(user, form.password.data) and user.active:  # an unknown email costs the same hashing
            return _password_accepted(user)
        g.login_failed = True
        if user is not None:
            register_failure(user)
            db.session.commit()
            current_app.logger.warning("failed login for user %s", user.id)
        form.form_errors.append(_("Invalid email or password."))
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
    _remember_device(user)
    return redirect(next_url)


@blueprint.route("/login/two-factor", methods=["GET", "POST"])
@public
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_account_limit, key_func=_pending_account, methods=["POST"], deduct_when=_failed)
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
        if verify_totp(user, code) or use_recovery_code(user, code):
            register_success(user)
            db.session.commit()
            session.pop(PENDING_KEY, None)
            start_session(user)
            _remember_device(user)
            remaining = sum(1 for c in user.recovery_codes if c.used_at is None)
            if remaining < 3:
                flash(_("You have %(count)d unused recovery codes left. Create new ones on your account page.",
                        count=remaining), "warning")
            return redirect(safe_next(pending.get("next")))
        else:
            g.login_failed = True
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
