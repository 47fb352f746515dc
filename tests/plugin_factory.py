"""Builds a real, installed-looking plugin distribution in a temporary folder.

It writes a package and its ``*.dist-info`` (with ``entry_points.txt``) on ``sys.path``: exactly
what ``pip install`` of a third-party plugin leaves behind, so the app discovers it through the
``observatory.plugins`` entry-point group like any other.
"""
from __future__ import annotations

import sys
import textwrap
import uuid
from pathlib import Path

from core.api import API_VERSION


def install_plugin(root: Path, monkeypatch, source: str, *, entry_name: str | None = None,
                   files: dict[str, str] | None = None) -> str:
    """Install a plugin whose ``plugin.py`` is ``source`` (saying it is written for the current plugin API
    unless it says otherwise); returns its entry-point name."""
    source = textwrap.dedent(source)
    if "OBSERVATORY_API_VERSIONS" not in source:
        source += f"\nOBSERVATORY_API_VERSIONS = ({API_VERSION},)\n"
    package = f"obs_test_plugin_{uuid.uuid4().hex[:8]}"
    entry_name = entry_name or package
    folder = root / package
    folder.mkdir(parents=True)
    (folder / "__init__.py").write_text("")
    (folder / "plugin.py").write_text(source)
    for relative, content in (files or {}).items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content))
    dist_info = root / f"{package}-1.2.3.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {package}\nVersion: 1.2.3\n")
    (dist_info / "entry_points.txt").write_text(f"[observatory.plugins]\n{entry_name} = {package}.plugin\n")
    monkeypatch.syspath_prepend(str(root))
    monkeypatch.setattr(sys, "modules", dict(sys.modules))  # forget the package after the test
    return entry_name
