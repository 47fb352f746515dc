"""Shared fixtures: an app per test on a migrated database, users of each role, logging in.

The database is SQLite unless ``OBSERVATORY_TEST_DATABASE_URL`` names a PostgreSQL server.
``OBSERVATORY_TEST_STRICT=1`` (set by CI) turns every "service not available" skip into a failure.
"""
from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

import pyotp
import pytest
from sqlalchemy import create_engine, event, text

from core import create_app
from core.database.models import Role, User
from core.extensions import db
from core.web.security import hash_password

PASSWORD = "correct horse battery staple"
STRICT = os.environ.get("OBSERVATORY_TEST_STRICT") == "1"
POSTGRES_URL = os.environ.get("OBSERVATORY_TEST_DATABASE_URL")
REDIS_URL = os.environ.get("OBSERVATORY_TEST_REDIS_URL")
CSRF_PATTERN = re.compile(r'name="csrf-token" content="([^"]+)"')


def require_service(available: bool, what: str) -> None:
    """Skip a test whose service is missing, except in strict mode (CI) where that is a failure."""
    if not available:
        if STRICT:
            pytest.fail(f"{what} is required in strict mode")
        pytest.skip(f"{what} not available")


def base_config(instance: Path, database_url: str) -> dict:
    return {
        "OBSERVATORY_ENV": "testing",
        "INSTANCE_PATH": str(instance),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "RATELIMIT_ENABLED": False,
        "PLUGINS_DISABLED": [],
        "REDIS_URL": None,
    }


def _upgrade(config: dict) -> None:
    from flask_migrate import upgrade

    app = create_app(config)
    with app.app_context():
        upgrade(revision="heads")
        db.engine.dispose()


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """Migrate once per session: an SQLite file to copy, or a PostgreSQL schema plus its seed rows."""
    root = tmp_path_factory.mktemp("template")
    if POSTGRES_URL:
        engine = create_engine(POSTGRES_URL)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
        _upgrade(base_config(root / "instance", POSTGRES_URL))
        engine = create_engine(POSTGRES_URL)
        with engine.connect() as connection:
            seeds = {
                table: [dict(row._mapping) for row in connection.execute(text(f'SELECT * FROM "{table}"'))]
                for table in _tables(connection)
            }
        engine.dispose()
        return {"kind": "postgresql", "seeds": seeds}
    path = root / "template.sqlite3"
    _upgrade(base_config(root / "instance", f"sqlite:///{path}"))
    return {"kind": "sqlite", "path": path}


def _tables(connection) -> list[str]:
    rows = connection.execute(text(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename != 'alembic_version'"))
    return [row[0] for row in rows]


def _reset_postgres(seeds: dict) -> None:
    """Empty every table and put the migration's seed rows back (with their sequences)."""
    engine = create_engine(POSTGRES_URL)
    with engine.begin() as connection:
        tables = _tables(connection)
        if tables:
            connection.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        for table, rows in seeds.items():
            if rows:
                columns = list(rows[0])
                connection.execute(
                    text(f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({", ".join(":" + c for c in columns)})'),
                    rows,
                )
                if "id" in columns:
                    connection.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), (SELECT MAX(id) FROM \"{table}\"))"))
    engine.dispose()


@pytest.fixture
def database_url(database_template, tmp_path):
    if database_template["kind"] == "postgresql":
        _reset_postgres(database_template["seeds"])
        return POSTGRES_URL
    target = tmp_path / "test.sqlite3"
    shutil.copy(database_template["path"], target)
    return f"sqlite:///{target}"


@pytest.fixture
def make_app(database_url, tmp_path):
    """Build an app with extra configuration; every app of a test shares its database."""
    apps = []

    def build(**overrides):
        app = create_app({**base_config(tmp_path / "instance", database_url), **overrides})
        apps.append(app)
        return app

    yield build
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_user(app):
    """Create a user with the given built-in roles; ``totp=True`` gives an enrolled authenticator."""
    def build(*roles: str, email: str | None = None, name: str | None = None, totp: bool | None = None,
              password: str = PASSWORD) -> User:
        with app.app_context():
            role_rows = [db.session.query(Role).filter_by(name=r).one() for r in roles]
            needs_totp = any(r.require_2fa for r in role_rows) if totp is None else totp
            user = User(
                email=email or f"{'-'.join(roles) or 'nobody'}-{os.urandom(3).hex()}@example.org",
                name=name or f"Test {' '.join(roles) or 'user'}",
                password_hash=hash_password(password),
                roles=role_rows,
                totp_secret=pyotp.random_base32() if needs_totp else None,
                totp_enabled=needs_totp,
            )
            db.session.add(user)
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
            return user

    return build


def csrf_token(client, path: str = "/login") -> str:
    """The session's CSRF token, read from the meta tag every page carries."""
    response = client.get(path, follow_redirects=True)
    match = CSRF_PATTERN.search(response.get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def post_form(client, path: str, data: dict | None = None, token_from: str = "/account/", **kwargs):
    """POST like a browser: with the CSRF token of the session."""
    payload = {"csrf_token": csrf_token(client, token_from), **(data or {})}
    return client.post(path, data=payload, **kwargs)


def login(client, user: User, password: str = PASSWORD):
    """Log in through the real form, answering the 2FA step when the user has it."""
    response = client.post("/login", data={
        "csrf_token": csrf_token(client, "/login"), "email": user.email, "password": password})
    if user.totp_enabled and response.status_code == 302 and "/login/two-factor" in response.location:
        totp = pyotp.TOTP(user.totp_secret)
        for code in (totp.now(), totp.at(time.time() + 30)):  # the next step, if this one was used
            response = client.post("/login/two-factor", data={
                "csrf_token": csrf_token(client, "/login/two-factor"), "code": code})
            if response.status_code == 302:
                break
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


@pytest.fixture
def count_queries(app):
    """Context manager counting the SQL statements the app sends."""
    from contextlib import contextmanager

    @contextmanager
    def counting():
        statements: list[str] = []

        def record(conn, cursor, statement, *args):
            statements.append(statement)

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(engine, "before_cursor_execute", record)

    return counting
