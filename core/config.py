"""Configuration: environment variables first, then the mapping a caller (a test) passes in.

Only the few settings an operator changes are read from the environment, all prefixed
``OBSERVATORY_``; everything else has a safe default here.
"""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any, Mapping

from argon2 import Parameters, profiles
from babel.numbers import list_currencies
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

#: Environment names: "production" (default), "development" and "testing".
DEVELOPMENT_ENVS = {"development", "testing"}
ENVIRONMENTS = DEVELOPMENT_ENVS | {"production"}
MIN_SECRET_LENGTH = 32  # characters of a production OBSERVATORY_SECRET_KEY
TESTING_SECRET = "the tests' own secret key, public, never for a real database"
# argon2's profiles (argon2.profiles) a production server may hash passwords with; the tests' default is "CHEAPEST"
PRODUCTION_PASSWORD_HASHING = ("RFC_9106_LOW_MEMORY", "RFC_9106_HIGH_MEMORY")
DEFAULT_PASSWORD_HASHING = PRODUCTION_PASSWORD_HASHING[0]


class ConfigError(RuntimeError):
    """Raised when the application cannot start safely with the configuration given."""


def _env_list(value: str | None) -> list[str]:
    return [item.strip() for item in (value or "").split(",") if item.strip()]


def defaults(instance_path: Path) -> dict[str, Any]:
    """Safe defaults; cookies are secure unless a development or test environment says otherwise."""
    return {
        "OBSERVATORY_ENV": "production",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance_path / 'observatory.sqlite3'}",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": None,
        "RQ_QUEUE": "observatory",
        # cron expressions (UTC) of `observatory scheduler`: the bulletin on the 1st, reminders each morning
        "BULLETIN_SCHEDULE": "0 6 1 * *",
        "REMINDERS_SCHEDULE": "0 7 * * *",
        "JOBS_CHECK_SCHEDULE": "* * * * *",  # marks failed the jobs whose worker or process stopped
        "PLUGINS_DISABLED": [],
        # which kind of process this app runs in, named with the plugin failures it records: web, worker,
        # scheduler or cli (the observatory command sets it; core.plugin_host.failures)
        "PROCESS_KIND": "web",
        "PLUGINS_TRACE": False,
        "LANGUAGES": ["en", "fr", "es"],
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": "UTC",
        "BOOTSTRAP_SERVE_LOCAL": True,
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_NAME": "observatory_session",
        "REMEMBER_COOKIE_DURATION": timedelta(seconds=0),
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
        "SESSION_IDLE_TIMEOUT": timedelta(minutes=30),
        "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,
        "MAX_FORM_MEMORY_SIZE": 2 * 1024 * 1024,
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "memory://",
        # Redis out of reach does not stop anyone logging in: each process throttles in its own memory meanwhile
        # (the same limits, per process) and goes back to Redis once it answers; a Redis that does not answer
        # costs a login seconds, not minutes.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 5, "socket_timeout": 5},
        "RATELIMIT_HEADERS_ENABLED": False,
        # Login throttling (no account is ever locked): every attempt from one address; failed attempts on one
        # account from one address, with growing waits; failed attempts on one account from everywhere.
        "LOGIN_RATE_LIMIT": "20 per minute",
        "LOGIN_ACCOUNT_RATE_LIMIT": "5 per minute; 10 per hour; 20 per day",
        "LOGIN_ACCOUNT_TOTAL_RATE_LIMIT": "30 per hour; 100 per day",
        "LOGIN_ALERT_FAILURES": 10,  # admins are told at every 10 failed logins in a row on an account
        "PAGE_SIZE": 25,
        "BASE_URL": "http://127.0.0.1:5000",
        "ATTACHMENTS_DIR": None,  # default: instance/attachments
        "SMTP_URL": None,  # smtp://user:pw@host:587 (STARTTLS), smtps://host:465, smtp+plain://localhost:25
        "MAIL_FROM": "observatory@localhost",
        "ATTACHMENT_MAX_BYTES": 15 * 1024 * 1024,
        # counts from 1 to this minus one are withheld ("fewer than 5") in figures for the public and for all but
        # admins, so that a small number next to a visible record cannot point at a person
        "STATISTICS_SMALL_COUNT": 5,
        # a decision taken on a preflight step is applied, and kept, this many days (then asked again)
        "PREFLIGHT_DECISIONS_DAYS": 30,
        # a PDF longer than this many blocks is laid out in parts, in bounded memory (core.documents.pdf)
        "PDF_PART_BLOCKS": 1500,
        # the currencies offered first in every currency menu, in this order (the others follow by name)
        "USUAL_CURRENCIES": ["EUR", "USD", "CHF", "GBP"],
    }


# Environment variable -> configuration keys it sets (plain strings).
ENVIRONMENT_STRINGS = {
    "OBSERVATORY_ENV": ("OBSERVATORY_ENV",),
    "OBSERVATORY_DATABASE_URL": ("SQLALCHEMY_DATABASE_URI",),
    "OBSERVATORY_REDIS_URL": ("REDIS_URL", "RATELIMIT_STORAGE_URI"),  # login throttling shared by processes
    "OBSERVATORY_RQ_QUEUE": ("RQ_QUEUE",),
    "OBSERVATORY_BULLETIN_SCHEDULE": ("BULLETIN_SCHEDULE",),
    "OBSERVATORY_REMINDERS_SCHEDULE": ("REMINDERS_SCHEDULE",),
    "OBSERVATORY_JOBS_CHECK_SCHEDULE": ("JOBS_CHECK_SCHEDULE",),
    "OBSERVATORY_BASE_URL": ("BASE_URL",),
    "OBSERVATORY_SECRET_KEY": ("SECRET_KEY",),
    "OBSERVATORY_ATTACHMENTS_DIR": ("ATTACHMENTS_DIR",),
    "OBSERVATORY_SMTP_URL": ("SMTP_URL",),
    "OBSERVATORY_MAIL_FROM": ("MAIL_FROM",),
}


def from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    """Read the ``OBSERVATORY_*`` variables that are set."""
    found: dict[str, Any] = {}
    for variable, keys in ENVIRONMENT_STRINGS.items():
        if environ.get(variable):
            found.update(dict.fromkeys(keys, environ[variable]))
    if "OBSERVATORY_PLUGINS_DISABLED" in environ:
        found["PLUGINS_DISABLED"] = _env_list(environ["OBSERVATORY_PLUGINS_DISABLED"])
    if environ.get("OBSERVATORY_USUAL_CURRENCIES"):
        found["USUAL_CURRENCIES"] = _env_list(environ["OBSERVATORY_USUAL_CURRENCIES"])
    if environ.get("OBSERVATORY_STATISTICS_SMALL_COUNT", "").isdigit():
        found["STATISTICS_SMALL_COUNT"] = int(environ["OBSERVATORY_STATISTICS_SMALL_COUNT"])
    if environ.get("OBSERVATORY_PREFLIGHT_DECISIONS_DAYS", "").isdigit():
        found["PREFLIGHT_DECISIONS_DAYS"] = int(environ["OBSERVATORY_PREFLIGHT_DECISIONS_DAYS"])
    if environ.get("OBSERVATORY_TRACE_PLUGINS"):
        found["PLUGINS_TRACE"] = environ["OBSERVATORY_TRACE_PLUGINS"] not in ("0", "false", "")
    return found


def _development_secret(instance_path: Path) -> str:
    """A random key kept in the instance folder, so development sessions survive a restart."""
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _refuse_weak_production_settings(config: Mapping[str, Any]) -> None:
    """Production starts only with settings that protect its data; the error names the setting to fix."""
    key = config.get("SECRET_KEY") or ""
    if not key:
        raise ConfigError("OBSERVATORY_SECRET_KEY must be set in production "
                          "(or set OBSERVATORY_ENV=development on a workstation).")
    if len(key) < MIN_SECRET_LENGTH or len(set(key)) < 8 or key == TESTING_SECRET:
        raise ConfigError(f"OBSERVATORY_SECRET_KEY is too weak: use at least {MIN_SECRET_LENGTH} random characters, "
                          "e.g. python -c 'import secrets; print(secrets.token_hex(32))'.")
    if config.get("PASSWORD_HASHING") not in PRODUCTION_PASSWORD_HASHING:
        raise ConfigError(f"PASSWORD_HASHING must be one of {', '.join(PRODUCTION_PASSWORD_HASHING)} in production.")
    try:
        make_url(config["SQLALCHEMY_DATABASE_URI"])
    except ArgumentError:
        raise ConfigError("OBSERVATORY_DATABASE_URL is not a database address, "
                          "e.g. postgresql+psycopg://user:password@host/observatory.") from None


def build(instance_path: Path, overrides: Mapping[str, Any] | None) -> dict[str, Any]:
    """Merge defaults, environment and overrides, then refuse unsafe combinations."""
    config = defaults(instance_path)
    config.update(from_environment(os.environ))
    config.update(overrides or {})
    if isinstance(config.get("PLUGINS_DISABLED"), str):
        config["PLUGINS_DISABLED"] = _env_list(config["PLUGINS_DISABLED"])
    if isinstance(config.get("USUAL_CURRENCIES"), str):
        config["USUAL_CURRENCIES"] = _env_list(config["USUAL_CURRENCIES"])
    config["USUAL_CURRENCIES"] = [code.upper() for code in config["USUAL_CURRENCIES"]]
    unknown = [code for code in config["USUAL_CURRENCIES"] if code not in list_currencies()]
    if unknown:
        raise ConfigError(f"OBSERVATORY_USUAL_CURRENCIES names no ISO 4217 currency: {', '.join(unknown)} "
                          "(give codes such as EUR,USD,CHF,GBP).")
    env = config["OBSERVATORY_ENV"]
    # argon2 all the same in the tests, with parameters that cost microseconds instead of a tenth of a second
    config.setdefault("PASSWORD_HASHING", "CHEAPEST" if env == "testing" else DEFAULT_PASSWORD_HASHING)
    if env not in ENVIRONMENTS:
        raise ConfigError(f"OBSERVATORY_ENV must be one of {', '.join(sorted(ENVIRONMENTS))}, not {env!r}.")
    if not isinstance(getattr(profiles, str(config["PASSWORD_HASHING"]), None), Parameters):
        raise ConfigError(f"PASSWORD_HASHING must name one of argon2's profiles, such as {DEFAULT_PASSWORD_HASHING}.")
    if env in DEVELOPMENT_ENVS:
        if "SESSION_COOKIE_SECURE" not in (overrides or {}):
            config["SESSION_COOKIE_SECURE"] = False
        if not config.get("SECRET_KEY"):
            # Tests share one fixed key (their workers and apps read each other's keyed data: sessions, the
            # phone index); a workstation keeps a key of its own in its instance folder.
            config["SECRET_KEY"] = TESTING_SECRET if env == "testing" else _development_secret(instance_path)
    else:
        _refuse_weak_production_settings(config)
    if env == "testing":
        config.setdefault("TESTING", True)
    if str(config["SQLALCHEMY_DATABASE_URI"]).startswith("postgresql"):
        # a database server out of reach is an error page within seconds, not a request hanging for minutes
        options = dict(config["SQLALCHEMY_ENGINE_OPTIONS"])
        options["connect_args"] = {"connect_timeout": 10, **options.get("connect_args", {})}
        config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    return config
