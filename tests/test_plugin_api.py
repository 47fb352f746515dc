"""The plugin API (``core.api``) is the only door between the plugins and the core: plugins import nothing
else of the core, never each other, and the core never imports a plugin. A plugin written for another version
of the API is refused with its reason."""
from __future__ import annotations

import ast
import inspect
from pathlib import Path

import core.api
from core.documents import documents
from core.plugin_host.plugins import API_VERSION, FAILED, host

from .plugin_factory import install_plugin

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path):
    """(absolute module, imported names, line) of every import in ``path``, relative ones resolved."""
    package = path.relative_to(ROOT).with_suffix("").parts[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, [], node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else ()
            module = ".".join([*base, node.module] if node.module else base)
            yield module, [alias.name for alias in node.names], node.lineno


def test_plugins_import_the_core_only_through_its_api():
    allowed = set(core.api.__all__)
    wrong = []
    for path in sorted((ROOT / "plugins").rglob("*.py")):
        for module, names, line in _imports(path):
            where = f"{path.relative_to(ROOT)}:{line}"
            if module == "core.api":
                wrong += [f"{where} core.api.{name} is not in core.api.__all__" for name in names
                          if name not in allowed]
            elif module == "core" or module.startswith("core."):
                wrong.append(f"{where} imports {module}")
    assert wrong == []


# The speed vocabulary (see the README's "Speed measures"): a plugin uses it only in its queries.py.
SPEED_NAMES = {"built_once", "read_rows", "among_ids", "fill_collection", "prefix_conditions_to_bind",
               "prefix_matches_to_bind", "union", "union_all", "literal_column", "lambda_stmt", "Viewer", "viewer",
               "VIEWER_ID"}


def test_speed_measures_live_only_in_each_plugins_queries_module():
    wrong = []
    for path in sorted((ROOT / "plugins").rglob("*.py")):
        if path.name == "queries.py" or "migrations" in path.parts:
            continue
        for module, names, line in _imports(path):
            if module in ("core.api", "sqlalchemy"):
                wrong += [f"{path.relative_to(ROOT)}:{line} {name}" for name in names if name in SPEED_NAMES]
    assert wrong == []
    assert sorted(path.parent.name for path in (ROOT / "plugins").glob("*/queries.py")) == [
        "advocacy", "assistance", "interventions", "missions"]


def test_plugins_never_import_each_other():
    wrong = []
    for path in sorted((ROOT / "plugins").rglob("*.py")):
        own = ".".join(path.relative_to(ROOT).parts[:2])
        for module, _names, line in _imports(path):
            if (module == "plugins" or module.startswith("plugins.")) and not (module + ".").startswith(own + "."):
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert wrong == []


def test_the_core_never_imports_a_plugin():
    wrong = [f"{path.relative_to(ROOT)}:{line} imports {module}"
             for path in sorted((ROOT / "core").rglob("*.py"))
             for module, _names, line in _imports(path) if module == "plugins" or module.startswith("plugins.")]
    assert wrong == []


def test_every_name_of_the_api_exists():
    assert len(core.api.__all__) == len(set(core.api.__all__))
    assert [name for name in core.api.__all__ if not hasattr(core.api, name)] == []
    assert core.api.API_VERSION == API_VERSION


def test_the_bundled_plugins_say_which_api_they_are_written_for(app):
    with app.app_context():
        bundled = [info for info in host().plugins.values() if info.module.startswith("plugins.")]
        assert len(bundled) == 4 and all(info.status != FAILED for info in bundled)


def test_a_plugin_written_for_another_api_is_refused_with_its_reason(tmp_path, monkeypatch, make_app):
    source = "from core.api import hookimpl\n\n@hookimpl\ndef observatory_demo_data(scale):\n    return 'x'\n"
    future = install_plugin(tmp_path / "a", monkeypatch, source + f"OBSERVATORY_API_VERSIONS = ({API_VERSION + 1},)\n",
                            entry_name="future")
    silent = install_plugin(tmp_path / "b", monkeypatch, source + "OBSERVATORY_API_VERSIONS = None  # says nothing\n",
                            entry_name="silent")
    fitting = install_plugin(tmp_path / "c", monkeypatch, source, entry_name="fitting")
    app = make_app()
    with app.app_context():
        plugins = host().plugins
        assert plugins[future].status == FAILED
        assert f"written for version(s) {API_VERSION + 1} of the plugin API" in plugins[future].errors[0]
        assert f"offers version {API_VERSION}" in plugins[future].errors[0]
        assert plugins[silent].status == FAILED
        assert "does not say which versions of the plugin API" in plugins[silent].errors[0]
        assert plugins[fitting].status != FAILED and plugins[fitting].hooks == ["observatory_demo_data"]
        assert "observatory_demo_data" not in plugins[future].hooks


def test_the_plugin_api_offers_no_way_to_write_a_document_without_a_guard():
    """The renderers of each format write what they get: only render, render_file and download, which take the
    guard, are public, and core.api names them rather than the whole module."""
    assert not hasattr(core.api, "documents")
    assert {"render_document", "download_document", "Document"} <= set(core.api.__all__)
    writers = [name for name, function in inspect.getmembers(documents, inspect.isfunction)
               if function.__module__ == documents.__name__ and not name.startswith("_")
               and name.startswith(("render", "download"))]
    assert sorted(writers) == ["download", "render", "render_file"]
    assert all("guard" in inspect.signature(getattr(documents, name)).parameters for name in writers)


def test_each_plugin_lists_its_addresses_in_its_blueprint_module():
    """A plugin's URL table is its ``blueprint.py`` (Indico's way): views are plain functions, so no module adds
    pages as a side effect of being imported."""
    for plugin in sorted(path.parent for path in (ROOT / "plugins").glob("*/plugin.py")):
        assert (plugin / "blueprint.py").is_file(), plugin.name
        for path in plugin.rglob("*.py"):
            source = path.read_text(encoding="utf-8")
            if path.name != "blueprint.py":
                assert not any(call in source for call in (".route(", "Blueprint(", "add_url_rule(")), \
                    path.relative_to(ROOT)


ALONE = """
import importlib, sys
failed = []
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m in ("core", "plugins") or m.startswith(("core.", "plugins."))]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception as error:
        failed.append(f"{name}: {type(error).__name__}: {error}")
print("\\n".join(failed))
"""


def test_every_module_imports_alone():
    """Each module of the core and the plugins can be imported first, on its own: no import loop hides behind
    the order in which the application happens to load them."""
    import os
    import subprocess
    import sys

    if os.environ.get("OBSERVATORY_TEST_DATABASE_URL", "").startswith("postgresql"):
        import pytest
        pytest.skip("imports do not depend on the database: checked in the SQLite run")
    modules = sorted(".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
                     for folder in ("core", "plugins") for path in (ROOT / folder).rglob("*.py")
                     if "migrations" not in path.parts and path.name != "wsgi.py")  # wsgi builds the app
    result = subprocess.run([sys.executable, "-c", ALONE, *modules], cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ, "OBSERVATORY_ENV": "development"}, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == ""
