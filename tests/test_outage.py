"""A clean outage: with the database or Redis out of reach, every request gets the app's own 503 (a page in the
user's language, made without the database, or JSON), /health names the service that is down, and the app
recovers by itself when the service is back, the session cookie still holding its user."""
from __future__ import annotations

import socket

import pytest
from sqlalchemy.engine import make_url

from .conftest import PASSWORD, POSTGRES_URL, csrf_token, login, post_form
from .support.switch import Switch


def _closed_port() -> int:
    """A port nothing listens on: connections to it are refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _same_session(source, target) -> None:
    """Give ``target`` (a client of another app on the same secret key) the session cookie of ``source``."""
    cookie = source.get_cookie("observatory_session")
    target.set_cookie("observatory_session", cookie.value)


def _assert_unavailable_page(response, *words):
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and response.mimetype == "text/html", page[:500]
    assert "Traceback" not in page and "OperationalError" not in page and "127.0.0.1" not in page
    for word in words:
        assert word in page, page


def test_a_database_that_refuses_connections_gets_the_apps_503_in_the_users_language(make_app, make_user):
    up = make_app()
    user = make_user("case_officer", locale="fr")
    client = up.test_client()
    login(client, user)
    assert client.get("/").status_code == 200
    down = make_app(SQLALCHEMY_DATABASE_URI=f"postgresql+psycopg://observatory@127.0.0.1:{_closed_port()}/gone")
    outage = down.test_client()
    _same_session(client, outage)
    for path in ("/", "/defenders/", "/jobs/", "/no-such-page"):
        _assert_unavailable_page(outage.get(path), "Temporairement indisponible", "ne peut pas joindre sa base",
                                 'lang="fr"')
    _assert_unavailable_page(outage.post("/jobs/1/retry", data={}), "Temporairement indisponible")
    answer = outage.get("/jobs/1/status", headers={"Accept": "application/json"})
    assert answer.status_code == 503 and answer.json["service"] == "database"
    assert answer.json["error"] == "Temporairement indisponible"
    anonymous = down.test_client()
    token = csrf_token(anonymous, "/login")  # the login page itself needs no database
    _assert_unavailable_page(anonymous.post("/login", data={"csrf_token": token, "email": "a@example.org",
                                                            "password": "x"}, headers={"Accept-Language": "es"}),
                             "Temporalmente no disponible")
    health = anonymous.get("/health")
    assert (health.status_code, health.json) == (503, {"status": "unavailable", "database": "unreachable"})
    assert client.get("/health").json == {"status": "ok", "database": "ok"}


def test_a_redis_out_of_reach_is_named_on_health_and_gets_the_503_where_it_is_needed(make_app, make_user):
    app = make_app(REDIS_URL=f"redis://127.0.0.1:{_closed_port()}/0")
    client = app.test_client()
    login(client, make_user("admin"))
    health = client.get("/health")
    assert (health.status_code, health.json) == (
        503, {"status": "unavailable", "database": "ok", "redis": "unreachable"})
    _assert_unavailable_page(post_form(client, "/admin/users/export"), "cannot reach its job queue")
    page = client.get("/jobs/1").get_data(as_text=True)  # the job is kept, failed, for *Try again*
    assert "The job queue could not be reached, so this job was not started." in page and "Try again" in page
    assert client.get("/").status_code == 200  # what needs no queue still works


@pytest.mark.skipif(not POSTGRES_URL, reason="the PostgreSQL run stops a database server; SQLite has none")
def test_the_app_recovers_by_itself_when_the_database_is_back(make_app, make_user):
    url = make_url(POSTGRES_URL)
    switch = Switch(url.host or "127.0.0.1", url.port or 5432)
    switch.on()
    try:
        app = make_app(SQLALCHEMY_DATABASE_URI=url.set(host="127.0.0.1", port=switch.port)
                       .render_as_string(hide_password=False))
        user = make_user("case_officer", name="Olga Officer", locale="es")
        client = app.test_client()
        login(client, user)
        assert "Olga Officer" in client.get("/").get_data(as_text=True)  # the pool now holds a connection
        switch.off()
        _assert_unavailable_page(client.get("/"), "Temporalmente no disponible", "no puede conectar con su base")
        assert client.get("/health").json["database"] == "unreachable"
        switch.on()
        back = client.get("/")  # no restart: the pool checks its connections; the cookie still holds the user
        assert back.status_code == 200 and "Olga Officer" in back.get_data(as_text=True)
        assert client.get("/health").json == {"status": "ok", "database": "ok"}
    finally:
        switch.off()


LOGIN_WITHOUT_REDIS = '''
import json, sys
from pathlib import Path

from core import create_app
from core.testing import base_config, csrf_token

instance, database_url, redis_url, email, password = sys.argv[1:]
app = create_app({**base_config(Path(instance), database_url), "REDIS_URL": redis_url, "RATELIMIT_ENABLED": True,
                  "RATELIMIT_STORAGE_URI": redis_url, "LOGIN_ACCOUNT_RATE_LIMIT": "2 per minute"})


def attempt(client, typed):
    data = {"csrf_token": csrf_token(client), "email": email, "password": typed}
    response = client.post("/login", data=data, headers={"Accept-Language": "fr"})
    return response.status_code, response.get_data(as_text=True)


owner, guesser = app.test_client(), app.test_client()
logged_in = attempt(owner, password)[0]
guesses = [attempt(guesser, "wrong password!!") for _ in range(3)]
print(json.dumps({"owner": logged_in, "guesses": [code for code, _ in guesses], "last": guesses[-1][1],
                  "health": app.test_client().get("/health").json}))
'''


def test_with_redis_out_of_reach_logging_in_works_and_is_still_throttled(make_user, database_url, tmp_path):
    """Login throttling counts in Redis, shared by the processes; with Redis out of reach each process counts in its
    own memory instead: the owner logs in, a guesser still waits. In a process of its own: flask-limiter keeps one
    state per process, and a storage it saw fail is not one a later test's app should inherit."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    user = make_user("case_officer")
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "-c", LOGIN_WITHOUT_REDIS, str(tmp_path / "instance"), database_url,
                           f"redis://127.0.0.1:{_closed_port()}/0", user.email, PASSWORD], cwd=root,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["owner"] == 302, seen  # not the 503 "cannot reach its job queue"
    assert seen["guesses"] == [422, 422, 429], seen
    assert "Trop de tentatives" in seen["last"] and "Traceback" not in seen["last"]
    assert seen["health"]["redis"] == "unreachable"


@pytest.mark.skipif(not POSTGRES_URL, reason="the PostgreSQL run stops a database server; SQLite has none")
def test_a_real_app_process_answers_its_503_while_the_database_is_down_and_recovers_without_a_restart(
        make_user, tmp_path):
    """gunicorn, two processes, in front of PostgreSQL through a relay that the test turns off and on: while it is
    off every answer is the app's own 503 (no bare server page, no trace), and afterwards the same processes, not
    restarted, serve the logged-in user again."""
    import http.cookiejar
    import json
    import os
    import re
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.parse
    import urllib.request
    from importlib.util import find_spec
    from pathlib import Path

    from .conftest import require_service

    require_service(find_spec("gunicorn") is not None, "gunicorn")
    user = make_user("case_officer", name="Olga Officer")
    url = make_url(POSTGRES_URL)
    switch = Switch(url.host or "127.0.0.1", url.port or 5432)
    switch.on()
    port = _closed_port()
    env = {**os.environ, "OBSERVATORY_ENV": "development", "OBSERVATORY_INSTANCE_PATH": str(tmp_path / "served"),
           "OBSERVATORY_DATABASE_URL": url.set(host="127.0.0.1", port=switch.port).render_as_string(
               hide_password=False)}
    env.pop("OBSERVATORY_REDIS_URL", None)
    root = Path(__file__).resolve().parent.parent
    with open(tmp_path / "gunicorn.log", "wb") as log:
        server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}",
                                   "core.wsgi:app"], cwd=root, env=env, stdout=log, stderr=log)
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    base = f"http://127.0.0.1:{port}"

    def get(path, **headers):
        try:
            with browser.open(urllib.request.Request(base + path, headers=headers), timeout=30) as answer:
                return answer.status, answer.headers.get_content_type(), answer.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get_content_type(), error.read().decode()

    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if get("/login")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline and server.poll() is None, (tmp_path / "gunicorn.log").read_text()
            time.sleep(0.3)
        token = re.search(r'name="csrf-token" content="([^"]+)"', get("/login")[2]).group(1)
        form = urllib.parse.urlencode({"csrf_token": token, "email": user.email, "password": PASSWORD}).encode()
        browser.open(urllib.request.Request(base + "/login", data=form), timeout=30).close()
        for _ in range(4):  # each of the two processes, most likely, holds a pooled connection now
            assert "Olga Officer" in get("/")[2]

        switch.off()
        for path in ("/", "/defenders/", "/jobs/", "/", "/defenders/"):
            status, kind, page = get(path)
            assert (status, kind) == (503, "text/html"), (path, status, page[:500])
            assert "Temporarily unavailable" in page and "cannot reach its database" in page, page[:500]
            assert "Traceback" not in page and "Internal Server Error" not in page and "psycopg" not in page
        status, kind, page = get("/jobs/1/status", Accept="application/json")
        assert (status, kind) == (503, "application/json") and json.loads(page)["service"] == "database"
        assert get("/health")[0] == 503

        switch.on()
        for _ in range(4):  # the same processes: no restart, and the cookie still holds the user
            status, _kind, page = get("/")
            assert status == 200 and "Olga Officer" in page
        assert server.poll() is None
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=30)
        switch.off()
