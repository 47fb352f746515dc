"""Passwords, login lock-out, two-factor codes and HTTP security headers."""
from __future__ import annotations

import hmac
import secrets
from datetime import datetime, timedelta, timezone

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, Response, current_app

from ..database.models import RecoveryCode, User, utcnow

_hasher = PasswordHasher()
# Verified against when the email is unknown, so both paths cost the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))

RECOVERY_CODE_COUNT = 10
TOTP_ISSUER = "Observatory"

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(user: User | None, password: str) -> bool:
    """Check a password (argon2id), upgrading the stored hash when its parameters are outdated."""
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False
    if user is None:
        return False
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return True


def is_locked(user: User, now: datetime | None = None) -> bool:
    return user.locked_until is not None and user.locked_until > (now or utcnow())


def register_failure(user: User) -> None:
    """Count a failed login; too many in a row lock the account for a while."""
    user.failed_logins = (user.failed_logins or 0) + 1
    if user.failed_logins >= current_app.config["LOGIN_MAX_FAILURES"]:
        user.locked_until = utcnow() + current_app.config["LOGIN_LOCK_DURATION"]
        user.failed_logins = 0


def register_success(user: User) -> None:
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = utcnow()


# -- two-factor authentication ---------------------------------------------------------------

def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=TOTP_ISSUER)


def totp_step(secret: str | None, code: str, after_step: int | None = None) -> int | None:
    """The time step that ``code`` belongs to, or None.

    Accepts the current step and its neighbours (phone clocks drift), but never a step at or
    before ``after_step``: a code seen once cannot be replayed.
    """
    code = (code or "").replace(" ", "")
    if not secret or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    now = totp.timecode(datetime.now(timezone.utc))
    for step in (now - 1, now, now + 1):
        if (after_step is None or step > after_step) and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def verify_totp(user_or_secret: User | str | None, code: str) -> bool:
    """Check a code; given a user, remember its step so the same code cannot be used twice."""
    if isinstance(user_or_secret, User):
        step = totp_step(user_or_secret.totp_secret, code, user_or_secret.totp_last_step)
        if step is not None:
            user_or_secret.totp_last_step = step
        return step is not None
    return totp_step(user_or_secret, code) is not None


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes; returns the plain codes, shown once."""
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODE_COUNT)]
    user.recovery_codes = [RecoveryCode(code_hash=_hasher.hash(code)) for code in codes]
    return codes


def use_recovery_code(user: User, code: str) -> bool:
    """Spend one unused recovery code matching ``code``."""
    code = (code or "").strip().lower()
    for stored in user.recovery_codes:
        if stored.used_at is not None:
            continue
        try:
            _hasher.verify(stored.code_hash, code)
        except (VerificationError, InvalidHashError):
            continue
        stored.used_at = utcnow()
        return True
    return False


# -- HTTP headers -----------------------------------------------------------------------------

def add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if "Cache-Control" not in headers and response.mimetype == "text/html":
        headers["Cache-Control"] = "no-store"  # confidential pages stay out of shared caches
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)


def lock_duration_minutes() -> int:
    duration: timedelta = current_app.config["LOGIN_LOCK_DURATION"]
    return int(duration.total_seconds() // 60)
