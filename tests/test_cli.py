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


def test_after_the_secret_key_changed_outputs_are_refused_until_reindex_addresses_rebuilt_both_indexes(
        make_app, make_user):
    """The phone and address indexes are keyed by the secret key: after it changed, a number or an address typed
    alone would not be found, so an output is refused, with a message in the user's language naming the one
    command to run (``observatory reindex-addresses``, which rebuilds both indexes; ``reindex-phones`` does the
    same); once it ran, the file is built and holds neither."""
    from core.disclosure import Guard
    from core.disclosure.addresses import AddressIndexOutdated
    from core.disclosure.phones import IndexOutdated

    from .records_helpers import add_defender

    first = make_app()
    add_defender(first, "Aylin Kaya", publication_name="A. K.", phone="0532 123 45 67",
                 address="Rue des Lilas 7, Lyon")
    file_of = add_defender(first, "Deniz Aksoy", consent_to_publish=True,
                           summary="Her lawyer answers on 0532 123 45 67 and lives at Rue des Lilas 7.")
    renewed = make_app(SECRET_KEY="another secret key, long enough for the tests")
    with renewed.test_request_context():  # refused rather than let a number or an address out
        with pytest.raises(IndexOutdated) as phone:
            Guard(None, external=True).release("Call 0532 123 45 67")
        with pytest.raises(AddressIndexOutdated) as address:
            Guard(None, external=True).release("She lives at Rue des Lilas 7.")
        assert Guard(None, external=True).release("Nothing") == "Nothing"
    assert "observatory reindex-addresses" in phone.value.user_message == address.value.user_message
    client = renewed.test_client()
    login(client, make_user("case_officer", locale="fr"))
    refused = client.get(f"/defenders/{file_of}/file.html")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 503 and "la clé secrète a changé" in page
    assert "Un administrateur doit exécuter observatory reindex-addresses sur le serveur" in page
    assert "0532" not in page and "Lilas" not in page
    result = renewed.test_cli_runner().invoke(args=["reindex-addresses"])
    assert result.exit_code == 0, result.output
    assert "Phone index rebuilt: 1 defenders and partners" in result.output
    assert "Address index rebuilt: 1 defenders hold" in result.output
    built = client.get(f"/defenders/{file_of}/file.html")
    text = built.get_data(as_text=True)
    assert built.status_code == 200 and "Her lawyer answers on […] and lives at […]." in text
    assert "0532" not in text and "Lilas" not in text
    again = renewed.test_cli_runner().invoke(args=["reindex-phones"])  # the older name does the same
    assert again.exit_code == 0 and "Address index rebuilt: 1 defenders hold" in again.output
