"""The ``observatory`` command: creating users, demo data, the worker's refusal without Redis."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.database.models import User
from core.extensions import db

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
    result = runner.invoke(args=["create-user", "--email", "a@example.org", "--name", "A",
                                 "--password", "qwertyuiop123"])
    assert result.exit_code != 0 and "one of the most commonly used passwords" in result.output
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


def test_demo_data_is_realistic_scaled_and_loaded_once(app):
    from core.records.models import Assignment, Defender, Partner

    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo-data", "--scale", "2"])
    assert result.exit_code == 0, result.output
    assert "600 defenders and 200 partner organisations" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Defender)) == 600
        assert db.session.scalar(select(func.count()).select_from(Partner)) == 200
        countries = db.session.scalar(select(func.count(func.distinct(Defender.country_id))))
        assert countries >= 30
        restricted = db.session.scalars(select(Defender.id).where(Defender.confidentiality == "restricted")).all()
        assigned = set(db.session.scalars(select(Assignment.record_id).where(Assignment.record_type == "defender")))
        assert restricted and set(restricted) <= assigned  # restricted demo records have someone assigned
        no_consent = db.session.scalar(select(Defender).where(Defender.consent_to_publish.is_(False)))
        assert no_consent.publication_name and no_consent.public_name != no_consent.name
    again = runner.invoke(args=["demo-data", "--if-empty"])
    assert again.exit_code == 0 and "no demo data loaded" in again.output
    assert runner.invoke(args=["demo-data"]).exit_code != 0


def test_the_phone_index_is_rebuilt_after_the_secret_key_changed(make_app):
    """Its keys depend on the secret key: outputs holding a number are refused until ``observatory
    reindex-phones`` rebuilt it."""
    from core.disclosure import Guard
    from core.disclosure.phones import IndexOutdated

    from .records_helpers import add_defender

    add_defender(make_app(), "Aylin Kaya", phone="0532 123 45 67")
    renewed = make_app(SECRET_KEY="another secret key, long enough for the tests")
    assert renewed.test_cli_runner().invoke(args=["reindex-addresses"]).exit_code == 0  # its own index, below
    with renewed.test_request_context(), pytest.raises(IndexOutdated):  # refused rather than let a number out
        Guard(None, external=True).release("Call 0532 123 45 67")
    with renewed.test_request_context():
        assert Guard(None, external=True).release("No number here.") == "No number here."
    result = renewed.test_cli_runner().invoke(args=["reindex-phones"])
    assert result.exit_code == 0 and "rebuilt: 1 defenders and partners" in result.output
    with renewed.test_request_context():
        assert Guard(None, external=True).release("Call 0532 123 45 67") == "Call […]"


def test_the_address_index_is_rebuilt_after_the_secret_key_changed(make_app):
    """Its keys depend on the secret key too: outputs are refused until ``observatory reindex-addresses`` rebuilt
    it, then an address typed alone is found again."""
    from core.disclosure import Guard
    from core.disclosure.addresses import AddressIndexOutdated

    from .records_helpers import add_defender

    add_defender(make_app(), "Aylin Kaya", publication_name="A. K.", address="Rue des Lilas 7, Lyon")
    renewed = make_app(SECRET_KEY="another secret key, long enough for the tests")
    assert renewed.test_cli_runner().invoke(args=["reindex-phones"]).exit_code == 0
    with renewed.test_request_context(), pytest.raises(AddressIndexOutdated) as refused:
        Guard(None, external=True).release("She lives at Rue des Lilas 7.")
    assert "observatory reindex-addresses" in refused.value.user_message
    result = renewed.test_cli_runner().invoke(args=["reindex-addresses"])
    assert result.exit_code == 0 and "rebuilt: 1 defenders hold" in result.output
    with renewed.test_request_context():
        assert Guard(None, external=True).release("She lives at Rue des Lilas 7.") == "She lives at […]."
