"""The ``observatory`` command: creating users, demo data, the worker's refusal without Redis."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from core.extensions import db
from core.models import User

from .conftest import login

ROOT = Path(__file__).resolve().parent.parent


def test_create_user_hashes_the_password_and_assigns_roles(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-user", "--email", "Lea@Example.org", "--name", "Léa", "--role", "coordinator",
                                 "--role", "case_officer", "--password", "a sufficiently long one"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "lea@example.org"))
        assert user.role_names == {"coordinator", "case_officer"}
        assert user.password_hash.startswith("$argon2id$")
    login(app.test_client(), user, password="a sufficiently long one")
    assert runner.invoke(args=["create-user", "--email", "lea@example.org", "--name", "Again",
                               "--password", "a sufficiently long one"]).exit_code != 0


def test_create_user_refuses_short_passwords_and_unknown_roles(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["create-user", "--email", "a@example.org", "--name", "A", "--password",
                               "short"]).exit_code != 0
    assert runner.invoke(args=["create-user", "--email", "a@example.org", "--name", "A", "--role", "king",
                               "--password", "a sufficiently long one"]).exit_code != 0
    with app.app_context():
        assert db.session.scalar(select(User)) is None


def test_demo_creates_an_admin_with_a_random_password_once(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "--if-empty"])
    assert first.exit_code == 0
    password = first.output.split("password: ")[1].split()[0]
    assert len(password) >= 16
    second = runner.invoke(args=["demo", "--if-empty"])
    assert second.exit_code == 0 and "no demo data loaded" in second.output
    assert password not in second.output
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.email == "admin@example.org"))
        assert admin.role_names == {"admin"}
    client = app.test_client()
    response = client.post("/login", data={"csrf_token": _token(client), "email": "admin@example.org",
                                           "password": password})
    assert response.status_code == 302
    assert client.get("/").location.endswith("/account/two-factor")  # admins must enrol in 2FA first


def _token(client):
    from .conftest import csrf_token

    return csrf_token(client)


def test_demo_refuses_a_database_with_data_without_if_empty(app, make_user):
    make_user("readonly")
    assert app.test_cli_runner().invoke(args=["demo"]).exit_code != 0


def test_worker_needs_redis(app):
    result = app.test_cli_runner().invoke(args=["worker", "--burst"])
    assert result.exit_code != 0 and "OBSERVATORY_REDIS_URL" in result.output


def test_console_script_is_installed():
    result = subprocess.run([str(Path(sys.executable).parent / "observatory"), "--help"], capture_output=True,
                            text=True, env={"OBSERVATORY_ENV": "testing", "PATH": "/usr/bin:/bin"}, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    for command in ("plugins", "worker", "create-user", "demo", "db", "run"):
        assert command in result.stdout
