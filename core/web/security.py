"""Passwords (hashing, strength), failed logins, two-factor codes and HTTP security headers.

Failed logins lock nothing: they are throttled (``core.web.views.auth``) and counted per account, and admins
are told when an account gets many in a row.
"""
from __future__ import annotations

import hmac
import secrets
from datetime import datetime, timezone

import pyotp
from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, Response, current_app, has_app_context
from zxcvbn import zxcvbn

from ..config import DEFAULT_PASSWORD_HASHING
from ..database.models import RecoveryCode, User, utcnow
from ..languages.i18n import gettext as _
from ..languages.i18n import lazy_gettext as _l

_HASHERS: dict[str, PasswordHasher] = {}
_DUMMY_HASHES: dict[str, str] = {}

USERS_PERMISSION = "core.users.manage"  # who is told of repeated failed logins
RECOVERY_CODE_COUNT = 10
TOTP_ISSUER = "Observatory"

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def _profile() -> str:
    """The ``PASSWORD_HASHING`` profile (one of :mod:`argon2.profiles`): RFC 9106's low-memory one by default; the
    tests' configuration names the cheapest, which production refuses."""
    return current_app.config["PASSWORD_HASHING"] if has_app_context() else DEFAULT_PASSWORD_HASHING


def _hasher() -> PasswordHasher:
    name = _profile()
    if name not in _HASHERS:
        _HASHERS[name] = PasswordHasher.from_parameters(getattr(profiles, name))
    return _HASHERS[name]


def _dummy_hash() -> str:
    """Verified against when the email is unknown, so both paths cost the same time (made once per profile)."""
    name = _profile()
    if name not in _DUMMY_HASHES:
        _DUMMY_HASHES[name] = _hasher().hash(secrets.token_hex(16))
    return _DUMMY_HASHES[name]


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(user: User | None, password: str) -> bool:
    """Check a password (argon2id), upgrading the stored hash when its parameters are outdated. Every refusal
    costs one verification: an unknown account's against a dummy hash, and so does an account whose stored value
    is no argon2 hash (none set, or one from elsewhere), which would otherwise be refused at once."""
    hasher = _hasher()
    try:
        hasher.verify(user.password_hash if user else _dummy_hash(), password)
    except VerificationError:
        return False
    except InvalidHashError:
        try:
            hasher.verify(_dummy_hash(), password)
        except VerificationError:
            pass
        return False
    if user is None:
        return False
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return True


def register_failure(user: User) -> None:
    """Count a failed login on a real account; every ``LOGIN_ALERT_FAILURES`` in a row, tell the admins (who
    see the account's page). The caller commits."""
    from ..notifications.services import notify
    from .permissions import holders

    user.failed_logins = (user.failed_logins or 0) + 1
    if user.failed_logins % current_app.config["LOGIN_ALERT_FAILURES"] == 0:
        notify([admin.id for admin in holders(USERS_PERMISSION, admins=True)], "login_failures",
               {"name": user.name, "count": user.failed_logins}, f"/admin/users/{user.id}",
               dedup_key=f"login_failures:{user.id}:{user.failed_logins}")


def register_success(user: User) -> None:
    user.failed_logins = 0
    user.last_login_at = utcnow()


# -- password strength ------------------------------------------------------------------------------

MIN_PASSWORD_SCORE = 3  # zxcvbn: "safely unguessable", about 10^10 guesses
WEAKNESSES = {
    "user_inputs": _l("It contains the name or the email address of the account."),
    "passwords": _l("It is one of the most commonly used passwords."),
    "dictionary": _l("It is made of common words or names."),
    "spatial": _l("It follows a pattern of the keyboard, such as qwerty."),
    "repeat": _l("It repeats characters or words, such as aaaa or abcabc."),
    "sequence": _l("It is a sequence, such as abcdef or 123456."),
    "date": _l("It holds a date or a year."),
}
ADVICE = _l("Choose a longer password: a few unrelated words, or one made by a password manager.")


def password_problem(password: str, personal: list[str] | tuple[str, ...] = ()) -> str | None:
    """Why ``password`` is too easy to guess (common, trivial, or made of the account's own name or email), in
    the user's language; None when it is strong enough. zxcvbn runs offline, on the first 100 characters."""
    result = zxcvbn(password[:100], user_inputs=[item for item in personal if item])
    if result["score"] >= MIN_PASSWORD_SCORE:
        return None
    parts = [match for match in result["sequence"] if match["pattern"] != "bruteforce"]
    longest = max(parts, key=lambda match: len(match["token"]), default=None)
    reason = WEAKNESSES.get(_weakness(longest)) if longest else None
    return " ".join(str(part) for part in (_("This password is too easy to guess."), reason, ADVICE) if part)


def _weakness(match: dict) -> str:
    """The key in WEAKNESSES of one part zxcvbn found."""
    if match["pattern"] == "dictionary":
        return match["dictionary_name"] if match["dictionary_name"] in ("user_inputs", "passwords") else "dictionary"
    return "date" if match["pattern"] == "regex" else match["pattern"]  # zxcvbn's one regex: a recent year


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
    if not secret or not (code.isascii() and code.isdigit()):
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
    user.recovery_codes = [RecoveryCode(code_hash=_hasher().hash(code)) for code in codes]
    return codes


def use_recovery_code(user: User, code: str) -> bool:
    """Spend one unused recovery code matching ``code``."""
    code = (code or "").strip().lower()
    hasher = _hasher()
    for stored in user.recovery_codes:
        if stored.used_at is not None:
            continue
        try:
            hasher.verify(stored.code_hash, code)
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
