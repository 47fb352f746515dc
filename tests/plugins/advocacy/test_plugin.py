"""The advocacy plugin as the platform sees it: loaded from its entry point, contributing its hooks,
and leaving the rest working when disabled."""
from __future__ import annotations

from core.plugin_host.plugins import host

from ...conftest import login


def test_loads_from_its_entry_point_with_its_hooks(app):
    info = host(app).plugins["advocacy"]
    assert (info.status, info.module, info.errors) == ("active", "plugins.advocacy.plugin", [])
    assert {"observatory_blueprints", "observatory_permissions", "observatory_nav_items",
            "observatory_record_types", "observatory_record_choices", "observatory_dashboard_widgets",
            "observatory_deadlines", "observatory_defender_timeline", "observatory_search",
            "observatory_cli_commands", "observatory_demo_data"} <= set(info.hooks)


def test_menu_entry_for_those_who_may_see_advocacy(app, make_user):
    client = app.test_client()
    login(client, make_user("readonly"))
    assert 'href="/advocacy/"' in client.get("/").get_data(as_text=True)
    other = app.test_client()
    login(other, make_user("committee"))
    assert 'href="/advocacy/"' not in other.get("/").get_data(as_text=True)
    assert other.get("/advocacy/").status_code == 403


def test_disabling_it_leaves_the_rest_working(make_app, make_user):
    app = make_app(PLUGINS_DISABLED=["advocacy"])
    assert host(app).plugins["advocacy"].status == "disabled"
    client = app.test_client()
    login(client, make_user("admin"))
    assert client.get("/admin/plugins").status_code == 200
    assert client.get("/advocacy/").status_code == 404
    assert client.get("/").status_code == 200


def test_demo_history_grows_with_the_scale_but_stays_within_thirty_years():
    from plugins.advocacy.demo import history_days

    assert history_days(1) == history_days(4) == 700 < history_days(40)
    assert history_days(250) == history_days(10_000) == 30 * 365  # not a century back at benchmark scales
