"""Sessions that end: a copy of a session cookie (a stolen one, another tab's) stops working as soon as the
session is ended, by each of the five events; *Your sessions* shows each browser and logs the others out."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select, update

from core.database.models import User, UserSession
from core.extensions import db

from .conftest import PASSWORD, login, post_form

COOKIE = "observatory_session"
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
PHONE = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
         "Mobile Safari/537.36")


def _copy_of(client):
    """Another client holding the very same session cookie, as a thief or a second tab would."""
    copy = client.application.test_client()
    copy.set_cookie(COOKIE, client.get_cookie(COOKIE).value)
    assert copy.get("/").status_code == 200  # the copy works until the session ends
    return copy


def _refused(client) -> bool:
    response = client.get("/")
    return response.status_code == 302 and "/login" in response.location


def _sessions_of(app, user_id) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(UserSession).where(UserSession.user_id == user_id))


def _user_form(app, user, **changes):
    with app.app_context():
        roles = [role.id for role in db.session.get(User, user.id).roles]
    return {"email": user.email, "name": user.name, "roles": roles, "active": "y", **changes}


def test_logging_out_refuses_every_copy_of_the_cookie(app, client, make_user):
    user = make_user("readonly")
    login(client, user)
    copy = _copy_of(client)
    post_form(client, "/logout")
    assert _refused(client) and _refused(copy)
    assert _sessions_of(app, user.id) == 0


def test_changing_the_password_ends_every_other_session_and_renews_this_one(app, client, make_user):
    user = make_user("readonly")
    login(client, user)
    other_browser = app.test_client()
    login(other_browser, user)
    copy = _copy_of(client)
    response = post_form(client, "/account/", {"current_password": PASSWORD, "new_password": "violet kettle marsh 42",
                                               "confirm": "violet kettle marsh 42"}, follow_redirects=True)
    assert "Every other session was logged out." in response.get_data(as_text=True)
    assert client.get("/").status_code == 200  # this browser goes on, on a new session
    assert _refused(copy) and _refused(other_browser)
    assert _sessions_of(app, user.id) == 1


def test_an_admin_resetting_two_factor_ends_the_users_sessions(app, make_user):
    admin_client, user_client = app.test_client(), app.test_client()
    login(admin_client, make_user("admin", totp=True))
    user = make_user("case_officer", totp=True)
    login(user_client, user)
    copy = _copy_of(user_client)
    post_form(admin_client, f"/admin/users/{user.id}/reset-two-factor")
    assert _refused(user_client) and _refused(copy)


def test_deactivating_a_user_ends_their_sessions(app, make_user):
    admin_client, user_client = app.test_client(), app.test_client()
    login(admin_client, make_user("admin", totp=True))
    user = make_user("readonly")
    login(user_client, user)
    copy = _copy_of(user_client)
    form = _user_form(app, user)
    del form["active"]  # the box unticked
    assert post_form(admin_client, f"/admin/users/{user.id}", form).status_code == 302
    assert _refused(user_client) and _refused(copy)
    assert _sessions_of(app, user.id) == 0


def test_an_admin_setting_a_new_password_ends_the_users_sessions(app, make_user):
    admin_client, user_client = app.test_client(), app.test_client()
    login(admin_client, make_user("admin", totp=True))
    user = make_user("readonly")
    login(user_client, user)
    assert post_form(admin_client, f"/admin/users/{user.id}",
                     _user_form(app, user, password="violet kettle marsh 42")).status_code == 302
    assert _refused(user_client)


def test_end_all_sessions_on_the_users_page(app, make_user):
    admin_client = app.test_client()
    login(admin_client, make_user("admin", totp=True))
    user = make_user("readonly")
    browsers = [app.test_client(), app.test_client()]
    for browser in browsers:
        login(browser, user)
    copy = _copy_of(browsers[0])
    assert "Active sessions: 2." in admin_client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    response = post_form(admin_client, f"/admin/users/{user.id}/end-sessions", follow_redirects=True)
    assert "Sessions of Test readonly logged out: 2." in response.get_data(as_text=True)
    assert all(_refused(browser) for browser in [*browsers, copy])
    assert admin_client.get("/").status_code == 200  # the admin's own session is not touched
    login(browsers[0], user)  # and the user simply logs in again
    assert browsers[0].get("/").status_code == 200


def test_your_sessions_lists_each_browser_and_logs_out_the_others(app, make_user):
    user = make_user("readonly")
    laptop, phone = app.test_client(), app.test_client()
    laptop.environ_base["HTTP_USER_AGENT"] = FIREFOX
    phone.environ_base["HTTP_USER_AGENT"] = PHONE
    login(laptop, user)
    login(phone, user)
    page = laptop.get("/account/sessions").get_data(as_text=True)
    assert "Firefox on Windows" in page and "Chrome on Android" in page and "This browser" in page
    assert page.count("<tr>") == 3  # a header and two sessions
    response = post_form(laptop, "/account/sessions/end-others", follow_redirects=True)
    assert "Other sessions logged out: 1." in response.get_data(as_text=True)
    assert _refused(phone) and laptop.get("/").status_code == 200
    assert "Chrome on Android" not in laptop.get("/account/sessions").get_data(as_text=True)


def test_one_other_session_can_be_ended_but_not_someone_elses(app, make_user):
    user, stranger = make_user("readonly"), make_user("readonly")
    first, second, strangers = app.test_client(), app.test_client(), app.test_client()
    login(first, user)
    login(second, user)
    login(strangers, stranger)
    with app.app_context():
        ids = dict(db.session.execute(select(UserSession.user_id, func.max(UserSession.id))
                                      .group_by(UserSession.user_id)).all())
    assert post_form(first, f"/account/sessions/{ids[stranger.id]}/end").status_code == 404
    assert strangers.get("/").status_code == 200
    assert post_form(first, f"/account/sessions/{ids[user.id]}/end").status_code == 302  # the second browser's
    assert _refused(second) and first.get("/").status_code == 200


def test_the_session_page_is_translated(app, make_user):
    client = app.test_client()
    login(client, make_user("readonly", locale="fr"))
    page = client.get("/account/sessions").get_data(as_text=True)
    assert "Vos sessions" in page and "Ce navigateur" in page


def test_ended_session_records_are_deleted_at_anyones_next_log_in(app, make_user):
    """A record past the idle timeout or the lifetime (with its browser's description) does not wait for its own
    user to come back: the next log-in of anyone deletes it."""
    gone, other = make_user("case_officer"), make_user("case_officer")
    login(app.test_client(), gone)
    login(app.test_client(), gone)
    with app.app_context():
        long_ago = datetime.now(timezone.utc) - app.config["PERMANENT_SESSION_LIFETIME"] - timedelta(minutes=1)
        db.session.execute(update(UserSession).where(UserSession.user_id == gone.id)
                           .values(created_at=long_ago, last_seen_at=long_ago))
        db.session.commit()
    login(app.test_client(), other)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(UserSession)
                                 .where(UserSession.user_id == gone.id)) == 0
        assert db.session.scalar(select(func.count()).select_from(UserSession)
                                 .where(UserSession.user_id == other.id)) == 1
