"""Logging in and out, lock-out, throttling, session expiry and two-factor authentication."""
from __future__ import annotations

import difflib
import html
import os
import re
import time

import pyotp
import pytest
from sqlalchemy import func, select

from core.database.models import User
from core.extensions import db
from core.web.security import hash_password

from .conftest import PASSWORD, REDIS_URL, csrf_token, login, post_form, require_service


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


def _answer(response, email: str) -> tuple[int, str]:
    """What a visitor sees, without the session's own CSRF token and the email they typed."""
    page = re.sub(r'(name="csrf-token" content|name="csrf_token" type="hidden" value)="[^"]*"', r'\1=""',
                  response.get_data(as_text=True))
    return response.status_code, page.replace(email, "EMAIL")


def test_unknown_inactive_and_known_accounts_get_the_same_answer(app, make_user):
    known, inactive = make_user("case_officer"), make_user("case_officer")
    with app.app_context():
        db.session.get(User, inactive.id).active = False
        db.session.commit()
    attempts = {"unknown": ("nobody@example.org", "wrong password!!"), "known, wrong password": (known.email,
                "wrong password!!"), "inactive, right password": (inactive.email, PASSWORD)}
    answers = {case: _answer(_post_login(app.test_client(), email, password), email)
               for case, (email, password) in attempts.items()}
    assert answers["unknown"][0] == 422 and "Invalid email or password." in answers["unknown"][1]
    for case, answer in answers.items():
        assert answer == answers["unknown"], (case, list(difflib.unified_diff(answers["unknown"][1].splitlines(),
                                                                               answer[1].splitlines())))


def test_unknown_and_known_accounts_take_the_same_time(make_app, make_user):
    """Roughly: an unknown email is checked against a dummy hash, so the answer does not come back faster (with
    production's hashing: the tests' cheap one would leave only the database work to compare)."""
    known = make_user("case_officer")
    standard = make_app(PASSWORD_HASHING="RFC_9106_LOW_MEMORY")
    with standard.app_context():
        db.session.get(User, known.id).password_hash = hash_password(PASSWORD)
        db.session.commit()
    client = standard.test_client()
    _post_login(client, known.email, "warm-up attempt")

    def median(email: str) -> float:
        times = []
        for _ in range(7):
            data = {"csrf_token": csrf_token(client), "email": email, "password": "wrong password!!"}
            started = time.perf_counter()
            client.post("/login", data=data)
            times.append(time.perf_counter() - started)
        return sorted(times)[3]

    unknown, existing = median("nobody@example.org"), median(known.email)
    assert 0.5 < unknown / existing < 2, (unknown, existing)


def test_every_refusal_does_the_same_password_hashing_work(make_app, make_user, monkeypatch):
    """Structurally, not by the clock: an unknown email, a known account's wrong password, a deactivated account's
    right password and an account whose stored value is no argon2 hash each cost exactly one verification with the
    configured profile's parameters (a real account's own hash is made with the same profile), and get the same
    answer. A throttled attempt is refused before any hashing, the same way whether the account exists or not."""
    from argon2 import PasswordHasher, extract_parameters, profiles

    from core.web import security

    app = make_app(PASSWORD_HASHING="RFC_9106_LOW_MEMORY", RATELIMIT_ENABLED=True,
                   LOGIN_ACCOUNT_RATE_LIMIT="1 per minute")
    known, inactive, no_hash = make_user("case_officer"), make_user("case_officer"), make_user("case_officer")
    with app.app_context():
        for person in (known, inactive):
            db.session.get(User, person.id).password_hash = hash_password(PASSWORD)
        db.session.get(User, inactive.id).active = False
        db.session.get(User, no_hash.id).password_hash = ""
        db.session.commit()
    verified = []

    class Counting(PasswordHasher):
        def verify(self, hash, password):  # noqa: A002 - argon2's own parameter name
            verified.append(extract_parameters(hash))
            return super().verify(hash, password)

    counting = Counting.from_parameters(profiles.RFC_9106_LOW_MEMORY)
    monkeypatch.setattr(security, "_hasher", lambda: counting)
    attempts = {"unknown": ("nobody@example.org", "wrong password!!"), "known": (known.email, "wrong password!!"),
                "inactive": (inactive.email, PASSWORD), "no hash": (no_hash.email, "wrong password!!")}
    answers, work = {}, {}
    for case, (email, password) in attempts.items():
        client = app.test_client()
        verified.clear()
        answers[case] = _answer(_post_login(client, email, password), email)
        work[case] = list(verified)
        verified.clear()
        throttled = _answer(_post_login(client, email, password), email)  # the account's 1 per minute is used
        assert throttled[0] == 429 and verified == [], case
        answers[case + ", throttled"] = throttled
    assert work == dict.fromkeys(attempts, [profiles.RFC_9106_LOW_MEMORY]), work
    for case in attempts:
        assert answers[case] == answers["unknown"], case
        assert answers[case + ", throttled"] == answers["unknown, throttled"], case


def test_failures_lock_nothing(app, client, make_user):
    """Without the throttle (off in this app), many failures do not shut the owner out: no hard lock."""
    user = make_user("case_officer")
    for _ in range(12):
        assert _post_login(client, user.email, "wrong password!!").status_code == 422
    assert _post_login(client, user.email, PASSWORD).status_code == 302
    with app.app_context():
        assert db.session.get(User, user.id).failed_logins == 0  # a success starts the count again


def test_inactive_account_cannot_log_in(app, client, make_user):
    user = make_user("case_officer")
    with app.app_context():
        db.session.get(User, user.id).active = False
        db.session.commit()
    assert _post_login(client, user.email, PASSWORD).status_code == 422


def test_repeated_login_posts_are_throttled(make_app, make_user):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    codes = [_post_login(client, f"x{n}@example.org", "wrong password!!").status_code for n in range(4)]
    assert codes[:3] == [422, 422, 422]
    assert codes[3] == 429
    assert "Too many attempts" in _post_login(client, "x@example.org", "again").get_data(as_text=True)


def _from(address: str):
    return {"REMOTE_ADDR": address}


def test_failures_on_one_account_are_throttled_with_growing_waits(make_app, make_user):
    """Failed attempts on one account from one address: after 2, a few seconds' wait; after 3, a minute's (the
    tests' short windows stand for the real "5 per minute; 10 per hour; 20 per day")."""
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_ACCOUNT_RATE_LIMIT="2 per 4 seconds; 3 per minute")
    user, other = make_user("readonly"), make_user("readonly")
    client = app.test_client()
    assert [_post_login(client, user.email, "wrong password!!").status_code for _ in range(3)] == [422, 422, 429]
    assert _post_login(client, user.email, PASSWORD).status_code == 429  # even the right password waits
    assert _post_login(client, other.email, PASSWORD).status_code == 302  # the address is not blocked
    unknown = app.test_client()  # an unknown account is throttled the same way
    assert [_post_login(unknown, "nobody@example.org", "wrong!").status_code for _ in range(3)] == [422, 422, 429]
    time.sleep(4.1)
    assert _post_login(app.test_client(), user.email, "wrong password!!").status_code == 422  # seconds later
    assert _post_login(app.test_client(), user.email, PASSWORD).status_code == 429  # now a minute's wait
    owner = app.test_client()
    response = owner.post("/login", data={"csrf_token": csrf_token(owner), "email": user.email, "password": PASSWORD},
                          environ_base=_from("198.51.100.7"))
    assert response.status_code == 302  # the owner, elsewhere, still logs in: a stranger cannot lock them out


def test_failures_on_one_account_from_many_addresses_are_throttled(make_app, make_user):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_ACCOUNT_TOTAL_RATE_LIMIT="4 per hour")
    user = make_user("readonly")
    client = app.test_client()
    codes = []
    for n in range(1, 6):
        data = {"csrf_token": csrf_token(client), "email": user.email, "password": "wrong password!!"}
        codes.append(client.post("/login", data=data, environ_base=_from(f"203.0.113.{n}")).status_code)
    assert codes == [422, 422, 422, 422, 429]


def test_strangers_failures_from_everywhere_do_not_keep_the_owner_out_of_a_browser_they_used(make_app, make_user):
    """The cap on an account's failures from all addresses is not a lock a stranger can put on the owner: the
    browser the owner logged in with before (its signed device cookie) still logs in; a new browser waits."""
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_ACCOUNT_TOTAL_RATE_LIMIT="4 per hour")
    user = make_user("readonly")
    owner = app.test_client()
    login = {"email": user.email, "password": PASSWORD}
    assert owner.post("/login", data={"csrf_token": csrf_token(owner), **login},
                      environ_base=_from("198.51.100.7")).status_code == 302
    assert owner.get_cookie("observatory_device") is not None
    assert post_form(owner, "/logout", token_from="/").status_code == 302
    stranger = app.test_client()
    for n in range(1, 6):
        data = {"csrf_token": csrf_token(stranger), "email": user.email, "password": "wrong password!!"}
        stranger.post("/login", data=data, environ_base=_from(f"203.0.113.{n}"))
    new_browser = app.test_client()
    assert new_browser.post("/login", data={"csrf_token": csrf_token(new_browser), **login},
                            environ_base=_from("198.51.100.8")).status_code == 429
    assert owner.post("/login", data={"csrf_token": csrf_token(owner), **login},
                      environ_base=_from("198.51.100.9")).status_code == 302
    forged = app.test_client()
    forged.set_cookie("observatory_device", "a-forged-value")
    assert forged.post("/login", data={"csrf_token": csrf_token(forged), **login},
                       environ_base=_from("198.51.100.10")).status_code == 429


@pytest.mark.redis
def test_throttling_is_shared_by_processes_through_redis(make_app):
    """Each app here starts the limiter's storage anew, as another process would: only Redis carries the count."""
    require_service(bool(REDIS_URL), "Redis (OBSERVATORY_TEST_REDIS_URL)")
    settings = {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": REDIS_URL,
                "LOGIN_ACCOUNT_RATE_LIMIT": "2 per minute"}
    email = f"someone-{os.urandom(4).hex()}@example.org"
    first = make_app(**settings).test_client()
    assert [_post_login(first, email, "wrong password!!").status_code for _ in range(2)] == [422, 422]
    second = make_app(**settings).test_client()
    assert _post_login(second, email, "wrong password!!").status_code == 429


def test_wrong_codes_at_the_two_factor_step_are_throttled_per_account(make_app, make_user):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_ACCOUNT_RATE_LIMIT="2 per minute")
    user = make_user("case_officer", totp=True)
    codes = []
    for address in ("203.0.113.1", "203.0.113.2"):  # a new address does not start the count again
        client = app.test_client()
        client.post("/login", data={"csrf_token": csrf_token(client), "email": user.email, "password": PASSWORD},
                    environ_base=_from(address))
        for _ in range(2 if address.endswith("1") else 1):
            codes.append(client.post("/login/two-factor", environ_base=_from(address), data={
                "csrf_token": csrf_token(client, "/login/two-factor"), "code": "000000"}).status_code)
    assert codes == [422, 422, 429]


def test_admins_are_told_of_repeated_failures_on_an_account(make_app, make_user):
    from core.notifications.models import Notification

    app = make_app(LOGIN_ALERT_FAILURES=3)
    admin, target = make_user("admin", totp=True), make_user("case_officer", name="Ana Target")
    client = app.test_client()
    for _ in range(3):
        _post_login(client, "nobody@example.org", "wrong password!!")  # unknown accounts alert no one
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Notification)) == 0
    for _ in range(3):
        _post_login(client, target.email, "wrong password!!")
    with app.app_context():
        alerts = db.session.scalars(select(Notification).where(Notification.kind == "login_failures")).all()
        assert [(a.user_id, a.url) for a in alerts] == [(admin.id, f"/admin/users/{target.id}")]
    admin_client = app.test_client()
    login(admin_client, admin)
    page = admin_client.get("/notifications").get_data(as_text=True)
    assert "Failed logins in a row on the account of Ana Target: 3." in page


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


def test_easy_passwords_are_refused_with_the_reason(client, make_user):
    user = make_user("readonly", name="Maria Lopez", email="maria.lopez@example.org")
    login(client, user)
    for password, reason in (("password1234", "one of the most commonly used passwords"),
                             ("zxcvbnm,./zxcv", "a pattern of the keyboard"),
                             ("abcdefghijklmnop", "a sequence"),
                             ("maria.lopez@example.org", "the name or the email address of the account")):
        response = post_form(client, "/account/", {"current_password": PASSWORD, "new_password": password,
                                                   "confirm": password})
        page = html.unescape(response.get_data(as_text=True))
        assert response.status_code == 422, password
        assert "This password is too easy to guess." in page and reason in page, password
    post_form(client, "/logout")
    login(client, user)  # nothing changed


def test_the_password_reason_is_translated(client, make_user):
    login(client, make_user("readonly", locale="es"))
    response = post_form(client, "/account/", {"current_password": PASSWORD, "new_password": "password1234",
                                               "confirm": "password1234"})
    assert "Esta contraseña es demasiado fácil de adivinar." in html.unescape(response.get_data(as_text=True))


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
