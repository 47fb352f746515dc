"""The missions plugin as the platform sees it: loaded from its entry point, contributing its hooks,
and leaving the rest working when disabled."""
from __future__ import annotations

from core.plugin_host.plugins import host

from ...conftest import login


def test_loads_from_its_entry_point_with_its_hooks(app):
    info = host(app).plugins["missions"]
    assert (info.status, info.module, info.errors) == ("active", "plugins.missions.plugin", [])
    assert {"observatory_blueprints", "observatory_permissions", "observatory_defender_timeline",
            "observatory_dashboard_widgets", "observatory_deadlines",
            "observatory_search", "observatory_bulletin_sections", "observatory_annual_report_sections",
            "observatory_demo_data", "observatory_record_choices"} <= set(info.hooks)


def test_menu_entry_for_those_who_may_see_missions(app, make_user):
    client = app.test_client()
    login(client, make_user("readonly"))
    assert 'href="/missions/"' in client.get("/").get_data(as_text=True)
    other = app.test_client()
    login(other, make_user("committee"))
    assert 'href="/missions/"' not in other.get("/").get_data(as_text=True)
    assert other.get("/missions/").status_code == 403


def test_disabling_it_leaves_the_rest_working(make_app, make_user):
    app = make_app(PLUGINS_DISABLED=["missions"])
    assert host(app).plugins["missions"].status == "disabled"
    client = app.test_client()
    login(client, make_user("admin"))
    assert client.get("/admin/plugins").status_code == 200
    assert client.get("/missions/").status_code == 404


def test_demo_history_grows_with_the_scale_but_stays_within_thirty_years():
    from plugins.missions.demo import history_days

    assert history_days(1) == history_days(4) == 700 < history_days(40)
    assert history_days(250) == history_days(10_000) == 30 * 365  # not a century back at benchmark scales
