"""What the platform guarantees for any bundled plugin; each plugin's test module supplies ``plugin_name``.

These hold while a plugin's features are not built yet (it contributes nothing) and are replaced by
the plugin's own tests as its features land.
"""
from __future__ import annotations

from core.plugins import host

from ..conftest import login


def test_loads_from_its_entry_point(app, plugin_name):
    info = host(app).plugins[plugin_name]
    assert (info.status, info.module, info.errors) == ("active", f"plugins.{plugin_name}.plugin", [])


def test_contributes_nothing_until_its_features_exist(app, make_user, plugin_name):
    """No hook, hence no menu entry and no empty page."""
    assert host(app).plugins[plugin_name].hooks == []
    assert not any(rule.endpoint.startswith(f"{plugin_name}.") for rule in app.url_map.iter_rules())
    client = app.test_client()
    login(client, make_user("admin"))
    assert f'href="/{plugin_name}' not in client.get("/").get_data(as_text=True)


def test_disabling_it_leaves_the_rest_working(make_app, make_user, plugin_name):
    app = make_app(PLUGINS_DISABLED=[plugin_name])
    assert host(app).plugins[plugin_name].status == "disabled"
    client = app.test_client()
    login(client, make_user("admin"))
    assert client.get("/admin/plugins").status_code == 200
