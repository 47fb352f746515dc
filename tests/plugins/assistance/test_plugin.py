"""The assistance plugin as the platform sees it: loaded from its entry point, contributing its hooks,
and leaving the rest working when disabled."""
from __future__ import annotations

from core.plugin_host.plugins import host

from ...conftest import login


def test_loads_from_its_entry_point_with_its_hooks(app):
    info = host(app).plugins["assistance"]
    assert (info.status, info.module, info.errors) == ("active", "plugins.assistance.plugin", [])
    assert {"observatory_blueprints", "observatory_permissions", "observatory_nav_items",
            "observatory_record_types", "observatory_vocabularies", "observatory_startup"} <= set(info.hooks)


def test_menu_entry_for_staff_and_committee_only(app, make_user):
    for role, shown in (("case_officer", True), ("committee", True), ("readonly", False)):
        client = app.test_client()
        login(client, make_user(role, email=f"{role}@example.org"))
        assert ('href="/assistance/"' in client.get("/").get_data(as_text=True)) is shown, role
        assert client.get("/assistance/").status_code == (200 if shown else 403)


def test_bad_committee_rules_are_reported_and_the_defaults_apply(make_app):
    app = make_app(ASSISTANCE_QUORUM="three", ASSISTANCE_MAJORITY="most")
    info = host(app).plugins["assistance"]
    assert app.config["ASSISTANCE_QUORUM"] == 3 and app.config["ASSISTANCE_MAJORITY"] == "simple"
    assert any("ASSISTANCE_QUORUM" in error for error in info.errors)


def test_disabling_it_leaves_the_rest_working(make_app, make_user):
    app = make_app(PLUGINS_DISABLED=["assistance"])
    assert host(app).plugins["assistance"].status == "disabled"
    client = app.test_client()
    login(client, make_user("admin"))
    assert client.get("/admin/plugins").status_code == 200
    assert client.get("/assistance/").status_code == 404
