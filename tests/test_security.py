"""Headers, cookies, CSRF, and hostile requests that must never produce a 500."""
from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from core.config import ConfigError
from core.database.models import User
from core.extensions import db
from core.web.permissions import access_rule

from .conftest import PASSWORD, csrf_token, login, post_form


def test_security_headers_allow_only_our_own_origin(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "http" not in csp  # no outside host is allowed
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"


def test_pages_reference_no_outside_resource(client, make_user):
    login(client, make_user("admin"))
    for path in ("/login", "/", "/admin/users", "/account/two-factor", "/search?q=ab"):
        page = client.get(path).get_data(as_text=True)
        for marker in ("https://", "http://", "//cdn", "fonts.googleapis"):
            assert f'src="{marker}' not in page and f'href="{marker}' not in page, (path, marker)


def test_bootstrap_is_served_by_the_app(client):
    page = client.get("/login").get_data(as_text=True)
    css = page.split('rel="stylesheet" href="')[1].split('"')[0]
    assert css.startswith("/bootstrap/static/") and client.get(css).status_code == 200


def test_session_cookie_flags_in_production(make_app, monkeypatch, tmp_path):
    app = make_app(OBSERVATORY_ENV="production", SECRET_KEY=secrets.token_hex(32))
    response = app.test_client().get("/login")  # the CSRF token starts a session
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("observatory_session="))
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=Lax" in cookie
    assert "Strict-Transport-Security" in response.headers


def test_production_refuses_to_start_without_a_secret_key(monkeypatch, tmp_path):
    from core import create_app

    monkeypatch.delenv("OBSERVATORY_SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="OBSERVATORY_SECRET_KEY"):
        create_app({"OBSERVATORY_ENV": "production", "INSTANCE_PATH": str(tmp_path)})


ROOT = Path(__file__).resolve().parent.parent
GOOD_KEY = secrets.token_hex(32)


@pytest.mark.parametrize("settings, named", [
    ({}, "OBSERVATORY_SECRET_KEY must be set"),
    ({"OBSERVATORY_SECRET_KEY": "short-secret"}, "OBSERVATORY_SECRET_KEY is too weak"),
    ({"OBSERVATORY_SECRET_KEY": "x" * 64}, "OBSERVATORY_SECRET_KEY is too weak"),
    ({"OBSERVATORY_SECRET_KEY": GOOD_KEY, "OBSERVATORY_DATABASE_URL": "db.example.org"}, "OBSERVATORY_DATABASE_URL"),
    ({"OBSERVATORY_ENV": "prod", "OBSERVATORY_SECRET_KEY": GOOD_KEY}, "OBSERVATORY_ENV must be one of"),
])
@pytest.mark.parametrize("command", [["-c", "import core.wsgi"], ["-m", "core.cli", "plugins"]],
                         ids=["wsgi", "cli"])
def test_production_with_a_missing_or_weak_setting_stops_with_one_line(tmp_path, settings, named, command):
    env = {key: value for key, value in os.environ.items() if not key.startswith("OBSERVATORY_")}
    env.update({"OBSERVATORY_ENV": "production", "OBSERVATORY_INSTANCE_PATH": str(tmp_path),
                "PYTHONPATH": str(ROOT), **settings})
    result = subprocess.run([sys.executable, *command], env=env, capture_output=True, text=True, timeout=120,
                            cwd=ROOT)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and named in lines[0], result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_production_refuses_the_tests_cheap_password_hashing(tmp_path):
    from core import create_app

    with pytest.raises(ConfigError, match="PASSWORD_HASHING must be one of"):
        create_app({"OBSERVATORY_ENV": "production", "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": GOOD_KEY,
                    "PASSWORD_HASHING": "CHEAPEST"})


def test_passwords_are_hashed_with_the_configured_argon2_profile(make_app, make_user):
    """Production's hashes carry RFC 9106's parameters; the tests' cheap ones are upgraded at the next log-in."""
    from core.web.security import hash_password, verify_password

    standard = make_app(PASSWORD_HASHING="RFC_9106_LOW_MEMORY")
    with standard.app_context():
        stored = hash_password("a long pass phrase")
        assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
        user = db.session.get(User, make_user("case_officer").id)
        assert user.password_hash.startswith("$argon2id$v=19$m=8,t=1,p=1$")  # made by the tests' own app
        assert verify_password(user, PASSWORD)
        assert user.password_hash.startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_configuration_comes_from_the_environment(monkeypatch, tmp_path):
    from core import create_app

    monkeypatch.setenv("OBSERVATORY_DATABASE_URL", f"sqlite:///{tmp_path}/x.db")
    monkeypatch.setenv("OBSERVATORY_REDIS_URL", "redis://127.0.0.1:1/0")
    monkeypatch.setenv("OBSERVATORY_SECRET_KEY", "from-the-environment, long and varied enough")
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/x.db"
    assert app.config["REDIS_URL"] == "redis://127.0.0.1:1/0"
    assert app.config["SECRET_KEY"] == "from-the-environment, long and varied enough"
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_default_database_is_sqlite_in_the_instance_folder(monkeypatch, tmp_path):
    from core import create_app

    monkeypatch.delenv("OBSERVATORY_DATABASE_URL", raising=False)
    app = create_app({"OBSERVATORY_ENV": "development", "INSTANCE_PATH": str(tmp_path)})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/observatory.sqlite3"
    assert (tmp_path / "secret_key").exists()  # development keeps a random key, never a known one


def test_post_without_csrf_token_is_refused_with_a_clear_page(client, make_user):
    login(client, make_user("admin"))
    response = client.post("/admin/users/new", data={"email": "a@example.org", "name": "A", "password": "x" * 12})
    assert response.status_code == 400
    assert "Your form expired" in response.get_data(as_text=True)


def test_oversized_body_is_refused_politely(make_app, make_user):
    app = make_app(MAX_CONTENT_LENGTH=1024)
    client = app.test_client()
    response = client.post("/login", data={"email": "a" * 5000, "password": "x"})
    assert response.status_code == 413  # no form page to go back to (no referrer): the page, with the upload limit
    assert "Too large" in response.get_data(as_text=True) and "larger than 15 MB" in response.get_data(as_text=True)
    # sent back to the form it came from, on this site only: a referrer whose path leaves the site is not followed
    for referrer, back in (("http://localhost/defenders/new?x=1", "/defenders/new?x=1"),
                           ("http://localhost//evil.example/x", "/"), ("http://localhost/\\evil.example/x", "/")):
        response = client.post("/login", data={"email": "a" * 5000}, headers={"Referer": referrer})
        assert response.status_code == 303 and response.location == back, (referrer, response.location)


def test_json_clients_get_json_errors(client, make_user):
    login(client, make_user("readonly"))
    response = client.get("/jobs/12345/status", headers={"Accept": "application/json"})
    assert response.status_code == 404 and response.json["error"] == "Page not found"


def test_unexpected_errors_show_a_translated_page_without_a_trace(make_app, make_user):
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    def broken():
        raise RuntimeError("secret internal detail")

    broken._observatory_access = "public"
    app.add_url_rule("/broken", "broken", broken)
    response = app.test_client().get("/broken", headers={"Accept-Language": "fr"})
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Un problème est survenu" in page
    assert "secret internal detail" not in page and "Traceback" not in page


HOSTILE_VALUES = ["0", "-1", "99999999999999999999", "abc", "%00", "'; DROP TABLE core_users; --", "../../etc/passwd"]


def test_hostile_requests_never_cause_a_server_error(app, make_user):
    client = app.test_client()
    login(client, make_user("admin"))
    token = csrf_token(client, "/account/")
    for rule in app.url_map.iter_rules():
        if rule.endpoint.endswith("static") or rule.endpoint == "auth.logout":
            continue
        for value in HOSTILE_VALUES:
            path = rule.rule
            for argument in rule.arguments:
                path = path.replace(f"<int:{argument}>", value).replace(f"<{argument}>", value)
            for method in ("GET", "POST", "PUT", "DELETE"):
                for data in ({}, {"csrf_token": token, "email": value, "name": value, "q": value, "page": value,
                                  "locale": value, "next": value, "code": value, "roles": value}):
                    response = client.open(path, method=method, data=data, query_string={"page": value, "q": value},
                                           buffered=True)
                    assert response.status_code < 500, (method, path, data, response.status_code)
    assert access_rule(app, "auth.logout") == "login"


NUMBER_ARGUMENTS = ("page", "year", "month", "days", "record_id", "mechanism", "officer", "target", "defender",
                    "partner", "annex_ids")


@pytest.mark.parametrize("value", ["²", "٣", "9" * 5000], ids=["a digit int() refuses", "an Arabic-Indic digit",
                                                                "a number of 5000 digits"])
def test_numbers_in_any_script_or_length_never_cause_a_server_error(app, make_user, value):
    """Every page read with its numeric arguments set to what ``str.isdigit`` accepts but ``int`` refuses (a
    superscript), to another script's digits, or to more digits than ``int`` reads."""
    client = app.test_client()
    login(client, make_user("admin"))
    query = {name: value for name in NUMBER_ARGUMENTS}
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.arguments or rule.endpoint.endswith("static") \
                or rule.endpoint == "auth.logout":
            continue
        response = client.get(rule.rule, query_string=query, buffered=True)
        assert response.status_code < 500, (rule.rule, response.status_code)
    two_factor = app.test_client()
    assert two_factor.post("/login/two-factor", data={"csrf_token": csrf_token(two_factor, "/login"),
                                                      "code": value[:8]}).status_code < 500


def test_wrong_method_is_405_not_500(client, make_user):
    login(client, make_user("readonly"))
    assert client.delete("/").status_code == 405
    assert client.put("/jobs/").status_code == 405


def test_open_redirects_are_refused(client, make_user):
    for target in ("https://evil.example", "//evil.example", "javascript:alert(1)"):
        response = client.post("/language", data={"csrf_token": csrf_token(client), "locale": "fr", "next": target})
        assert response.location == "/", target


def test_admin_pages_escape_user_supplied_text(client, make_user):
    login(client, make_user("admin"))
    post_form(client, "/admin/users/new", {"email": "x@example.org", "name": "<script>alert(1)</script>",
                                           "password": "a long enough password", "active": "y"})
    page = client.get("/admin/users").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_translated_messages_quoting_user_data_are_escaped(app):
    """Flask-Babel marks lazy strings as safe HTML; ours (``core.languages.i18n.LazyText``) are escaped, with what they
    quote, and Flask-Babel's own class is left as it is."""
    from flask import render_template_string
    from flask_babel.speaklater import LazyString

    from core.languages.i18n import lazy_gettext, lazy_pgettext

    script = "<script>alert(1)</script>"
    with app.test_request_context():
        for message in (lazy_gettext("Report received: %(title)s", title=script),
                        lazy_pgettext("case", "Case: %(title)s", title=script)):
            page = render_template_string("{{ message }}", message=message)
            assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert LazyString(str, script).__html__() == script  # no process-wide patch of Flask-Babel


def test_every_lazy_message_is_ours():
    """Only ``core.languages.i18n`` makes lazy messages: one made with Flask-Babel's own functions would be marked as safe
    HTML, with the user data it quotes."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    theirs = re.compile(r"flask_babel import (\([^)]*|[^\n]*)\blazy_|flask_babel\.lazy_|\bLazyString\(")
    found = [str(path.relative_to(root)) for folder in ("core", "plugins", "templates")
             for path in (root / folder).rglob("*") if path.suffix in (".py", ".html")
             and theirs.search(path.read_text(encoding="utf-8"))]
    assert found == []


def test_an_unknown_password_hashing_profile_stops_any_environment(tmp_path):
    from core import create_app

    with pytest.raises(ConfigError, match="PASSWORD_HASHING must name one of argon2's profiles"):
        create_app({"OBSERVATORY_ENV": "development", "INSTANCE_PATH": str(tmp_path), "PASSWORD_HASHING": "CHEAPST"})
