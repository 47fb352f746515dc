"""Admins manage accounts and roles in the interface; bad input is explained and nothing is saved."""
from __future__ import annotations

import html

from sqlalchemy import func, select

from core.database.models import Role, RolePermission, User
from core.extensions import db
from core.web.permissions import declared_permissions

from .conftest import PASSWORD, login, post_form


def _count_users(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


def _role_id(app, name) -> int:
    with app.app_context():
        return db.session.scalar(select(Role.id).where(Role.name == name))


def test_admin_creates_an_account_who_can_then_log_in(app, client, make_user):
    login(client, make_user("admin"))
    response = post_form(client, "/admin/users/new", {
        "email": "Nadia@Example.org", "name": "Nadia", "roles": [_role_id(app, "case_officer")],
        "active": "y", "password": PASSWORD})
    assert response.status_code == 302
    assert "The account of Nadia was created." in client.get("/admin/users").get_data(as_text=True)
    with app.app_context():
        nadia = db.session.scalar(select(User).where(User.email == "nadia@example.org"))
        assert nadia.role_names == {"case_officer"}
    login(app.test_client(), nadia)


def test_bad_input_is_explained_and_nothing_is_saved(app, client, make_user):
    admin = make_user("admin")
    login(client, admin)
    before = _count_users(app)
    response = post_form(client, "/admin/users/new", {"email": "not-an-email", "name": "", "password": "short"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter a valid email address" in page
    assert "This field is required." in page
    assert "at least 12 characters" in page
    assert 'value="not-an-email"' in page  # what was typed is kept
    response = post_form(client, "/admin/users/new", {"email": admin.email, "name": "Twin", "password": PASSWORD})
    assert "Another account already uses this email." in response.get_data(as_text=True)
    response = post_form(client, "/admin/users/new", {"email": "x@example.org", "name": "X", "password": ""})
    assert "This field is required." in response.get_data(as_text=True)
    assert _count_users(app) == before


def test_users_list_paginates_in_the_database(app, client, make_user, count_queries):
    admin = make_user("admin")
    login(client, admin)
    with app.app_context():
        db.session.add_all(User(email=f"u{i}@example.org", name=f"User {i:03}", password_hash="x") for i in range(60))
        db.session.commit()
    with count_queries() as few:
        first = client.get("/admin/users").get_data(as_text=True)
    assert "User 000" in first and "User 030" not in first and "61 in all" in first
    # the pager of a list paged by Flask-SQLAlchemy's db.paginate links to the other pages too
    assert 'href="/admin/users?page=3"' in first and 'rel="next"' in first
    with app.app_context():
        db.session.add_all(User(email=f"v{i}@example.org", name=f"Vser {i:03}", password_hash="x") for i in range(60))
        db.session.commit()
    with count_queries() as more:
        client.get("/admin/users?page=2")
    assert len(more) == len(few) <= 8
    assert "User 025" in client.get("/admin/users?page=2").get_data(as_text=True)


def test_admin_cannot_remove_their_own_admin_role(app, client, make_user):
    admin = make_user("admin")
    login(client, admin)
    response = post_form(client, f"/admin/users/{admin.id}", {"email": admin.email, "name": admin.name,
                                                              "roles": [_role_id(app, "readonly")], "active": "y"})
    assert "You cannot remove your own administrator role." in response.get_data(as_text=True)


def test_deactivated_user_is_logged_out_at_the_next_request(app, client, make_user):
    admin_client = app.test_client()
    login(admin_client, make_user("admin"))
    user = make_user("readonly")
    login(client, user)
    post_form(admin_client, f"/admin/users/{user.id}", {"email": user.email, "name": user.name,
                                                        "roles": [_role_id(app, "readonly")]})
    assert client.get("/").status_code == 302


def test_admin_resets_two_factor_and_sees_failed_logins(app, client, make_user):
    login(client, make_user("admin"))
    user = make_user("committee")
    with app.app_context():
        db.session.get(User, user.id).failed_logins = 4
        db.session.commit()
    assert "Failed logins in a row: 4." in client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    post_form(client, f"/admin/users/{user.id}/reset-two-factor")
    with app.app_context():
        reloaded = db.session.get(User, user.id)
        assert not reloaded.totp_enabled and reloaded.totp_secret is None


def test_admin_cannot_give_an_easy_password(app, client, make_user):
    login(client, make_user("admin"))
    response = post_form(client, "/admin/users/new", {"email": "new.person@example.org", "name": "New Person",
                                                      "password": "new.person@example.org"})
    assert response.status_code == 422
    assert "the name or the email address of the account" in html.unescape(response.get_data(as_text=True))
    assert _count_users(app) == 1


def test_admin_changes_what_a_role_may_do(app, client, make_user):
    login(client, make_user("admin"))
    role_id = _role_id(app, "readonly")
    with app.app_context():
        defaults = sorted(n for n, p in declared_permissions(app).items() if "readonly" in p.default_roles)
    response = post_form(client, f"/admin/roles/{role_id}", {
        "permissions": ["core.plugins.view", *defaults], "require_2fa": "y"})
    assert response.status_code == 302
    with app.app_context():
        role = db.session.get(Role, role_id)
        assert role.require_2fa
        assert [(o.permission, o.granted) for o in role.permission_overrides] == [("core.plugins.view", True)]
    roles_page = client.get("/admin/roles").get_data(as_text=True)
    assert "core.plugins.view" in roles_page
    reader = make_user("readonly", totp=True)
    reader_client = app.test_client()
    login(reader_client, reader)
    plugins_page = reader_client.get("/admin/plugins")
    assert plugins_page.status_code == 200
    listed = plugins_page.get_data(as_text=True)  # every way out, with whether it leaves the organisation
    assert "Advocacy dossier" in listed and "Letters to the authorities" in listed and "Audit trail (CSV)" in listed
    post_form(client, f"/admin/roles/{role_id}", {"permissions": defaults})  # the defaults again
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RolePermission)) == 0
    assert reader_client.get("/admin/plugins").status_code == 403


def test_admin_role_keeps_every_permission(app, client, make_user):
    login(client, make_user("admin"))
    post_form(client, f"/admin/roles/{_role_id(app, 'admin')}", {"permissions": [], "require_2fa": "y"})
    assert client.get("/admin/roles").status_code == 200


def test_an_invalid_choice_is_explained_in_the_users_language(app, client, make_user):
    login(client, make_user("admin"))
    post_form(client, "/language", {"locale": "fr"})
    response = post_form(client, f"/admin/roles/{_role_id(app, 'readonly')}", {"permissions": ["no.such.permission"]})
    assert response.status_code == 422
    assert "n'est pas un choix valide pour ce champ." in html.unescape(response.get_data(as_text=True))
