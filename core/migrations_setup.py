"""Where Alembic finds revisions: the core's folder and one branch folder per active plugin."""
from __future__ import annotations

import os
from pathlib import Path

from alembic.config import Config
from flask import Flask, current_app
from flask_migrate.cli import upgrade as upgrade_command

from .extensions import db, migrate
from .plugins import host

CORE_VERSIONS = Path(__file__).parent / "migrations" / "versions"

# Several plugins mean several Alembic heads: `observatory db upgrade` upgrades them all.
for _param in upgrade_command.params:
    if _param.name == "revision":
        _param.default = "heads"


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


def init_app(app: Flask) -> None:
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"), render_as_batch=True)
