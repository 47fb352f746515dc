"""The production entry point builds the app, and leaves the garbage collector as Python sets it."""
import os
import subprocess
import sys
from pathlib import Path


def test_wsgi_module_serves_the_app(tmp_path):
    env = {**os.environ, "OBSERVATORY_ENV": "development",
           "OBSERVATORY_DATABASE_URL": f"sqlite:///{tmp_path / 'wsgi.sqlite3'}"}
    code = ("import gc, core.wsgi as w; from flask import Flask; "
            "assert isinstance(w.app, Flask); print(w.app.test_client().get('/login').status_code, "
            "gc.get_freeze_count())")
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120,
                            cwd=Path(__file__).resolve().parent.parent)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "200 0"
