"""Plugin failures seen by every process: raised in a command-line process or an rq worker, they show on the admin
plugins page and in ``observatory plugins``; one row counts the repeats; a successful call of the same hook in the
same kind of process clears it, and so does an admin's audited *Clear*; with the database out of reach a failure
is only logged."""
from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis as redis_client
from sqlalchemy import func, select, update
from sqlalchemy.engine import make_url

from core.audit.models import AuditEntry
from core.database.models import PluginFailure, Role, RolePermission, User, utcnow
from core.extensions import db
from core.jobs import jobs
from core.plugin_host.hookspecs import hookimpl
from core.plugin_host.plugins import host

from .conftest import POSTGRES_URL, REDIS_URL, login, post_form, require_service
from .plugin_factory import install_plugin

ROOT = Path(__file__).resolve().parent.parent

# Breaks where a test asks it to, through the environment of the process it runs in.
BREAKABLE = '''
import os

from core.api import NavItem, hookimpl

TITLE = "Weather alerts"


@hookimpl
def observatory_startup(app):
    if os.environ.get("WEATHER_BREAK_STARTUP"):
        raise RuntimeError("the weather service refused the key")


@hookimpl
def observatory_record_summaries(kind, ids, user, locale):
    if os.environ.get("WEATHER_BREAK_SUMMARIES"):
        raise LookupError(f"no forecast for {kind}\\nsecond line with a name that must not be kept")
    return []


@hookimpl
def observatory_nav_items():
    if os.environ.get("WEATHER_BREAK_NAV"):
        raise RuntimeError("nav exploded")
    return [NavItem("Weather", "core.dashboard", None, order=50)]
'''

JOBS = '''
from core.api import User, db, record_summaries


def summarise(ctx, *, user_id):
    """A worker job that asks every plugin for summaries (the weather plugin may raise)."""
    record_summaries("defender", db.session.get(User, user_id), "en")


def rename_then_summarise(ctx, *, user_id):
    """The same after a write: on SQLite the job's session holds the database's write lock meanwhile."""
    db.session.get(User, user_id).name = "Renamed by the job"
    db.session.flush()
    record_summaries("defender", db.session.get(User, user_id), "en")
    db.session.commit()
'''


@pytest.fixture
def weather(tmp_path, monkeypatch):
    """The breakable plugin, installed as a distribution in ``site`` (a subprocess gets it on its PYTHONPATH)."""
    for name in ("WEATHER_BREAK_STARTUP", "WEATHER_BREAK_SUMMARIES", "WEATHER_BREAK_NAV"):
        monkeypatch.delenv(name, raising=False)
    site = tmp_path / "site"
    install_plugin(site, monkeypatch, BREAKABLE, entry_name="weather", files={"jobs.py": JOBS})
    return site


def _environment(database_url, site, tmp_path, **extra):
    return {**os.environ, "OBSERVATORY_ENV": "testing", "OBSERVATORY_DATABASE_URL": database_url,
            "OBSERVATORY_INSTANCE_PATH": str(tmp_path / "other-instance"),
            "PYTHONPATH": os.pathsep.join([str(ROOT), str(site)]), **extra}


def _observatory(args, env, tmp_path):
    """``observatory <args>`` in a process of its own."""
    done = subprocess.run([sys.executable, "-m", "core.cli", *args], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _failures(app):
    with app.app_context():
        return [(f.process_kind, f.plugin, f.hook, f.message, f.count)
                for f in db.session.scalars(select(PluginFailure).order_by(PluginFailure.id))]


def _plugins_page(app, user):
    client = app.test_client()
    login(client, user)
    response = client.get("/admin/plugins")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_failure_in_a_command_line_process_shows_everywhere_until_it_is_fixed(weather, make_app, make_user,
                                                                                database_url, tmp_path):
    app = make_app()
    admin = make_user("admin")
    broken = _environment(database_url, weather, tmp_path, WEATHER_BREAK_STARTUP="1")
    _observatory(["plugins"], broken, tmp_path)
    listed = _observatory(["plugins"], broken, tmp_path)  # the same failure again: counted on its row
    assert _failures(app) == [("cli", "weather", "observatory_startup",
                               "RuntimeError: the weather service refused the key", 2)]
    line = next(line for line in listed.splitlines() if "error in observatory_startup" in line)
    assert "cli on " in line and "2x" in line and "RuntimeError: the weather service refused the key" in line

    page = _plugins_page(app, admin)  # this web process never saw it fail
    assert "the weather service refused the key" in page and "Command line" in page
    assert "observatory_startup" in page and "Times: 2" in page
    french = app.test_client()
    login(french, make_user("admin", locale="fr"))
    assert "Ligne de commande" in french.get("/admin/plugins").get_data(as_text=True)
    result = app.test_cli_runner().invoke(args=["plugins"])  # and the command line of another process
    assert "RuntimeError: the weather service refused the key" in result.output

    fixed = _observatory(["plugins"], _environment(database_url, weather, tmp_path), tmp_path)
    assert "error in" not in fixed
    assert _failures(app) == []
    assert "the weather service refused the key" not in _plugins_page(app, admin)


@pytest.mark.redis
def test_a_failure_in_a_worker_job_shows_on_the_plugins_page_and_a_later_job_clears_it(weather, make_app, make_user,
                                                                                      database_url, tmp_path):
    require_service(REDIS_URL is not None, "Redis (OBSERVATORY_TEST_REDIS_URL)")
    queue_name = f"observatory-test-{os.getpid()}-{time.time_ns()}"
    app = make_app(REDIS_URL=REDIS_URL, RQ_QUEUE=queue_name)
    admin = make_user("admin")
    package = host(app).plugins["weather"].module.rsplit(".", 1)[0]  # obs_test_plugin_<random>

    def run_job(**extra):
        with app.test_request_context():
            job = jobs.enqueue(f"{package}.jobs.summarise", title="Summaries", user=db.session.get(User, admin.id),
                               user_id=admin.id)
            job_id = job.id
        env = _environment(database_url, weather, tmp_path, OBSERVATORY_REDIS_URL=REDIS_URL,
                           OBSERVATORY_RQ_QUEUE=queue_name, **extra)
        _observatory(["worker", "--burst"], env, tmp_path)
        with app.app_context():
            return db.session.get(jobs.Job, job_id).status

    try:
        assert run_job(WEATHER_BREAK_SUMMARIES="1") == "finished"  # the other plugins' answers were enough
        [(kind, plugin, hook, message, count)] = _failures(app)
        assert (kind, plugin, hook, count) == ("worker", "weather", "observatory_record_summaries", 1)
        assert message == "LookupError: no forecast for defender"  # type and first line: no more
        page = _plugins_page(app, admin)
        assert "no forecast for defender" in page and "Job worker" in page and "must not be kept" not in page
        assert "observatory_record_summaries" in app.test_cli_runner().invoke(args=["plugins"]).output

        assert run_job() == "finished"  # the same hook answers in a worker: fixed
        assert _failures(app) == []
        assert "no forecast for defender" not in _plugins_page(app, admin)
    finally:
        redis_client.Redis.from_url(REDIS_URL).delete(f"rq:queue:{queue_name}")


@pytest.mark.redis
def test_a_failure_in_a_worker_job_that_has_written_is_recorded_after_the_job(weather, make_app, make_user,
                                                                            database_url, tmp_path):
    """The job writes, then a hook fails: the failure waits for the end of the job's session (on SQLite, written
    at once it would wait for the job's own write lock and be lost), and the job's work is kept."""
    require_service(REDIS_URL is not None, "Redis (OBSERVATORY_TEST_REDIS_URL)")
    queue_name = f"observatory-test-{os.getpid()}-{time.time_ns()}"
    app = make_app(REDIS_URL=REDIS_URL, RQ_QUEUE=queue_name)
    admin = make_user("admin")
    package = host(app).plugins["weather"].module.rsplit(".", 1)[0]
    try:
        with app.test_request_context():
            job_id = jobs.enqueue(f"{package}.jobs.rename_then_summarise", title="Summaries",
                                  user=db.session.get(User, admin.id), user_id=admin.id).id
        env = _environment(database_url, weather, tmp_path, OBSERVATORY_REDIS_URL=REDIS_URL,
                           OBSERVATORY_RQ_QUEUE=queue_name, WEATHER_BREAK_SUMMARIES="1")
        _observatory(["worker", "--burst"], env, tmp_path)
        with app.app_context():
            assert db.session.get(jobs.Job, job_id).status == "finished"
            assert db.session.get(User, admin.id).name == "Renamed by the job"
        assert [row[:3] for row in _failures(app)] == [("worker", "weather", "observatory_record_summaries")]
    finally:
        redis_client.Redis.from_url(REDIS_URL).delete(f"rq:queue:{queue_name}")


def test_one_row_counts_the_repeats_and_a_successful_call_clears_it(weather, make_app, monkeypatch):
    app = make_app()
    monkeypatch.setenv("WEATHER_BREAK_NAV", "1")
    with app.app_context():
        for _ in range(3):
            assert host(app).collect("observatory_nav_items")  # the core's items still come
    assert _failures(app) == [("web", "weather", "observatory_nav_items", "RuntimeError: nav exploded", 3)]
    with app.app_context():
        row = db.session.scalars(select(PluginFailure)).one()
        assert row.first_seen <= row.last_seen and row.pid == os.getpid() and row.host
    monkeypatch.delenv("WEATHER_BREAK_NAV")
    with app.app_context():
        host(app).collect("observatory_nav_items")
    assert _failures(app) == []


def test_another_kind_of_process_does_not_clear_a_failure(weather, make_app, monkeypatch):
    web = make_app()
    monkeypatch.setenv("WEATHER_BREAK_NAV", "1")
    with web.app_context():
        host(web).collect("observatory_nav_items")
    monkeypatch.delenv("WEATHER_BREAK_NAV")
    worker = make_app(PROCESS_KIND="worker")
    with worker.app_context():
        host(worker).collect("observatory_nav_items")
    assert [row[:3] for row in _failures(web)] == [("web", "weather", "observatory_nav_items")]
    restarted = make_app()  # a new web process reads what its kind recorded, and its first good call clears it
    with restarted.app_context():
        host(restarted).collect("observatory_nav_items")
    assert _failures(web) == []


def test_a_plugin_that_failed_to_load_is_cleared_when_a_process_loads_it(tmp_path, monkeypatch, make_app, make_user):
    install_plugin(tmp_path / "site", monkeypatch, "import module_that_does_not_exist\n", entry_name="broken")
    app = make_app()
    [(kind, plugin, hook, message, count)] = _failures(app)
    assert (kind, plugin, hook) == ("web", "broken", "(loading)")
    assert message == "could not be imported: ModuleNotFoundError: No module named 'module_that_does_not_exist'"
    page = _plugins_page(app, make_user("admin"))
    assert "While loading the plugin" in page and "Traceback" not in page

    plugin_file = next((tmp_path / "site").glob("obs_test_plugin_*/plugin.py"))
    plugin_file.write_text("from core.api import API_VERSION\nOBSERVATORY_API_VERSIONS = (API_VERSION,)\n")
    make_app()
    assert _failures(app) == []


def test_an_admin_clears_an_error_and_it_is_audited(app, make_user):
    with app.app_context():
        db.session.add(PluginFailure(process_kind="scheduler", plugin="gone", hook="(loading)", host="box", pid=7,
                                     message="could not be imported: ImportError: gone"))
        db.session.commit()
        failure_id = db.session.scalar(select(PluginFailure.id))
    admin = make_user("admin")
    client = app.test_client()
    login(client, admin)
    assert "could not be imported: ImportError: gone" in client.get("/admin/plugins").get_data(as_text=True)
    response = post_form(client, f"/admin/plugins/errors/{failure_id}/clear", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "The error of gone was cleared." in page and "ImportError: gone" not in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PluginFailure)) == 0
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.record_type == "plugin_failure")).one()
        assert entry.action == "delete" and entry.user_id == admin.id and entry.record_id == failure_id
        assert entry.changes["message"] == ["could not be imported: ImportError: gone", None]
        assert entry.changes["process_kind"] == ["scheduler", None]


def test_without_the_csrf_token_nothing_is_cleared(app, make_user):
    with app.app_context():
        db.session.add(PluginFailure(process_kind="web", plugin="p", hook="h", host="box", pid=1, message="m"))
        db.session.commit()
        failure_id = db.session.scalar(select(PluginFailure.id))
    client = app.test_client()
    login(client, make_user("admin"))
    assert client.post(f"/admin/plugins/errors/{failure_id}/clear").status_code == 400
    assert len(_failures(app)) == 1


def test_only_admins_see_and_clear_the_errors(app, make_user):
    with app.app_context():
        db.session.add(PluginFailure(process_kind="worker", plugin="weather", hook="observatory_search", host="box",
                                     pid=1, message="KeyError: 'x'"))
        db.session.commit()
        failure_id = db.session.scalar(select(PluginFailure.id))
    for role in ("coordinator", "case_officer", "committee", "readonly"):
        client = app.test_client()
        login(client, make_user(role))
        assert client.get("/admin/plugins").status_code == 403, role
        assert post_form(client, f"/admin/plugins/errors/{failure_id}/clear").status_code == 403, role
    assert app.test_client().get("/admin/plugins").status_code == 302  # to the login page

    with app.app_context():  # an admin lets read-only users see the plugins: they see the errors, not Clear
        role = db.session.scalar(select(Role).where(Role.name == "readonly"))
        db.session.add(RolePermission(role_id=role.id, permission="core.plugins.view", granted=True))
        db.session.commit()
    reader = app.test_client()
    login(reader, make_user("readonly"))
    page = reader.get("/admin/plugins").get_data(as_text=True)
    assert "KeyError: &#39;x&#39;" in page and f"/admin/plugins/errors/{failure_id}/clear" not in page
    assert post_form(reader, f"/admin/plugins/errors/{failure_id}/clear").status_code == 403
    assert len(_failures(app)) == 1


def test_the_plugins_page_keeps_a_constant_number_of_queries(app, make_user, count_queries):
    client = app.test_client()
    login(client, make_user("admin"))

    def add(count):
        with app.app_context():
            start = db.session.scalar(select(func.count()).select_from(PluginFailure))
            db.session.add_all(PluginFailure(process_kind="web", plugin=f"p{start + i}", hook="h", host="box", pid=1,
                                             message="m", first_seen=utcnow(), last_seen=utcnow())
                               for i in range(count))
            db.session.commit()

    def count():
        with count_queries() as statements:
            assert client.get("/admin/plugins").status_code == 200
        return len(statements)

    add(1)
    few = count()
    add(20)
    assert count() == few


def _unreachable() -> str:
    if POSTGRES_URL:
        return make_url(POSTGRES_URL).set(host="127.0.0.1", port=1).render_as_string(hide_password=False)
    return "sqlite:////nonexistent-folder/observatory.sqlite3"


def test_with_the_database_out_of_reach_a_failure_is_only_logged(weather, make_app, monkeypatch, caplog):
    monkeypatch.setenv("WEATHER_BREAK_NAV", "1")
    with caplog.at_level(logging.INFO):
        app = make_app(SQLALCHEMY_DATABASE_URI=_unreachable())
        with app.app_context():
            items = host(app).collect("observatory_nav_items")  # no exception: the core's items still come
    assert any(item.endpoint == "admin.users" for item in items)
    assert "the failure of plugin weather in observatory_nav_items was not recorded in the database" in caplog.text
    assert caplog.text.count("was not recorded in the database") == 1  # once: no loop
    assert "observatory_nav_items: RuntimeError: nav exploded" in host(app).plugins["weather"].errors

    result = app.test_cli_runner().invoke(args=["plugins"])
    assert result.exit_code == 0
    assert "the errors recorded by other processes could not be read" in result.output
    assert "error: observatory_nav_items: RuntimeError: nav exploded" in result.output


def test_the_scheduler_records_its_failures_under_its_own_kind(weather, make_app, make_user, database_url, tmp_path):
    app = make_app()
    _observatory(["scheduler", "--show"], _environment(database_url, weather, tmp_path, WEATHER_BREAK_STARTUP="1"),
                 tmp_path)
    assert [row[:3] for row in _failures(app)] == [("scheduler", "weather", "observatory_startup")]
    assert "Scheduler" in _plugins_page(app, make_user("admin"))


def test_a_hook_that_fails_during_a_writing_request_is_recorded_after_the_request(app, make_user, caplog):
    """The hook writes, then raises, inside the admin's request: on SQLite that request's session holds the only
    write lock, so the failure is written once the session has ended (not at once, where it would wait for the lock
    and be lost); a later request whose hook answers clears it the same way."""
    broken = {"now": True}
    member = make_user("committee")

    class HalfDone:
        @hookimpl
        def observatory_people_changed(self):
            db.session.execute(update(User).where(User.id == member.id).values(name="Half done"))
            if broken["now"]:
                raise RuntimeError("the quorum could not be applied")

    with app.app_context():
        host().pm.register(HalfDone(), name="half-done")
        roles = [role.id for role in db.session.get(User, member.id).roles]
    admin = app.test_client()
    login(admin, make_user("admin"))
    form = {"email": member.email, "name": member.name, "roles": roles, "active": "y"}
    with caplog.at_level(logging.WARNING):
        assert post_form(admin, f"/admin/users/{member.id}", form).status_code == 302
    assert "was not recorded" not in caplog.text
    assert _failures(app) == [("web", "half-done", "observatory_people_changed",
                               "RuntimeError: the quorum could not be applied", 1)]

    broken["now"] = False
    assert post_form(admin, f"/admin/users/{member.id}", form).status_code == 302
    assert _failures(app) == []
