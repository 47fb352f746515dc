"""Logging in and out, lock-out, throttling, session expiry and two-factor authentication."""
from __future__ import annotations

import re
from datetime import timedelta

import pyotp

from core.database.models import User
from core.extensions import db

from .conftest import PASSWORD, csrf_token, login, post_form


def _post_login(client, email, password):
    return client.post("/login", data={"csrf_token": csrf_token(client), "email": email, "password": password})


def test_pages_require_login_and_redirect_to_it(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/login?next=" in response.location


def test_health_and_login_page_are_public(client):
    assert client.get("/health").json == {"status": "ok", "database": "ok"}
    assert "Log in" in client.get("/login").get_data(as_text=True)


def test_login_with_good_password_opens_the_dashboard(client, make_user):
    user = make_user("case_officer", name="Ana Officer")
    login(client, user)
    page = client.get("/").get_data(as_text=True)
    assert "Welcome, Ana Officer" in page


def test_wrong_password_is_refused_with_a_message_and_counted(app, client, make_user):
    user = make_user("case_officer")
    response = _post_login(client, user.email, "wrong password!!")
    assert response.status_code == 422
    assert "Invalid email or password." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, user.id).failed_logins == 1


def test_unknown_email_gets_the_same_message(client):
    response = _post_login(client, "nobody@example.org", "whatever password")
    assert response.status_code == 422
    assert "Invalid email or password." in response.get_data(as_text=True)


def test_empty_form_shows_field_errors(client):
    response = _post_login(client, "", "")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert page.count("This field is required.") == 2


def test_account_locks_after_repeated_failures_even_for_the_right_password(app, client, make_user):
    user = make_user("case_officer")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        _post_login(client, user.email, "wrong password!!")
    response = _post_login(client, user.email, PASSWORD)
    assert response.status_code == 422
    assert "locked for 15 minutes" in response.get_data(as_text=True)
    with app.app_context():
        locked = db.session.get(User, user.id)
        assert locked.locked_until is not None
        locked.locked_until = locked.locked_until - timedelta(minutes=16)  # time passes
        db.session.commit()
    assert _post_login(client, user.email, PASSWORD).status_code == 302


def test_inactive_account_cannot_log_in(app, client, make_user):
    user = make_user("case_officer")
    with app.app_context():
        db.session.get(User, user.id).active = False
        db.session.commit()
    assert _post_login(client, user.email, PASSWORD).status_code == 422


def test_repeated_login_posts_are_throttled(make_app, make_user):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    codes = [_post_login(client, "x@example.org", "wrong password!!").status_code for _ in range(4)]
    assert codes[:3] == [422, 422, 422]
    assert codes[3] == 429
    assert "Too many attempts" in _post_login(client, "x@example.org", "again").get_data(as_text=True)


def test_logout_needs_a_post_with_csrf(client, make_user):
    login(client, make_user("readonly"))
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400  # no CSRF token
    assert client.get("/").status_code == 200
    response = post_form(client, "/logout")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_session_expires_after_idle_timeout(client, make_user):
    login(client, make_user("readonly"))
    with client.session_transaction() as sess:
        sess["seen_at"] -= 31 * 60
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.location
    assert "Your session expired" in client.get("/login").get_data(as_text=True)


def test_session_has_an_absolute_lifetime(client, make_user):
    login(client, make_user("readonly"))
    with client.session_transaction() as sess:
        sess["login_at"] -= 13 * 3600
    assert client.get("/").status_code == 302


def test_login_changes_the_session_and_ignores_foreign_next(client, make_user):
    user = make_user("readonly")
    client.get("/login")
    response = client.post("/login?next=https://evil.example/steal", data={
        "csrf_token": csrf_token(client), "email": user.email, "password": PASSWORD})
    assert response.location == "/"
    client2 = client.application.test_client()
    response = client2.post("/login?next=/jobs/", data={
        "csrf_token": csrf_token(client2), "email": user.email, "password": PASSWORD})
    assert response.location == "/jobs/"


def test_two_factor_login_needs_the_current_code(app, client, make_user):
    user = make_user("case_officer", totp=True)
    response = _post_login(client, user.email, PASSWORD)
    assert response.location.endswith("/login/two-factor")
    assert client.get("/").status_code == 302  # not logged in yet
    bad = client.post("/login/two-factor", data={"csrf_token": csrf_token(client, "/login/two-factor"),
                                                 "code": "000000"})
    assert bad.status_code == 422
    assert "This code is not valid" in bad.get_data(as_text=True)
    good = client.post("/login/two-factor", data={"csrf_token": csrf_token(client, "/login/two-factor"),
                                                  "code": pyotp.TOTP(user.totp_secret).now()})
    assert good.status_code == 302
    assert client.get("/").status_code == 200


def test_enrol_in_two_factor_then_log_in_with_a_recovery_code_once(app, client, make_user):
    user = make_user("case_officer")
    login(client, user)
    page = client.get("/account/two-factor").get_data(as_text=True)
    assert "data:image/svg+xml" in page
    with client.session_transaction() as sess:
        secret = sess["totp_pending_secret"]
    wrong = post_form(client, "/account/two-factor", {"code": "123456"})
    assert wrong.status_code == 422
    response = post_form(client, "/account/two-factor", {"code": pyotp.TOTP(secret).now()})
    codes = re.findall(r"<li>([0-9a-f]{6}-[0-9a-f]{6})</li>", response.get_data(as_text=True))
    assert len(codes) == 10
    post_form(client, "/logout")

    for attempt, expected in ((codes[0], 302), (codes[0], 422)):
        client.post("/login", data={"csrf_token": csrf_token(client), "email": user.email, "password": PASSWORD})
        response = client.post("/login/two-factor", data={
            "csrf_token": csrf_token(client, "/login/two-factor"), "code": attempt})
        assert response.status_code == expected
        if expected == 302:
            post_form(client, "/logout")


def test_role_requiring_two_factor_forces_enrolment(app, client, make_user):
    admin = make_user("admin", totp=False)
    login(client, admin)
    response = client.get("/admin/users")
    assert response.status_code == 302 and response.location.endswith("/account/two-factor")
    assert client.get("/account/two-factor").status_code == 200


def test_two_factor_cannot_be_turned_off_when_the_role_requires_it(client, make_user):
    login(client, make_user("committee"))
    response = post_form(client, "/account/two-factor/disable", {"password": PASSWORD}, follow_redirects=True)
    assert "cannot be turned off" in response.get_data(as_text=True)


def test_password_change_checks_the_current_password(app, client, make_user):
    user = make_user("readonly")
    login(client, user)
    response = post_form(client, "/account/", {"current_password": "nope", "new_password": "a much longer one",
                                               "confirm": "a much longer one"})
    assert "This is not your current password." in response.get_data(as_text=True)
    response = post_form(client, "/account/", {"current_password": PASSWORD, "new_password": "short",
                                               "confirm": "short"})
    assert "at least 12 characters" in response.get_data(as_text=True)
    response = post_form(client, "/account/", {"current_password": PASSWORD, "new_password": "a much longer one",
                                               "confirm": "a much longer one"})
    assert response.status_code == 302
    post_form(client, "/logout")
    login(client, user, password="a much longer one")


def test_a_two_factor_code_cannot_be_replayed(client, make_user):
    user = make_user("case_officer", totp=True)
    code = pyotp.TOTP(user.totp_secret).now()
    for expected in (302, 422):
        _post_login(client, user.email, PASSWORD)
        response = client.post("/login/two-factor", data={
            "csrf_token": csrf_token(client, "/login/two-factor"), "code": code})
        assert response.status_code == expected
        if expected == 302:
            post_form(client, "/logout")
