"""Discovery through entry points, disabling, isolation of broken plugins, the plugins page and CLI."""
from __future__ import annotations

import logging

from core.plugin_host.plugins import ACTIVE, DISABLED, FAILED, host

from .conftest import login
from .plugin_factory import install_plugin

THIRD_PARTY = '''
from flask import Blueprint, render_template
from core.api import NavItem, Permission, hookimpl, permission_required
from core.api import lazy_gettext as _l

TITLE = "Weather alerts"
blueprint = Blueprint("weather", __name__, url_prefix="/weather", template_folder="templates")

@blueprint.route("/")
@permission_required("weather.view")
def index():
    return render_template("weather/index.html")

@hookimpl
def observatory_blueprints():
    return [blueprint]

@hookimpl
def observatory_permissions():
    return [Permission("weather.view", "See weather alerts", default_roles=("case_officer",))]

@hookimpl
def observatory_nav_items():
    return [NavItem("Weather", "weather.index", "weather.view", order=50)]
'''
WEATHER_FILES = {"templates/weather/index.html": "Storm warning for the mission team"}


def test_bundled_plugins_are_discovered_through_entry_points(app):
    plugins = host(app).plugins
    for name in ("interventions", "missions", "assistance", "advocacy"):
        assert plugins[name].status == ACTIVE
        assert plugins[name].version == "0.1.0"
    assert plugins["core"].status == ACTIVE


def test_each_bundled_plugin_registers_its_pages_under_its_own_name(app):
    plugins = host(app).plugins
    for name in ("interventions", "missions", "assistance", "advocacy"):
        assert "observatory_blueprints" in plugins[name].hooks
        assert name in app.blueprints


def test_third_party_package_adds_a_plugin_without_touching_the_repository(tmp_path, monkeypatch, make_app, make_user):
    install_plugin(tmp_path / "site", monkeypatch, THIRD_PARTY, entry_name="weather", files=WEATHER_FILES)
    app = make_app()
    info = host(app).plugins["weather"]
    assert info.status == ACTIVE and info.version == "1.2.3"
    assert info.hooks == ["observatory_blueprints", "observatory_nav_items", "observatory_permissions"]

    officer, reader = app.test_client(), app.test_client()
    login(officer, make_user("case_officer"))
    login(reader, make_user("readonly"))
    assert "Weather" in officer.get("/").get_data(as_text=True)
    assert officer.get("/weather/").get_data(as_text=True) == "Storm warning for the mission team"
    assert "Weather" not in reader.get("/").get_data(as_text=True)
    assert reader.get("/weather/").status_code == 403


def test_a_plugin_can_be_disabled_by_configuration(make_app, monkeypatch):
    monkeypatch.setenv("OBSERVATORY_PLUGINS_DISABLED", "missions, advocacy")
    from core import create_app

    app = create_app({"OBSERVATORY_ENV": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    plugins = host(app).plugins
    assert plugins["missions"].status == DISABLED and plugins["advocacy"].status == DISABLED
    assert plugins["interventions"].status == ACTIVE


def test_each_app_has_its_own_plugin_manager(tmp_path, monkeypatch, make_app):
    first = make_app()
    install_plugin(tmp_path / "site", monkeypatch, THIRD_PARTY, entry_name="weather", files=WEATHER_FILES)
    second = make_app()
    assert host(first).pm is not host(second).pm
    assert "weather" not in host(first).plugins and "weather" in host(second).plugins


def test_a_plugin_that_fails_to_import_is_isolated(tmp_path, monkeypatch, make_app, make_user, caplog):
    install_plugin(tmp_path / "site", monkeypatch, "import module_that_does_not_exist\n", entry_name="broken")
    with caplog.at_level(logging.ERROR):
        app = make_app()
    info = host(app).plugins["broken"]
    assert info.status == FAILED
    assert "module_that_does_not_exist" in info.errors[0]
    assert "plugin broken disabled" in caplog.text
    client = app.test_client()
    login(client, make_user("admin"))
    page = client.get("/admin/plugins").get_data(as_text=True)
    assert "module_that_does_not_exist" in page
    assert client.get("/").status_code == 200


def test_a_hook_with_no_specification_is_an_error_at_start_up(tmp_path, monkeypatch, make_app):
    install_plugin(tmp_path / "site", monkeypatch, '''
        from core.plugin_host.hookspecs import hookimpl

        @hookimpl
        def observatory_nav_itmes():  # a typo
            return []
    ''', entry_name="typo")
    info = host(make_app()).plugins["typo"]
    assert info.status == FAILED
    assert "observatory_nav_itmes" in info.errors[0]
    assert info.hooks == []


def test_a_hook_with_unknown_arguments_is_rejected(tmp_path, monkeypatch, make_app):
    install_plugin(tmp_path / "site", monkeypatch, '''
        from core.plugin_host.hookspecs import hookimpl

        @hookimpl
        def observatory_search(query, user, limit, colour):
            return []
    ''', entry_name="badargs")
    info = host(make_app()).plugins["badargs"]
    assert info.status == FAILED and "colour" in info.errors[0]


def test_a_hook_that_raises_costs_only_its_own_answer(tmp_path, monkeypatch, make_app, make_user):
    install_plugin(tmp_path / "a", monkeypatch, '''
        from core.plugin_host.hookspecs import hookimpl

        @hookimpl
        def observatory_nav_items():
            raise RuntimeError("nav exploded")
    ''', entry_name="exploding")
    install_plugin(tmp_path / "b", monkeypatch, THIRD_PARTY, entry_name="weather", files=WEATHER_FILES)
    app = make_app()
    client = app.test_client()
    login(client, make_user("admin"))
    page = client.get("/").get_data(as_text=True)
    assert "Weather" in page and "Users" in page  # the others still answered
    assert "observatory_nav_items: RuntimeError: nav exploded" in host(app).plugins["exploding"].errors
    assert "nav exploded" in client.get("/admin/plugins").get_data(as_text=True)


def test_plugins_command_lists_version_status_and_hooks(app):
    result = app.test_cli_runner().invoke(args=["plugins"])
    assert result.exit_code == 0
    lines = {line.split()[0]: line for line in result.output.splitlines() if line and not line.startswith(" ")}
    assert set(lines) >= {"core", "interventions", "missions", "assistance", "advocacy"}
    assert "0.1.0" in lines["missions"] and "active" in lines["missions"]
    assert "observatory_permissions" in lines["core"]


def test_trace_switch_logs_every_hook_call(make_app, caplog):
    app = make_app(PLUGINS_TRACE=True)
    with caplog.at_level(logging.INFO, logger="core.plugin_host.plugins"), app.app_context():
        host(app).collect("observatory_nav_items")
    assert "hook observatory_nav_items -> core" in caplog.text
