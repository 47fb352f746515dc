"""Jobs run inline without Redis and in a real rq worker with it; the UI shows the same either way."""
from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
import redis as redis_client
from sqlalchemy import select

from core.database.models import Job, User
from core.extensions import db
from core.jobs import jobs

from .conftest import REDIS_URL, login, post_form, require_service

ROOT = Path(__file__).resolve().parent.parent


def _enqueue(app, user_id, function, language="en", **params):
    with app.test_request_context(headers={"Accept-Language": language}):
        user = db.session.get(User, user_id)
        return jobs.enqueue(function, title="Test job", user=user, **params).id


def test_inline_job_records_progress_result_and_download(app, client, make_user):
    user = make_user("case_officer")
    job_id = _enqueue(app, user.id, "tests.support.jobs.write_report", words=["urgent", "appeal"])
    with app.app_context():
        job = db.session.get(Job, job_id)
        assert (job.status, job.progress, job.message, job.attempts) == ("finished", 100, "half way", 1)
    login(client, user)
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "Download report.txt" in page
    download = client.get(f"/jobs/{job_id}/download")
    assert download.data == b"urgent appeal"
    assert download.headers["Content-Disposition"] == 'attachment; filename="report.txt"'
    assert client.get(f"/jobs/{job_id}/status").json["status"] == "finished"


def test_failed_job_shows_its_error_and_can_be_retried(app, client, make_user):
    user = make_user("case_officer")
    job_id = _enqueue(app, user.id, "tests.support.jobs.explode", marker="letterhead")
    login(client, user)
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "This job failed:" in page and "ValueError: the letterhead is missing" in page
    assert client.get(f"/jobs/{job_id}/download").status_code == 404
    response = post_form(client, f"/jobs/{job_id}/retry")
    assert response.status_code == 302
    with app.app_context():
        job = db.session.get(Job, job_id)
        assert (job.status, job.attempts, job.error) == ("finished", 2, None)


def test_jobs_are_private_to_their_owner_and_managers(app, make_user):
    owner, other, admin = make_user("case_officer"), make_user("case_officer"), make_user("admin")
    job_id = _enqueue(app, owner.id, "tests.support.jobs.write_report", words=["x"])
    clients = {}
    for name, user in (("owner", owner), ("other", other), ("admin", admin)):
        clients[name] = app.test_client()
        login(clients[name], user)
    assert clients["owner"].get(f"/jobs/{job_id}/download").status_code == 200
    assert clients["other"].get(f"/jobs/{job_id}").status_code == 403
    assert clients["other"].get(f"/jobs/{job_id}/download").status_code == 403
    assert "Test job" not in clients["other"].get("/jobs/").get_data(as_text=True)
    assert clients["admin"].get(f"/jobs/{job_id}").status_code == 200
    assert "Test job" in clients["admin"].get("/jobs/").get_data(as_text=True)


def test_job_runs_in_the_requesters_language(app, make_user):
    user = make_user("admin")
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        from flask_login import login_user

        login_user(db.session.get(User, user.id))
        job = jobs.enqueue("core.jobs.exports.export_users", title="Export", user=db.session.get(User, user.id))
        assert job.locale == "fr"


def test_admin_exports_users_as_a_job_with_links(app, client, make_user):
    admin = make_user("admin", name="Ada Admin")
    login(client, admin)
    response = post_form(client, "/admin/users/export")
    assert response.status_code == 302
    job_page = client.get(response.location).get_data(as_text=True)
    assert "Download users.csv" in job_page
    download_url = job_page.split('id="job-download" href="')[1].split('"')[0]
    csv_text = client.get(download_url).get_data(as_text=True)
    assert "Ada Admin" in csv_text
    assert f"http://127.0.0.1:5000/admin/users/{admin.id}" in csv_text


def test_a_job_keeps_only_a_file_the_guard_wrote(app, client, make_user):
    """Bytes a job wrote itself are never kept, whatever they hold: the job fails with the programming error
    and offers nothing to download."""
    user = make_user("case_officer")
    job_id = _enqueue(app, user.id, "tests.support.jobs.keep_bytes", text="Aylin Kaya, +90 555 123 45 67")
    with app.app_context():
        job = db.session.get(Job, job_id)
        assert job.status == "failed" and job.result_data is None and job.result_filename is None
        assert job.error.startswith("NotGuarded: a job keeps only a file written through the disclosure guard")
    login(client, user)
    assert client.get(f"/jobs/{job_id}/download").status_code == 404


@pytest.mark.parametrize("function", ["set_bytes_on_the_row", "change_a_kept_result"])
def test_a_result_not_sealed_by_save_result_is_never_sent(app, client, make_user, caplog, function):
    """A job that sets its row's result itself (skipping ``save_result``), or changes it after, gets no download:
    the door refuses it (409, the translated page) and logs it; a normal result still downloads."""
    user = make_user("case_officer")
    job_id = _enqueue(app, user.id, f"tests.support.jobs.{function}", text="Aylin Kaya, +90 555 123 45 67")
    fine_id = _enqueue(app, user.id, "tests.support.jobs.write_report", words=["fine"])
    with app.app_context():
        assert db.session.get(Job, job_id).status == "finished"
    login(client, user)
    with caplog.at_level(logging.ERROR):
        refused = client.get(f"/jobs/{job_id}/download")
    assert refused.status_code == 409 and "Content-Disposition" not in refused.headers
    page = refused.get_data(as_text=True)
    assert "was not written through the disclosure guard" in page and "Aylin" not in page
    assert any(f"job {job_id}'s result" in record.getMessage() for record in caplog.records)
    assert client.get(f"/jobs/{fine_id}/download").data == b"fine"


def test_a_guarded_file_is_made_only_by_the_core_writers_and_never_changed(app):
    import dataclasses

    from core.api import GuardedFile, NotGuarded, text_file
    from core.disclosure import Guard

    with pytest.raises(NotGuarded):
        GuardedFile("notes.txt", b"Aylin Kaya", "text/plain")
    with app.test_request_context():
        file = text_file("notes.txt", "The mission went well.", Guard(None, external=True))
    assert (file.name, file.data, file.mimetype) == ("notes.txt", b"The mission went well.", "text/plain")
    with pytest.raises(AttributeError):
        file.data = b"Aylin Kaya"
    with pytest.raises(TypeError):
        dataclasses.replace(file, data=b"Aylin Kaya")


def test_only_the_core_writers_seal_a_file():
    """A GuardedFile says the guard released what it holds: only the writers that release it make one."""
    writers = {"core/disclosure/files.py", "core/disclosure/spreadsheets.py", "core/documents/documents.py"}
    sealing = {str(path.relative_to(ROOT)) for folder in ("core", "plugins") for path in (ROOT / folder).rglob("*.py")
               if "sealed(" in path.read_text(encoding="utf-8") or "seal=" in path.read_text(encoding="utf-8")}
    assert sealing == writers


def test_wrong_job_path_fails_in_the_caller(app):
    with app.app_context(), pytest.raises(ModuleNotFoundError):
        jobs.enqueue("no_such_module.function", title="x")


@pytest.mark.redis
def test_jobs_go_through_redis_to_a_real_worker(make_app, make_user, database_url, tmp_path):
    require_service(REDIS_URL is not None, "Redis (OBSERVATORY_TEST_REDIS_URL)")
    connection = redis_client.Redis.from_url(REDIS_URL)
    queue_name = f"observatory-test-{os.getpid()}-{time.time_ns()}"
    app = make_app(REDIS_URL=REDIS_URL, RQ_QUEUE=queue_name)
    user = make_user("case_officer")
    ok_id = _enqueue(app, user.id, "tests.support.jobs.write_report", words=["via", "redis"])
    failing_id = _enqueue(app, user.id, "tests.support.jobs.explode", marker="seal")
    with app.app_context():
        assert db.session.get(Job, ok_id).status == "queued"  # nothing ran in this process
    assert connection.llen(f"rq:queue:{queue_name}") == 2

    env = {**os.environ, "OBSERVATORY_ENV": "testing", "OBSERVATORY_DATABASE_URL": database_url,
           "OBSERVATORY_REDIS_URL": REDIS_URL, "OBSERVATORY_RQ_QUEUE": queue_name,
           "PYTHONPATH": str(ROOT)}
    worker = subprocess.run([sys.executable, "-m", "core.cli", "worker", "--burst"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120)
    assert worker.returncode == 0, worker.stderr[-2000:]
    with app.app_context():
        ok, failing = db.session.get(Job, ok_id), db.session.get(Job, failing_id)
        assert (ok.status, ok.result_data) == ("finished", b"via redis")
        assert failing.status == "failed" and "the seal is missing" in failing.error
        db.session.expire_all()
    client = app.test_client()  # the worker's seal holds in the app that serves the download
    login(client, user)
    assert client.get(f"/jobs/{ok_id}/download").data == b"via redis"
    connection.delete(f"rq:queue:{queue_name}")


def test_jobs_list_and_dashboard_keep_a_constant_number_of_queries(app, client, make_user, count_queries):
    admin = make_user("admin")
    login(client, admin)

    def add_jobs(count):
        with app.app_context():
            owners = [make_user("case_officer") for _ in range(3)]
            db.session.add_all(Job(function="tests.support.jobs.write_report", title=f"Job {i}", status="finished",
                                   created_by_id=owners[i % 3].id) for i in range(count))
            db.session.add_all(Job(function="tests.support.jobs.write_report", title=f"Mine {i}",
                                   created_by_id=admin.id) for i in range(count))
            db.session.commit()

    def counts():
        found = {}
        for path in ("/jobs/", "/"):
            with count_queries() as statements:
                page = client.get(path).get_data(as_text=True)
            found[path] = len(statements)
        return found, page

    add_jobs(5)
    small, _page = counts()
    add_jobs(40)
    large, _page = counts()
    assert "Job 39" not in client.get("/jobs/").get_data(as_text=True)  # paginated
    assert large == small and max(small.values()) <= 10, small


JSON = {"Accept": "application/json"}


def _worker_env(database_url, queue_name):
    return {**os.environ, "OBSERVATORY_ENV": "testing", "OBSERVATORY_DATABASE_URL": database_url,
            "OBSERVATORY_REDIS_URL": REDIS_URL, "OBSERVATORY_RQ_QUEUE": queue_name, "PYTHONPATH": str(ROOT)}


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (an rq worker's work-horse)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _wait_for_progress(client, job_id, percent, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = client.get(f"/jobs/{job_id}/status", headers=JSON).json
        if status["status"] == "running" and status["progress"] >= percent:
            return status
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not reach {percent} %: {status}")


@pytest.mark.redis
def test_a_job_whose_worker_is_killed_fails_and_try_again_builds_it_whole(make_app, make_user, database_url,
                                                                          tmp_path):
    """A real worker is killed (SIGKILL, work-horse included) half way through a real job: once rq's heartbeat for
    it has lapsed, the job is failed with a plain reason, nothing can be downloaded meanwhile, and *Try again* with
    a new worker builds the whole file."""
    require_service(REDIS_URL is not None, "Redis (OBSERVATORY_TEST_REDIS_URL)")
    queue_name = f"observatory-test-{os.getpid()}-{time.time_ns()}"
    app = make_app(REDIS_URL=REDIS_URL, RQ_QUEUE=queue_name)
    user = make_user("case_officer", locale="fr")
    job_id = _enqueue(app, user.id, "tests.support.jobs.slow_report", language="fr", steps=20, pause=0.3)
    client = app.test_client()
    login(client, user)
    env = _worker_env(database_url, queue_name)
    with open(tmp_path / "worker.log", "wb") as log:
        worker = subprocess.Popen([sys.executable, "-m", "core.cli", "worker"], cwd=tmp_path, env=env,
                                  stdout=log, stderr=log, start_new_session=True)
    try:
        _wait_for_progress(client, job_id, 10)
        horses = _children(worker.pid)
        assert horses, "the worker runs its job in a work-horse"
    finally:
        worker.kill()
        for horse in _children(worker.pid):
            os.kill(horse, signal.SIGKILL)
        worker.wait(timeout=10)
    for horse in horses:
        os.kill(horse, signal.SIGKILL)
    assert client.get(f"/jobs/{job_id}/download").status_code == 404
    status = client.get(f"/jobs/{job_id}/status", headers=JSON).json
    assert status["status"] == "running" and 10 <= status["progress"] < 100  # rq's heartbeat has not lapsed yet

    # rq keeps a job in its started registry until the worker's heartbeat lapses (job_monitoring_interval, 30 s,
    # + 60 s); the check is made as rq sees it two minutes on rather than by waiting for them.
    with app.app_context():
        assert jobs.fail_stopped_jobs(at=time.time() + 120) == [job_id]
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "Cette tâche s’est arrêtée avant la fin" in page and "Réessayer" in page and "job-download" not in page
    assert client.get(f"/jobs/{job_id}/download").status_code == 404
    assert "Échec" in client.get("/").get_data(as_text=True).split("Mes tâches récentes")[1]
    with app.app_context():
        job = db.session.get(Job, job_id)
        assert job.result_data is None and job.finished_at is not None

    assert post_form(client, f"/jobs/{job_id}/retry").status_code == 302
    again = subprocess.run([sys.executable, "-m", "core.cli", "worker", "--burst"], cwd=tmp_path, env=env,
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr[-2000:]
    assert client.get(f"/jobs/{job_id}/status", headers=JSON).json["status"] == "finished"
    assert client.get(f"/jobs/{job_id}/download").data == b"all 20 steps"
    with app.app_context():
        assert db.session.get(Job, job_id).attempts == 2
    redis_client.Redis.from_url(REDIS_URL).delete(f"rq:queue:{queue_name}")


@pytest.mark.redis
def test_a_killed_work_horse_fails_its_job_at_once(make_app, make_user, database_url, tmp_path):
    """The work-horse alone is killed (what the kernel's out-of-memory killer picks): its worker sees it at once,
    and so does the job's page."""
    require_service(REDIS_URL is not None, "Redis (OBSERVATORY_TEST_REDIS_URL)")
    queue_name = f"observatory-test-{os.getpid()}-{time.time_ns()}"
    app = make_app(REDIS_URL=REDIS_URL, RQ_QUEUE=queue_name)
    user = make_user("case_officer")
    job_id = _enqueue(app, user.id, "tests.support.jobs.slow_report", steps=20, pause=0.3)
    client = app.test_client()
    login(client, user)
    with open(tmp_path / "worker.log", "wb") as log:
        worker = subprocess.Popen([sys.executable, "-m", "core.cli", "worker", "--burst"], cwd=tmp_path,
                                  env=_worker_env(database_url, queue_name), stdout=log, stderr=log)
    try:
        _wait_for_progress(client, job_id, 10)
        for horse in _children(worker.pid):
            os.kill(horse, signal.SIGKILL)
        deadline = time.monotonic() + 60
        while (status := client.get(f"/jobs/{job_id}/status", headers=JSON).json)["status"] == "running":
            assert time.monotonic() < deadline, status
            time.sleep(0.1)
    finally:
        worker.kill()
        worker.wait(timeout=10)
    assert status["status"] == "failed" and status["error"].startswith("This job stopped before it finished")
    assert status["download"] is None


INLINE_RUN = """
import os
from core import create_app
from core.database.models import User
from core.extensions import db
from core.jobs import jobs

app = create_app()
with app.test_request_context():
    user = db.session.get(User, int(os.environ["JOB_OWNER"]))
    jobs.enqueue("tests.support.jobs.slow_report", title="Long export", user=user, steps=100, pause=0.3)
"""


def test_an_inline_job_cut_by_a_process_restart_is_failed_and_can_be_tried_again(make_app, make_user,
                                                                                   database_url, tmp_path):
    """Without Redis a job runs in the app's process; killed (SIGKILL) mid-run, the process leaves the job
    running: the next look at it finds its run over (the run's lock file is free) and fails it, and *Try again*
    runs it whole."""
    app = make_app()
    user = make_user("case_officer")
    client = app.test_client()
    login(client, user)
    env = {**os.environ, "OBSERVATORY_ENV": "testing", "OBSERVATORY_DATABASE_URL": database_url,
           "OBSERVATORY_INSTANCE_PATH": app.instance_path, "JOB_OWNER": str(user.id), "PYTHONPATH": str(ROOT)}
    env.pop("OBSERVATORY_REDIS_URL", None)
    process = subprocess.Popen([sys.executable, "-c", INLINE_RUN], cwd=tmp_path, env=env)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with app.app_context():
                job = db.session.scalar(select(Job).where(Job.title == "Long export"))
                if job is not None and job.progress >= 3:
                    job_id = job.id
                    break
            time.sleep(0.1)
        else:
            raise AssertionError("the inline job did not start")
        assert client.get(f"/jobs/{job_id}/status", headers=JSON).json["status"] == "running"  # its process lives
    finally:
        process.kill()
        process.wait(timeout=10)
    status = client.get(f"/jobs/{job_id}/status", headers=JSON).json
    assert status["status"] == "failed" and status["error"].startswith("This job stopped before it finished")
    assert post_form(client, f"/jobs/{job_id}/retry").status_code == 302
    assert client.get(f"/jobs/{job_id}/download").data == b"all 100 steps"


def test_a_run_that_was_given_up_writes_nothing(app, make_user):
    """An orphaned run (its worker stopped, the job was failed and started again under another run) that still goes
    on cannot report progress nor keep a result; a queued run of a job given up meanwhile does not start."""
    user = make_user("case_officer")
    job_id = _enqueue(app, user.id, "tests.support.jobs.write_report", words=["first"])
    with app.test_request_context():
        job = db.session.get(Job, job_id)
        job.status, job.runner, job.progress = Job.RUNNING, "rq:the-new-run", 5
        db.session.commit()
        orphan = jobs.JobContext(job, "rq:the-old-run")
        with pytest.raises(jobs.GivenUp):
            orphan.progress(80, "still going")
        assert (db.session.get(Job, job_id).progress, db.session.get(Job, job_id).message) == (5, "half way")
        job = db.session.get(Job, job_id)
        job.status = Job.FAILED
        db.session.commit()
        assert jobs.execute(job_id, runner="rq:a-late-delivery") == "failed"
        assert db.session.get(Job, job_id).attempts == 1


def test_the_scheduler_checks_for_stopped_jobs_every_minute(app):
    from core.jobs.schedule import next_runs

    with app.app_context():
        when = next_runs(app, datetime(2026, 12, 7, 15, 30, 20, tzinfo=timezone.utc))
    assert when["core.jobs.jobs.check_stopped_jobs"] == datetime(2026, 12, 7, 15, 31, tzinfo=timezone.utc)
