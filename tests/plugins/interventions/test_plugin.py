"""The interventions plugin as the platform sees it: loaded from its entry point, contributing its hooks,
and leaving the rest working when disabled."""
from __future__ import annotations

from core.plugin_host.plugins import host

from ...conftest import login


def test_loads_from_its_entry_point_with_its_hooks(app):
    info = host(app).plugins["interventions"]
    assert (info.status, info.module, info.errors) == ("active", "plugins.interventions.plugin", [])
    assert {"observatory_blueprints", "observatory_permissions", "observatory_defender_timeline",
            "observatory_dashboard_widgets"} <= set(info.hooks)


def test_menu_entry_for_those_who_may_see_cases(app, make_user):
    client = app.test_client()
    login(client, make_user("readonly"))
    assert 'href="/interventions/"' in client.get("/").get_data(as_text=True)
    other = app.test_client()
    login(other, make_user("committee"))
    assert 'href="/interventions/"' not in other.get("/").get_data(as_text=True)
    assert other.get("/interventions/").status_code == 403


def test_disabling_it_leaves_the_rest_working(make_app, make_user):
    app = make_app(PLUGINS_DISABLED=["interventions"])
    assert host(app).plugins["interventions"].status == "disabled"
    client = app.test_client()
    login(client, make_user("admin"))
    assert client.get("/admin/plugins").status_code == 200
    assert client.get("/interventions/").status_code == 404
