"""The missions plugin as the platform sees it (its features come with their own issue)."""
from __future__ import annotations

from core.plugins import host

from ...conftest import login

NAME = "missions"


def test_loads_from_its_entry_point(app):
    info = host(app).plugins[NAME]
    assert (info.status, info.module, info.errors) == ("active", f"plugins.{NAME}.plugin", [])


def test_contributes_nothing_until_its_features_exist(app, make_user):
    """No hook, hence no menu entry and no empty page."""
    assert host(app).plugins[NAME].hooks == []
    assert not any(rule.endpoint.startswith(f"{NAME}.") for rule in app.url_map.iter_rules())
    client = app.test_client()
    login(client, make_user("admin"))
    assert f'href="/{NAME}' not in client.get("/").get_data(as_text=True)


def test_disabling_it_leaves_the_rest_working(make_app, make_user):
    app = make_app(PLUGINS_DISABLED=[NAME])
    assert host(app).plugins[NAME].status == "disabled"
    client = app.test_client()
    login(client, make_user("admin"))
    assert client.get("/admin/plugins").status_code == 200
