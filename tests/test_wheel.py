"""The Observatory installed from its wheel, away from the checkout, serves every page: the wheel carries the
templates (the shared ones and the plugins'), the static files, the compiled catalogs and the migrations, and
the plugins are found through their entry points."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SKIP = shutil.ignore_patterns(".git", ".venv", "instance", "__pycache__", "build", "dist", "*.egg-info", "*.mo",
                              ".pytest_cache", "node_modules")

SERVE = r"""
import re, sys, time
import pyotp
import core
from core import create_app
from core.extensions import db
from core.database.models import Role, User
from core.web.security import hash_password
assert core.__file__.startswith(sys.argv[1]), core.__file__
app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite:///" + sys.argv[2]})
runner = app.test_cli_runner()
for args in (["db", "upgrade"], ["demo", "--if-empty"]):
    result = runner.invoke(args=args)
    assert result.exit_code == 0, (args, result.output, result.exception)
with app.app_context():
    roles = list(db.session.query(Role).filter(Role.name.in_(("coordinator", "committee"))))
    secret = pyotp.random_base32()
    db.session.add(User(email="wheel@example.org", name="Wheel", password_hash=hash_password("a long pass phrase"),
                        roles=roles, totp_secret=secret, totp_enabled=True))
    db.session.commit()
client = app.test_client()
def token(path):
    page = client.get(path, headers={"Accept-Language": "fr"}).get_data(as_text=True)
    return page, re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
page, csrf = token("/login")
assert "Mot de passe" in page, page[:500]
answer = client.post("/login", data={"csrf_token": csrf, "email": "wheel@example.org",
                                     "password": "a long pass phrase"})
if "/two-factor" in (answer.location or ""):
    answer = client.post("/login/two-factor", data={"csrf_token": token("/login/two-factor")[1],
                                                    "code": pyotp.TOTP(secret).now()})
assert answer.status_code == 302, answer.status_code
for path in ("/", "/defenders/", "/partners/", "/interventions/", "/missions/", "/assistance/", "/advocacy/",
             "/statistics/", "/static/app.js"):
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code, response.location)
print("served")
"""


@pytest.mark.skipif(os.environ.get("OBSERVATORY_TEST_DATABASE_URL", "").startswith("postgresql"),
                    reason="the package does not depend on the database: built and checked in the SQLite run")
def test_the_wheel_installs_and_serves_every_page(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=SKIP)
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path / "dist"),
                            str(source)], capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr[-3000:]
    (wheel,) = (tmp_path / "dist").glob("observatory-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for expected in ("core/templates/base.html", "core/translations/fr/LC_MESSAGES/messages.mo",
                     "plugins/missions/translations/es/LC_MESSAGES/messages.mo", "core/static/app.js",
                     "plugins/interventions/templates/interventions/action.html", "core/migrations/env.py"):
        assert expected in names, expected
    assert any(name.startswith("core/migrations/versions/") for name in names)
    assert any(name.startswith("plugins/advocacy/migrations/") for name in names)
    target = tmp_path / "installed"
    installed = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target",
                                str(target), str(wheel)], capture_output=True, text=True, timeout=600)
    assert installed.returncode == 0, installed.stderr[-3000:]
    away = tmp_path / "elsewhere"
    away.mkdir()
    env = {key: value for key, value in os.environ.items() if not key.startswith("OBSERVATORY_")}
    data = tmp_path / "data"
    served = subprocess.run([sys.executable, "-c", SERVE, str(target), str(away / "observatory.db")], cwd=away,
                            env={**env, "PYTHONPATH": str(target), "OBSERVATORY_ENV": "development",
                                 "OBSERVATORY_INSTANCE_PATH": str(data)},
                            capture_output=True, text=True, timeout=900)
    assert served.returncode == 0 and "served" in served.stdout, (served.stdout[-2000:], served.stderr[-4000:])
    assert (data / "secret_key").is_file()  # its data where it was told, never inside the installed package
    assert not (target / "instance").exists() and not (away / "instance").exists()
