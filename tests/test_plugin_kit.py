"""The plugin kit, as an outside author uses it: ``observatory new-plugin detentions`` in an empty folder, ``pip
install`` of what it wrote, its own tests green, and the Observatory showing its page, navigation entry, dashboard
widget and French text, its migration branch applied by ``observatory db upgrade`` and its catalogs compiled by
``observatory translations compile``, with no file of the repository changed.

The package is installed with ``--target`` into a folder of the test's own (never into the shared environment),
which the processes below put on their path before the checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from core.cli import main

ROOT = Path(__file__).resolve().parent.parent

SERVE = r"""
import sys
from sqlalchemy import inspect, text
from core import create_app
from core.extensions import db
from core.database.models import Role, User
from core.web.security import hash_password
from core.testing import login
import observatory_detentions
assert observatory_detentions.__file__.startswith(sys.argv[1]), observatory_detentions.__file__
app = create_app({"OBSERVATORY_ENV": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite:///" + sys.argv[2],
                  "INSTANCE_PATH": sys.argv[3], "RATELIMIT_ENABLED": False})
runner = app.test_cli_runner()
for args in (["db", "upgrade"], ["translations", "compile"], ["plugins"]):
    result = runner.invoke(args=args)
    assert result.exit_code == 0, (args, result.output, result.exception)
    print(result.output)
with app.app_context():
    assert "detentions_entries" in inspect(db.engine).get_table_names()
    assert "detentions_0001" in {row[0] for row in db.session.execute(text("SELECT version_num FROM alembic_version"))}
    db.session.add(User(email="officer@example.org", name="Officer", password_hash=hash_password("a long pass phrase"),
                        roles=[db.session.query(Role).filter_by(name="case_officer").one()], locale="fr"))
    db.session.commit()
    officer = db.session.query(User).filter_by(email="officer@example.org").one()
    db.session.expunge(officer)
client = app.test_client()
login(client, officer, password="a long pass phrase")
dashboard = client.get("/").get_data(as_text=True)
assert 'href="/detentions/"' in dashboard, dashboard[:3000]  # the navigation entry
assert "Dernières fiches" in dashboard and "Voir toutes les fiches" in dashboard  # the widget, in French
page = client.get("/detentions/")
assert page.status_code == 200, page.status_code
assert "Nouvelle fiche" in page.get_data(as_text=True) and "Enregistrer la fiche" in page.get_data(as_text=True)
print("served")
"""


def _run(args: list[str], cwd: Path, env: dict, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def _git_status() -> str | None:
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        return None
    return subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True).stdout


@pytest.mark.skipif(
    os.environ.get("OBSERVATORY_TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="the kit does not depend on the database: checked in the SQLite run",
)
def test_a_new_plugin_installs_passes_its_tests_and_shows_in_the_app(tmp_path):
    before = _git_status()
    site, work = tmp_path / "site", tmp_path / "work"
    work.mkdir()
    env = {key: value for key, value in os.environ.items() if not key.startswith("OBSERVATORY_")}
    env = {**env, "PYTHONPATH": os.pathsep.join([str(site), str(ROOT)]), "PYTHONDONTWRITEBYTECODE": "1"}

    wrote = _run([sys.executable, "-m", "core.cli", "new-plugin", "detentions"], work, env)
    assert wrote.returncode == 0, wrote.stderr[-3000:]
    package = work / "observatory-detentions"
    assert (package / "src/observatory_detentions/migrations/0001_detentions.py").is_file()
    again = CliRunner().invoke(main, ["new-plugin", "detentions", "--into", str(work)])
    assert again.exit_code != 0 and "nothing was written" in again.output  # never over an author's work

    sources = (package / "src").rglob("*.py")
    imports = {
        line.split()[1]
        for path in sources
        for line in path.read_text().splitlines()
        if line.startswith(("from core", "import core"))
    }
    assert imports == {"core.api"}  # the plugin API, and nothing else of the core

    installed = _run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(site), str(package)], work, env
    )
    assert installed.returncode == 0, installed.stderr[-3000:]
    assert (site / "observatory_detentions/translations/fr/LC_MESSAGES/messages.mo").is_file()  # compiled at build

    tests = _run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], package, env)
    assert tests.returncode == 0, tests.stdout[-4000:] + tests.stderr[-2000:]
    assert "5 passed" in tests.stdout, tests.stdout[-2000:]

    for mo in site.glob("observatory_detentions/translations/*/LC_MESSAGES/messages.mo"):
        mo.unlink()  # `observatory translations compile` must compile them again where the package is installed
    served = _run(
        [sys.executable, "-c", SERVE, str(site), str(tmp_path / "app.sqlite3"), str(tmp_path / "instance")], work, env
    )
    assert served.returncode == 0 and "served" in served.stdout, (served.stdout[-3000:], served.stderr[-4000:])
    assert "detentions" in served.stdout and "active" in served.stdout  # `observatory plugins`
    assert _git_status() == before
