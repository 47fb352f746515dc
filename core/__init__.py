"""Observatory's core: the application factory and the plugin host."""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any, Mapping

from flask import Flask
from flask_babel import Babel
from werkzeug.routing import IntegerConverter

from . import builtin
from . import config as config_module
from .audit import capture as _audit_capture  # noqa: F401 - registers the audit listeners
from .calendar import deadlines
from .database import migrations_setup
from .disclosure import door
from .extensions import bootstrap, csrf, db, limiter, login_manager
from .languages import i18n
from .plugin_host.plugins import PluginHost, host
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

#: The core's own parts, registered as plugins through the same hooks as any other (Datasette's ``DEFAULT_PLUGINS``):
#: ``core`` (accounts, roles, jobs, publications, the dashboard) and ``records`` (defenders, partners, attachments,
#: audit, notifications, links). Hooks are called in registration order, so these answer first, before the
#: plugins of the ``observatory.plugins`` entry points, and cannot be disabled.
DEFAULT_PLUGINS = (("core", builtin), ("records", records_plugin))


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build an application. The order of the steps matters, and all of it is here:

    1. configuration, from the mapping given and the environment;
    2. the plugin host: :data:`DEFAULT_PLUGINS`, then the installed plugins (before the extensions: Babel needs
       every active plugin's catalog folder);
    3. the extensions (:func:`_init_extensions`), then the plugin failures seen so far are written to the database
       (:mod:`core.plugin_host.failures`; ``PROCESS_KIND`` says which kind of process this is);
    4. the request checks (:func:`_install_request_checks`), before any plugin's pages: no code of a plugin runs
       for a request before the core's checks let it through, nor changes an answer after the disclosure door;
    5. every plugin's blueprints and command-line commands (the core's first);
    6. the template helpers, then the ``observatory_startup`` hook, once everything is in place.
    """
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

    plugins = PluginHost(disabled=app.config["PLUGINS_DISABLED"], trace=app.config["PLUGINS_TRACE"],
                         process_kind=app.config["PROCESS_KIND"])
    for name, module in DEFAULT_PLUGINS:
        plugins.register(module, name, __version__, builtin=True)
    plugins.load_entry_points()
    app.extensions["observatory.plugins"] = plugins
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = i18n.translation_directories(
        app, [info.path for info in plugins.active if info.path and info.name != "core"]
    )

    _init_extensions(app)
    with app.app_context():  # what failed while loading, for every process to see; what this kind has recorded
        plugins.failures.start(db.engine, [info.name for info in plugins.active])
    _install_request_checks(app)

    with app.app_context():
        for plugin_name, blueprints in plugins.call("observatory_blueprints"):
            for blueprint in blueprints:
                try:
                    app.register_blueprint(blueprint)
                except Exception as exc:  # noqa: BLE001 - e.g. a name clash with another plugin
                    plugins.record_failure(plugin_name, "observatory_blueprints", exc)
    for command in plugins.collect("observatory_cli_commands"):
        app.cli.add_command(command)

    builtin.init_templates(app)
    with app.app_context():
        plugins.call("observatory_startup", app=app)
    return app


def _init_extensions(app: Flask) -> None:
    """The database (and its migrations and the calendar's change watch), languages, page helpers and what an
    error looks like. The extensions that check requests are installed with the other checks."""
    # A request's plugin failures wait for the end of its database session (core.plugin_host.failures), kept from
    # the first check on. Flask runs teardown functions in the reverse order installed: installed before the
    # database's own, this one runs after the request's session has ended, and waits for no lock of its own.
    app.before_request(host(app).failures.defer)
    app.teardown_appcontext(_write_deferred_plugin_failures)
    db.init_app(app)
    migrations_setup.init_app(app)
    deadlines.init_app(app)  # the calendar feeds' version, raised with every change they may depend on
    # One Babel per application: its catalogs are cached on it, and two applications of one process (tests, a
    # command) with other plugins, so other catalogs, must not read each other's.
    Babel(app, locale_selector=i18n.select_locale)
    app.request_class = i18n.ObservatoryRequest
    i18n.install_template_gettext(app)
    bootstrap.init_app(app)
    errors.init_app(app)


def _write_deferred_plugin_failures(_error: BaseException | None) -> None:
    """The plugin failures a request saw (:mod:`core.plugin_host.failures`), written after its session ended."""
    host().failures.write_deferred()


def _install_request_checks(app: Flask) -> None:
    """Every check around a request, in one place. Flask runs the functions installed with ``before_request`` in
    the order installed, and those installed with ``after_request`` in the reverse order (a blueprint's own
    first), so, before each view:

    1. CSRF: a form without its token is refused (400);
    2. rate limits (429);
    3. an idle or too old session is logged out (so the next checks see who is really logged in);
    4. the endpoint's access rule: to the login page (401), or 403 (``core.web.permissions``);
    5. a user whose role requires two-factor authentication sets it up first;

    and after it: the disclosure door checks the answer (:mod:`core.disclosure.door`; a refusal replaces it),
    then the security headers are added (to a refusal too), the remember-me cookie and the rate-limit headers.
    """
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    sessions.init_app(app)
    app.before_request(enforce_access_rule)
    sessions.init_2fa_enforcement(app)
    security.init_app(app)
    door.init_app(app)
