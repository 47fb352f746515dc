"""The plugin kit: ``observatory new-plugin NAME`` writes a working outside plugin package, and ``observatory
translations compile`` compiles the catalogs of the core and of every active plugin, installed or not.

The files written come from ``templates/plugin/`` beside this module (``*.tmpl`` files, where ``${name}``,
``${package}``, ``${title}``... are replaced, as are ``__name__`` and ``__package__`` in their paths). The package
they make imports the core only through :mod:`core.api`, and tests itself with :mod:`core.testing`.
"""

from __future__ import annotations

import os
import re
from datetime import datetime, timezone
from pathlib import Path
from string import Template

import click
from flask import current_app
from flask.cli import with_appcontext

SKELETON = Path(__file__).parent / "templates" / "plugin"
NAME = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
#: The core's revision a generated plugin's first migration depends on (its tables point at the core's users).
CORE_REVISION = "core_0001"


def plugin_values(name: str) -> dict[str, str]:
    """What the skeleton's placeholders become for the plugin ``name``."""
    from .. import __version__
    from ..plugin_host.plugins import API_VERSION

    return {
        "name": name,
        "url": name.replace("_", "-"),
        "package": f"observatory_{name}",
        "distribution": f"observatory-{name.replace('_', '-')}",
        "title": name.replace("_", " ").capitalize(),
        "api_version": str(API_VERSION),
        "core_version": __version__,
        "core_revision": CORE_REVISION,
        "today": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S"),
    }


def write_plugin(name: str, into: Path) -> Path:
    """Write the package of plugin ``name`` in ``into/<distribution>/``; returns that folder."""
    if not NAME.match(name):
        raise click.BadParameter(
            "2 to 40 lowercase letters, digits or underscores, starting with a letter "
            "(it names the entry point, the blueprint, the tables and the migration branch)",
            param_hint="NAME",
        )
    values = plugin_values(name)
    target = into / values["distribution"]
    if target.exists():
        raise click.ClickException(f"{target} exists already: nothing was written")
    for source in sorted(SKELETON.rglob("*.tmpl")):
        relative = source.relative_to(SKELETON).with_suffix("").as_posix()
        relative = relative.replace("__package__", values["package"]).replace("__name__", name)
        relative = ".gitignore" if relative == "gitignore" else relative
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(Template(source.read_text(encoding="utf-8")).substitute(values), encoding="utf-8")
    return target


@click.command("new-plugin")
@click.argument("name")
@click.option(
    "--into",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    help="The folder to write the package in (default: the current one).",
)
def new_plugin_command(name: str, into: Path) -> None:
    """Write a working plugin package NAME: hooks, a page, a permission, a navigation entry, a dashboard widget,
    a model with its migration branch, EN/FR/ES catalogs and tests."""
    target = write_plugin(name, into)
    click.echo(f"Wrote the plugin {name} in {target}. Next, in the Observatory's environment:")
    click.echo(f"  cd {target}")
    click.echo('  pip install -e ".[test]"')
    click.echo("  observatory translations compile && observatory db upgrade")
    click.echo("  python -m pytest")


def catalog_folders(app) -> list[Path]:
    """The core's ``translations/`` folder and every active plugin's, wherever the plugin is installed."""
    from ..plugin_host.plugins import host

    folders = [Path(app.root_path) / "translations"]
    folders += [info.path / "translations" for info in host(app).active if info.path and info.name != "core"]
    return [folder for folder in folders if folder.is_dir()]


def compile_catalogs(folder: Path) -> list[Path]:
    """Compile each ``<language>/LC_MESSAGES/messages.po`` of ``folder`` beside itself; returns the .mo files."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po in sorted(folder.glob("*/LC_MESSAGES/messages.po")):
        mo = po.with_suffix(".mo")
        with po.open("rb") as source:
            catalog = read_po(source)
        with mo.open("wb") as compiled:
            write_mo(compiled, catalog)
        written.append(mo)
    return written


@click.group("translations")
def translations_group() -> None:
    """The translation catalogs of the core and the plugins."""


@translations_group.command("compile")
@with_appcontext
def compile_command() -> None:
    """Compile the catalogs of the core and of every active plugin (a wheel carries them compiled already; a
    checkout or an editable install needs this after each change of a .po file)."""
    for folder in catalog_folders(current_app):
        if not os.access(folder, os.W_OK):
            click.echo(f"{folder}: not writable, left as installed")
            continue
        compiled = compile_catalogs(folder)
        click.echo(f"{folder}: {len(compiled)} catalog(s) compiled")
