"""The hook specifications stay documented, and every one of them is exercised by a test."""
from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from core.plugin_host import hookspecs

SPECS = sorted(
    name for name, function in vars(hookspecs).items()
    if name.startswith("observatory_") and callable(function) and hasattr(function, "observatory_spec")
)
TESTS = Path(__file__).parent
REQUIRED = {
    "observatory_startup", "observatory_blueprints", "observatory_nav_items", "observatory_permissions",
    "observatory_dashboard_widgets", "observatory_defender_timeline", "observatory_search",
    "observatory_cli_commands", "observatory_demo_data", "observatory_deadlines", "observatory_merge_records",
    "observatory_bulletin_sections", "observatory_annual_report_sections",
}


def test_the_required_hooks_exist():
    assert REQUIRED <= set(SPECS)


@pytest.mark.parametrize("name", SPECS)
def test_hook_is_documented_with_an_example(name):
    doc = inspect.getdoc(getattr(hookspecs, name)) or ""
    assert "Called" in doc, f"{name}: say when it is called"
    assert "Return" in doc or "returns" in doc, f"{name}: say what it returns"
    assert "Example::" in doc and "@hookimpl" in doc, f"{name}: give an example implementation"
    example = doc.split("Example::", 1)[1]
    assert f"def {name}(" in example, f"{name}: the example implements another hook"
    for parameter in inspect.signature(getattr(hookspecs, name)).parameters:
        assert parameter in doc.split("Example::")[0], f"{name}: parameter {parameter} is not described"


@pytest.mark.parametrize("name", SPECS)
def test_hook_is_exercised_by_a_test(name):
    """Each hook needs a test function named ``test_hook_<name>`` somewhere in the suite."""
    pattern = re.compile(rf"^def test_hook_{name}\b", re.MULTILINE)
    assert any(pattern.search(path.read_text()) for path in TESTS.rglob("test_*.py")), f"no test_hook_{name}"
