"""Observatory's core: the application factory and the plugin host."""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any, Mapping

from flask import Flask
from werkzeug.routing import IntegerConverter

from . import builtin
from . import config as config_module
from .audit import capture as _audit_capture  # noqa: F401 - registers the audit listeners
from .database import migrations_setup
from .disclosure import door
from .extensions import babel, bootstrap, csrf, db, limiter, login_manager
from .languages import i18n
from .plugin_host.plugins import PluginHost
from .records import plugin as records_plugin
from .web import errors, security, sessions
from .web.permissions import enforce_access_rule

REPOSITORY = Path(__file__).resolve().parent.parent
#: Run from a git checkout (``make run``, the tests), or installed from a wheel, which carries the shared templates
#: inside the package (``setup.py``) and keeps its data in ``OBSERVATORY_INSTANCE_PATH`` or, by default, in
#: Flask's instance folder of the environment it is installed in (``<prefix>/var/core-instance``).
FROM_CHECKOUT = (REPOSITORY / "templates").is_dir() and (REPOSITORY / "setup.cfg").is_file()


class BoundedIntegerConverter(IntegerConverter):
    """``<int:id>`` stops at the largest database integer: a longer number is a 404, not a 500."""

    def __init__(self, url_map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


__version__ = "0.1.0"


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build an application: configuration, extensions, plugins, then their blueprints."""
    chosen = (config or {}).get("INSTANCE_PATH") or os.environ.get("OBSERVATORY_INSTANCE_PATH") \
        or (REPOSITORY / "instance" if FROM_CHECKOUT else None)  # installed: Flask's <prefix>/var/core-instance
    app = Flask(
        __name__,
        instance_path=str(chosen) if chosen else None,
        template_folder=str(REPOSITORY / "templates" if FROM_CHECKOUT else Path(__file__).parent / "templates"),
    )
    instance_path = Path(app.instance_path)
    instance_path.mkdir(parents=True, exist_ok=True)
    app.url_map.converters["int"] = BoundedIntegerConverter
    app.config.update(config_module.build(instance_path, config))
    logging.basicConfig(level=logging.INFO)

    plugins = PluginHost(disabled=app.config["PLUGINS_DISABLED"], trace=app.config["PLUGINS_TRACE"])
    plugins.register(builtin, "core", __version__, builtin=True)
    plugins.register(records_plugin, "records", __version__, builtin=True)
    plugins.load_entry_points()
    app.extensions["observatory.plugins"] = plugins
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = i18n.translation_directories(
        app, [info.path for info in plugins.active if info.path and info.name != "core"]
    )

    db.init_app(app)
    migrations_setup.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    app.request_class = i18n.ObservatoryRequest
    i18n.install_template_gettext(app)
    csrf.init_app(app)
    bootstrap.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    security.init_app(app)
    door.init_app(app)  # runs before the security headers (a refusal gets them) and after the plugins' own
    errors.init_app(app)

    with app.app_context():
        for plugin_name, blueprints in plugins.call("observatory_blueprints"):
            for blueprint in blueprints:
                try:
                    app.register_blueprint(blueprint)
                except Exception as exc:  # noqa: BLE001 - e.g. a name clash with another plugin
                    plugins.record_failure(plugin_name, "observatory_blueprints", exc)

    for command in plugins.collect("observatory_cli_commands"):
        app.cli.add_command(command)

    sessions.init_app(app)
    app.before_request(enforce_access_rule)
    sessions.init_2fa_enforcement(app)
    builtin.init_templates(app)

    with app.app_context():
        plugins.call("observatory_startup", app=app)
    return app
