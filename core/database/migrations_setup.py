"""Where Alembic finds revisions: the core's folder and one branch folder per active plugin."""
from __future__ import annotations

import os
from pathlib import Path

import click
import flask_migrate
import flask_migrate.cli
from alembic.config import Config
from flask import Flask, current_app
from flask.cli import with_appcontext

from ..extensions import db, migrate
from ..plugin_host.plugins import host

CORE_VERSIONS = Path(__file__).parent.parent / "migrations" / "versions"


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Autogenerate filter: a table the models do not know (a disabled plugin's) is never dropped, and an
    index on an expression (marked ``info={"expression": True}``) is left alone: databases print expressions
    back in their own words, so autogenerate would drop and recreate it forever. Tests check those."""
    if type_ == "table" and reflected and compare_to is None:
        return False
    if type_ == "index":
        model_index = compare_to if reflected else obj
        return not (model_index is not None and model_index.info.get("expression"))
    return True


def version_locations(app: Flask) -> list[Path]:
    folders = [CORE_VERSIONS]
    for info in host(app).active:
        if info.name != "core" and info.path and (info.path / "migrations").is_dir():
            folders.append(info.path / "migrations")
    return folders


@migrate.configure
def add_plugin_branches(config: Config) -> Config:
    folders = version_locations(current_app)
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", os.pathsep.join(str(folder) for folder in folders))
    return config


@click.command("upgrade")
@click.option("-d", "--directory", default=None, help="Migration script directory (default: the core's)")
@click.option("--sql", is_flag=True, help="Don't emit SQL to database - dump to standard output instead")
@click.option("--tag", default=None, help="Arbitrary \"tag\" name - can be used by custom env.py scripts")
@click.option("-x", "--x-arg", multiple=True, help="Additional arguments consumed by custom env.py scripts")
@click.argument("revision", default="heads")
@click.pass_context
@with_appcontext
def upgrade_command(context: click.Context, directory: str | None, sql: bool, tag: str | None,
                    x_arg: tuple[str, ...], revision: str) -> None:
    """Upgrade to a later version (by default every head: the core's branch and each plugin's)."""
    directory = directory or context.parent.params.get("directory")
    flask_migrate.upgrade(directory, revision, sql, tag, list(x_arg) or None)


def database_commands() -> click.Group:
    """Flask-Migrate's ``db`` commands, with an ``upgrade`` that goes to every head: its own goes to "head",
    which several heads (one Alembic branch per plugin) make ambiguous. A group of our own, so that
    Flask-Migrate's stays as it is."""
    theirs = flask_migrate.cli.db
    return click.Group(theirs.name, commands={**theirs.commands, "upgrade": upgrade_command}, params=theirs.params,
                       callback=theirs.callback, help=theirs.help)


def init_app(app: Flask) -> None:
    migrate.init_app(app, db, directory=str(Path(__file__).parent.parent / "migrations"), render_as_batch=True)
    app.cli.add_command(database_commands(), name=migrate.command)  # in place of the group Flask-Migrate added
