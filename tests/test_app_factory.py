"""create_app: the core's own parts registered first (``DEFAULT_PLUGINS``), and the request checks installed
before any plugin's pages, so that a plugin's code never runs for a request the core refuses."""
from __future__ import annotations

import sys

from core import DEFAULT_PLUGINS, create_app
from core.plugin_host.plugins import ACTIVE, host

from .conftest import login
from .plugin_factory import install_plugin

WATCHING = '''
from flask import Blueprint, request
from core.api import hookimpl

SEEN = []
blueprint = Blueprint("watching", __name__, url_prefix="/watching")

@blueprint.before_app_request
def note_the_request():
    SEEN.append(request.path)

@hookimpl
def observatory_blueprints():
    return [blueprint]
'''


def test_the_core_parts_are_registered_first_and_cannot_be_disabled(monkeypatch):
    monkeypatch.setenv("OBSERVATORY_PLUGINS_DISABLED", "core, records, missions")
    plugins = host(create_app({"OBSERVATORY_ENV": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://"})).plugins
    assert list(plugins)[:len(DEFAULT_PLUGINS)] == [name for name, _module in DEFAULT_PLUGINS] == ["core", "records"]
    assert all(plugins[name].status == ACTIVE for name, _module in DEFAULT_PLUGINS)
    assert plugins["missions"].status != ACTIVE


def test_a_plugins_request_handler_runs_only_for_requests_the_core_lets_through(tmp_path, monkeypatch, make_app,
                                                                               make_user):
    install_plugin(tmp_path / "site", monkeypatch, WATCHING, entry_name="watching")
    app = make_app()
    seen = sys.modules[host(app).plugins["watching"].module].SEEN
    visitor = app.test_client()
    assert visitor.get("/defenders/").status_code == 302  # to the login page: the access rule answered first
    assert "/defenders/" not in seen
    reader = app.test_client()
    login(reader, make_user("readonly"))
    assert reader.get("/admin/users").status_code == 403
    assert "/admin/users" not in seen
    assert reader.get("/defenders/").status_code == 200
    assert "/defenders/" in seen
