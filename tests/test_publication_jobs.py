"""Publications built in the background and by the calendar, and what they say when a plugin is missing: the
bulletin files of every language and format, the scheduler's monthly run through a real rq worker, and the
gaps a disabled or failing plugin leaves."""
from __future__ import annotations

import html
import io
import os
import re
import subprocess
import sys
import time
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import redis as redis_client
from sqlalchemy import select

from core import publications
from core.database.models import Job, utcnow
from core.extensions import db
from core.jobs.schedule import cron_scheduler, next_runs
from core.notifications.models import Notification
from core.publications import annual
from core.publications.jobs import scheduled_bulletin
from core.publications.models import Bulletin
from plugins.interventions.models import Action

from .conftest import REDIS_URL, login, post_form, require_service
from .plugin_factory import install_plugin
from .plugins.interventions.helpers import add_action, add_case, publish

ROOT = Path(__file__).resolve().parent.parent
FILES = {f"bulletin-{{period}}-{language}.{fmt}" for language in ("en", "fr", "es") for fmt in ("html", "pdf", "docx")}
BROKEN = '''
from core.plugin_host.hookspecs import hookimpl

TITLE = "Broken publisher"


@hookimpl
def observatory_bulletin_sections(year, month, locale):
    raise RuntimeError("the printer is on fire")


@hookimpl
def observatory_annual_report_sections(year, locale):
    raise RuntimeError("the printer is on fire")


@hookimpl
def observatory_statistics(year, region, user, locale):
    raise RuntimeError("the abacus broke")
'''


def _appeal_published_on(app, coordinator, moment: datetime, title: str = "Türkiye: detention of M. D.") -> str:
    case = add_case(app, coordinator, title="Arrest of a lawyer", verified=True)
    action = add_action(app, case, coordinator, title_en=title)
    reference = publish(app, action, coordinator)
    with app.app_context():
        db.session.get(Action, action).published_at = moment
        db.session.commit()
    return reference


def _names(data: bytes) -> set[str]:
    return set(zipfile.ZipFile(io.BytesIO(data)).namelist())


def test_a_disabled_plugin_leaves_a_named_gap(make_app, make_user):
    app = make_app(PLUGINS_DISABLED=["missions"])
    with app.test_request_context():
        bulletin = publications.bulletin(2026, 3, "fr")
        report = annual.report(2026, "es")
    assert bulletin.blocks[0].text == ("Incomplet : la partie de « missions » manque car cette extension est "
                                       "désactivée.")
    notes = [block.text for block in report.blocks if getattr(block, "text", "").startswith("Incompleto")]
    assert notes == ["Incompleto: falta la parte de «missions» porque esa extensión está desactivada."]


def test_a_failing_plugin_leaves_a_named_gap_and_the_rest_is_built(make_app, make_user, tmp_path, monkeypatch):
    install_plugin(tmp_path / "site", monkeypatch, BROKEN, entry_name="broken")
    app = make_app()
    coordinator = make_user("coordinator")
    reference = _appeal_published_on(app, coordinator, datetime(2026, 3, 4, tzinfo=timezone.utc))
    client = app.test_client()
    login(client, coordinator)
    page = client.get("/publications/bulletin?year=2026&month=3&language=en").get_data(as_text=True)
    assert "Incomplete: the part from “Broken publisher” is missing because it failed" in page
    assert reference in page  # the other plugins' parts are there
    with app.test_request_context():
        report = annual.report(utcnow().year, "en")
    notes = [block.text for block in report.blocks if getattr(block, "text", "").startswith("Incomplete")]
    assert len(notes) == 1 and "Broken publisher" in notes[0]  # named once, though three hooks failed
    assert any(getattr(block, "text", "") == "Urgent interventions" for block in report.blocks)


def test_every_language_and_format_of_a_bulletin_in_one_zip(app, client, make_user):
    coordinator, reader = make_user("coordinator"), make_user("readonly")
    _appeal_published_on(app, coordinator, datetime(2026, 3, 4, tzinfo=timezone.utc))
    login(client, coordinator)
    assert client.get("/publications/bulletin/2026/3/files.zip").status_code == 404  # not built yet
    built = post_form(client, "/publications/bulletin/2026/3/files", {})
    assert built.status_code == 302 and "/jobs/" in built.location
    page = client.get("/publications/bulletin?year=2026&month=3").get_data(as_text=True)
    assert "Every language and format (ZIP)" in page
    files = client.get("/publications/bulletin/2026/3/files.zip")
    assert files.headers["Content-Disposition"] == 'attachment; filename="bulletin-2026-03.zip"'
    assert _names(files.data) == {name.format(period="2026-03") for name in FILES}
    archive = zipfile.ZipFile(io.BytesIO(files.data))
    assert "Türkiye: detention of M. D." in archive.read("bulletin-2026-03-en.html").decode()
    other = app.test_client()
    login(other, reader)
    assert other.get("/publications/bulletin/2026/3/files.zip").status_code == 200  # readers download
    assert post_form(other, "/publications/bulletin/2026/3/files", {}).status_code == 403  # editors build


def test_publishing_a_bulletin_keeps_its_edition_until_it_is_reopened(app, client, make_user):
    coordinator = make_user("coordinator")
    _appeal_published_on(app, coordinator, datetime(2026, 3, 4, tzinfo=timezone.utc))
    login(client, coordinator)
    assert post_form(client, "/publications/bulletin/2026/3/publish", {"language": "en"}).status_code == 302
    assert len(_names(client.get("/publications/bulletin/2026/3/files.zip").data)) == 9  # built on publication
    page = client.get("/publications/bulletin?year=2026&month=3").get_data(as_text=True)
    assert 'id="bulletin-reopen"' in page and 'id="bulletin-editing"' not in page
    refused = post_form(client, "/publications/bulletin/2026/3", {"language": "en", "introduction_en": "Changed"},
                        follow_redirects=True)
    assert "The bulletin is published: reopen it for corrections first." in refused.get_data(as_text=True)
    rebuilt = post_form(client, "/publications/bulletin/2026/3/files", {})
    assert rebuilt.status_code == 302 and "/jobs/" not in rebuilt.location
    post_form(client, "/publications/bulletin/2026/3/publish", {"language": "en"})  # not a second edition
    with app.app_context():
        assert db.session.query(Job).filter(Job.function.endswith("build_bulletin_files")).count() == 1
    with app.app_context():
        shaped = db.session.scalar(select(Bulletin))
        assert shaped.introduction_en == "" and shaped.status == "published"
        assert scheduled_bulletin("2026-04-01") is None  # the scheduler leaves a published month alone
    assert post_form(client, "/publications/bulletin/2026/3/reopen", {}).status_code == 302
    assert post_form(client, "/publications/bulletin/2026/3", {"language": "en", "introduction_en": "Changed"}
                     ).status_code == 302
    with app.app_context():
        shaped = db.session.scalar(select(Bulletin))
        assert (shaped.introduction_en, shaped.status, shaped.published_at) == ("Changed", "draft", None)


def test_the_schedule_runs_on_the_first_of_each_month(make_app):
    app = make_app()
    with app.app_context():
        runs = next_runs(app, datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc))
    assert runs["core.publications.jobs.scheduled_bulletin"] == datetime(2026, 12, 1, 6, 0, tzinfo=timezone.utc)
    assert runs["core.jobs.schedule.send_reminders"] == datetime(2026, 11, 30, 7, 0, tzinfo=timezone.utc)
    broken = make_app(BULLETIN_SCHEDULE="every monday", REDIS_URL="redis://127.0.0.1:1/0")
    with broken.app_context(), pytest.raises(ValueError, match="BULLETIN_SCHEDULE"):
        cron_scheduler(broken)
    result = broken.test_cli_runner().invoke(args=["scheduler", "--show"])
    assert result.exit_code != 0 and "invalid cron expression" in result.output
    shown = app.test_cli_runner().invoke(args=["scheduler", "--show"])
    assert shown.exit_code == 0 and "core.publications.jobs.scheduled_bulletin: next run" in shown.output
    without_redis = app.test_cli_runner().invoke(args=["scheduler"])
    assert without_redis.exit_code != 0 and "OBSERVATORY_REDIS_URL is not set" in without_redis.output


@pytest.mark.redis
def test_the_scheduler_puts_the_bulletin_on_the_queue_and_a_real_worker_builds_it(make_app, make_user,
                                                                                   database_url, tmp_path):
    require_service(REDIS_URL is not None, "Redis (OBSERVATORY_TEST_REDIS_URL)")
    connection = redis_client.Redis.from_url(REDIS_URL)
    queue_name = f"observatory-test-{os.getpid()}-{time.time_ns()}"
    app = make_app(REDIS_URL=REDIS_URL, RQ_QUEUE=queue_name, JOBS_CHECK_SCHEDULE="")  # only the bulletin comes due
    editor = make_user("coordinator")
    year, month = publications.previous_month(utcnow().date())
    _appeal_published_on(app, editor, datetime(year, month, 2, tzinfo=timezone.utc))
    with app.app_context():
        scheduler = cron_scheduler(app)
        tasks = {job.func_name: job for job in scheduler.get_jobs()}
        bulletin_task = tasks["core.publications.jobs.scheduled_bulletin"]
        assert bulletin_task.cron == "0 6 1 * *" and bulletin_task.queue_name == queue_name
        upcoming = bulletin_task.next_enqueue_time
        assert (upcoming.day, upcoming.hour, upcoming.minute) == (1, 6, 0)
        bulletin_task.next_enqueue_time = datetime.now(timezone.utc) - timedelta(seconds=1)  # the 1st has come
        assert [job.func_name for job in scheduler.enqueue_jobs()] == ["core.publications.jobs.scheduled_bulletin"]
    assert connection.llen(f"rq:queue:{queue_name}") == 1

    env = {**os.environ, "OBSERVATORY_ENV": "testing", "OBSERVATORY_DATABASE_URL": database_url,
           "OBSERVATORY_REDIS_URL": REDIS_URL, "OBSERVATORY_RQ_QUEUE": queue_name, "PYTHONPATH": str(ROOT)}
    worker = subprocess.run([sys.executable, "-m", "core.cli", "worker", "--burst"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=300)
    assert worker.returncode == 0, worker.stderr[-2000:]
    with app.app_context():
        shaped = db.session.scalar(select(Bulletin).where(Bulletin.year == year, Bulletin.month == month))
        job = db.session.get(Job, shaped.files_job_id)
        assert job.status == "finished", job.error
        assert job.created_by_id is None and job.function == "core.publications.jobs.build_bulletin_files"
        assert _names(job.result_data) == {name.format(period=f"{year}-{month:02d}") for name in FILES}
        told = db.session.scalars(select(Notification).where(Notification.user_id == editor.id,
                                                             Notification.kind == "publication")).all()
        assert len(told) == 1 and told[0].url == f"/publications/bulletin?year={year}&month={month}"
        assert scheduled_bulletin() is None  # a second run of the same month does nothing
        db.session.expire_all()
    assert connection.llen(f"rq:queue:{queue_name}") == 0
    connection.delete(f"rq:queue:{queue_name}")


def test_a_bulletin_naming_someone_ambiguously_waits_for_its_editors_decision(app, make_user):
    """The bulletin's page shows the guard's preflight to its editors; its build is refused (no file kept) until
    they decide the ambiguous name and say why; the decision is kept on the bulletin, applied by every build,
    and audited."""
    from core.audit.models import AuditEntry

    from .records_helpers import add_defender

    coordinator = make_user("coordinator")
    add_defender(app, "Rosa Blanco", publication_name="R. B.")
    moment = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)
    _appeal_published_on(app, coordinator, moment, title="Colombia: the Blanco family threatened again")
    client = app.test_client()
    login(client, coordinator)
    reader = app.test_client()
    login(reader, make_user("readonly"))
    refused = reader.get("/publications/bulletin.html?year=2026&month=3&language=en")
    assert refused.status_code == 409 and "Blanco" not in refused.get_data(as_text=True)
    page = client.get("/publications/bulletin?year=2026&month=3&language=en").get_data(as_text=True)
    waiting = page[page.index('id="preflight-waiting"'):]
    assert "<mark>Blanco</mark>" in waiting
    key = waiting.split('data-key="')[1].split('"')[0]
    refused = post_form(client, "/publications/bulletin/2026/3/files", {}, token_from="/publications/bulletin")
    job = client.get(refused.location).get_data(as_text=True)
    assert "Nothing was built" in job and "job-download" not in job
    without_reason = post_form(client, "/publications/bulletin/2026/3/disclosure",
                               {"language": "en", f"disclose-{key}": "mask"}, token_from="/publications/bulletin")
    assert "Say why you decided" in client.get(without_reason.location).get_data(as_text=True)
    post_form(client, "/publications/bulletin/2026/3/disclosure",
              {"language": "en", f"disclose-{key}": "mask", "disclose_reason": "The family is Rosa's."},
              token_from="/publications/bulletin")
    with app.app_context():
        shaped = db.session.scalar(select(Bulletin))
        assert shaped.disclosure_decisions == {key: "mask"} and shaped.disclosure_reason == "The family is Rosa's."
        assert db.session.scalar(select(AuditEntry.changes).where(AuditEntry.action == "disclose"))["why"] == \
            "The family is Rosa's."
    # A reader cannot decide on the bulletin's download: the edition's decision applies to them.
    reader = app.test_client()
    login(reader, make_user("readonly"))
    download = reader.get(f"/publications/bulletin.html?year=2026&month=3&language=en&disclose-{key}=other"
                          "&disclose_reason=mine")
    assert download.status_code == 200 and "the R. B. family" in download.get_data(as_text=True)
    built = post_form(client, "/publications/bulletin/2026/3/files", {}, token_from="/publications/bulletin")
    assert "job-download" in client.get(built.location).get_data(as_text=True)
    archive = zipfile.ZipFile(io.BytesIO(client.get(built.location + "/download").data))
    html_en = archive.read("bulletin-2026-03-en.html").decode()
    assert "the R. B. family threatened again" in html_en and "Blanco" not in html_en


def test_a_refused_annual_report_asks_its_editors_for_the_names_to_decide(app, make_user):
    from .records_helpers import add_defender

    coordinator = make_user("coordinator")
    add_defender(app, "Rosa Blanco", publication_name="R. B.")
    _appeal_published_on(app, coordinator, datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc),
                         title="Colombia: the Blanco family threatened again")
    client = app.test_client()
    login(client, coordinator)
    build = {"language": "en", "format": "html"}
    refused = post_form(client, "/publications/annual/2026/build", build, token_from="/publications/annual/?year=2026")
    assert "Nothing was built" in client.get(refused.location).get_data(as_text=True)
    # Publishing it is refused the same way, and leaves it a draft: nothing was published.
    post_form(client, "/publications/annual/2026/publish", {}, token_from="/publications/annual/?year=2026")
    with app.app_context():
        from core.publications.models import AnnualReport

        assert db.session.scalar(select(AnnualReport.status)) == AnnualReport.DRAFT
    page = client.get("/publications/annual/?year=2026").get_data(as_text=True)
    section = page[page.index('id="annual-check"'):]
    assert "<mark>Blanco</mark>" in section and 'id="build-waits"' in page
    key = section.split('data-key="')[1].split('"')[0]
    post_form(client, "/publications/annual/2026/disclosure",
              {f"disclose-{key}": "other", "disclose_reason": "A place name"}, token_from="/publications/annual/")
    page = client.get("/publications/annual/?year=2026").get_data(as_text=True)
    assert _keys(page) == [] and 'id="build-waits"' not in page
    built = post_form(client, "/publications/annual/2026/build", build, token_from="/publications/annual/?year=2026")
    report = client.get(built.location + "/download").get_data(as_text=True)
    assert "the Blanco family threatened again" in report


def test_the_annual_report_is_checked_in_every_language_before_it_is_built(app, make_user):
    """Before anything is built, the report's page shows what the guard found in every language: the places it
    masks in context (the full name of Rosa Blanco, who did not consent), the surname alone waiting for an
    editor's decision, and what is left out and why; the build is offered only once a check has run and
    nothing waits. A reader sees the same check without the choices; the check itself is not audited as a
    change of the report."""
    from core.audit.models import AuditEntry
    from core.publications.models import AnnualReport

    from .records_helpers import add_defender

    coordinator = make_user("coordinator")
    add_defender(app, "Rosa Blanco", publication_name="R. B.")
    _appeal_published_on(app, coordinator, datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc),
                         title="Colombia: the Blanco family threatened")
    client = app.test_client()
    login(client, coordinator)
    page = "/publications/annual/?year=2026"
    post_form(client, "/publications/annual/2026", {"foreword_en": "We stood with Rosa Blanco all year.",
                                                     "foreword_fr": "", "foreword_es": ""}, token_from=page)
    before = client.get(page).get_data(as_text=True)
    assert 'id="build-check-first"' in before and 'disabled aria-describedby="build-check-first"' in before
    assert 'id="annual-checked"' not in before and "Grant requests appear only as anonymised" in before

    checked = post_form(client, "/publications/annual/2026/check", {}, token_from=page)
    assert checked.location.endswith("#annual-check")
    shown = client.get(page).get_data(as_text=True)
    section = html.unescape(shown[shown.index('id="annual-check"'):shown.index('id="annual-build"')])
    assert "Last checked:" in section
    assert all(f"{language}: 1 place masked" in section for language in ("English", "French", "Spanish"))
    assert "<mark>Rosa Blanco</mark>" in section and "→ R. B." in section  # masked automatically, in context
    assert len(_keys(shown)) == 1 and "<mark>Blanco</mark>" in section  # the surname alone waits
    assert 'disabled aria-describedby="build-waits"' in shown
    with app.app_context():
        job = db.session.scalar(select(Job).where(Job.function == "core.publications.jobs.check_annual_report"))
        assert job.status == "finished" and job.result_data is None
        assert job.message == "Checked: 1 name or detail waits for a decision before it can be built."
        changed = db.session.scalars(select(AuditEntry.changes).where(AuditEntry.record_type == "annual_report"))
        assert all("disclosure_check" not in (changes or {}) for changes in changed)

    reader = app.test_client()
    login(reader, make_user("readonly"))
    read = reader.get(page).get_data(as_text=True)
    assert "<mark>Blanco</mark>" in read and 'name="disclose-' not in read
    assert "An editor of publications decides each one." in read

    post_form(client, "/publications/annual/2026/disclosure",
              {f"disclose-{_keys(shown)[0]}": "mask", "disclose_reason": "Rosa's family"}, token_from=page)
    ready = client.get(page).get_data(as_text=True)
    assert 'id="build-waits"' not in ready and 'id="build-check-first"' not in ready
    built = post_form(client, "/publications/annual/2026/build", {"language": "en", "format": "html"},
                      token_from=page)
    text = html.unescape(client.get(built.location + "/download").get_data(as_text=True))
    assert "We stood with R. B. all year." in text and "the R. B. family threatened" in text
    assert "Blanco" not in text
    with app.app_context():
        assert db.session.scalar(select(AnnualReport.disclosure_waiting)) == []


def test_the_annual_report_check_speaks_the_users_language(app, make_user):
    coordinator = make_user("coordinator")
    _appeal_published_on(app, coordinator, datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc))
    client = app.test_client()
    login(client, coordinator)
    post_form(client, "/language", {"locale": "fr"})
    page = "/publications/annual/?year=2026"
    post_form(client, "/publications/annual/2026/check", {}, token_from=page)
    shown = html.unescape(client.get(page).get_data(as_text=True))
    assert "Dernière vérification" in shown and "Anglais : 0 endroit masqué" in shown
    assert 'id="build-check-first"' not in shown and 'id="build-waits"' not in shown
    with app.app_context():
        job = db.session.scalar(select(Job).where(Job.function == "core.publications.jobs.check_annual_report"))
        assert job.title == "Rapport annuel 2026 : vérification avant l’envoi"


def _keys(page: str) -> list[str]:
    """The hits waiting for a decision on a preflight shown in ``page``."""
    return re.findall(r'class="mb-2 preflight-hit" data-key="([0-9a-f]+)"', page)


def test_a_bulletin_is_not_published_while_a_name_in_it_waits_for_a_decision(app, make_user):
    """Publishing first runs the guard's preflight of every language its files are built in: while "Blanco" (Rosa
    Blanco did not consent) waits for a decision, nothing is published and no file is built; the page says so in
    the editor's language and shows the decision to take. Decided, the bulletin is published with its files."""
    from .records_helpers import add_defender

    coordinator = make_user("coordinator")
    add_defender(app, "Rosa Blanco", publication_name="R. B.")
    _appeal_published_on(app, coordinator, datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc),
                         title="Threats against Blanco")
    client = app.test_client()
    login(client, coordinator)
    post_form(client, "/language", {"locale": "fr"})
    page = "/publications/bulletin?year=2026&month=3&language=en"
    refused = post_form(client, "/publications/bulletin/2026/3/publish", {"language": "en"}, token_from=page)
    assert refused.status_code == 302 and refused.location.endswith("#preflight")
    shown = html.unescape(client.get(refused.location).get_data(as_text=True))
    assert "Rien n’a été publié : un nom ou un détail qu’il contient" in shown
    assert 'id="bulletin-disclosure"' in shown and "<mark>Blanco</mark>" in shown and _keys(shown)
    assert "Pas encore publié" in shown  # as it was: a draft, open to decisions
    left_out = shown[shown.index('id="left-out"'):]  # what the bulletin leaves out, and why
    assert "Aucun chiffre : les décomptes sont publiés une fois par an" in left_out
    with app.app_context():
        assert db.session.scalar(select(Bulletin.status)) in (None, Bulletin.DRAFT)
        assert db.session.scalar(select(Job.id)) is None  # no files job, so none to fail
    for _attempt in range(3):  # each language it waits in, in turn
        if not refused.location.endswith("#preflight"):
            break
        language = refused.location.split("language=")[1].split("#")[0]
        waiting = client.get(refused.location).get_data(as_text=True)
        post_form(client, "/publications/bulletin/2026/3/disclosure",
                  {"language": language, "disclose_reason": "Rosa's case",
                   **{f"disclose-{key}": "mask" for key in _keys(waiting)}}, token_from=page)
        refused = post_form(client, "/publications/bulletin/2026/3/publish", {"language": "en"}, token_from=page)
    assert not refused.location.endswith("#preflight")
    with app.app_context():
        shaped = db.session.scalar(select(Bulletin))
        assert shaped.status == Bulletin.PUBLISHED and db.session.get(Job, shaped.files_job_id).status == "finished"
    archive = zipfile.ZipFile(io.BytesIO(client.get("/publications/bulletin/2026/3/files.zip").data))
    assert "Threats against R. B." in archive.read("bulletin-2026-03-en.html").decode()
    assert not any(b"Blanco" in archive.read(name) for name in archive.namelist() if name.endswith(".html"))


def test_an_annual_report_is_not_published_while_a_name_in_it_waits_for_a_decision(app, make_user):
    """The annual report's publishing checks every language before anything is published: refused, the report
    stays a draft (no edition, nothing locked), its page says why in the editor's language and asks for the
    decisions; decided, publishing locks it and builds its edition."""
    from core.publications.models import AnnualReport

    from .records_helpers import add_defender

    coordinator = make_user("coordinator")
    add_defender(app, "Rosa Blanco", publication_name="R. B.")
    _appeal_published_on(app, coordinator, datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc),
                         title="Threats against Blanco")
    client = app.test_client()
    login(client, coordinator)
    post_form(client, "/language", {"locale": "es"})
    page = "/publications/annual/?year=2026"
    refused = post_form(client, "/publications/annual/2026/publish", {}, token_from=page)
    shown = html.unescape(client.get(refused.location).get_data(as_text=True))
    assert "No se publicó nada: un nombre o un dato que contiene" in shown
    assert "se publicó" not in shown.split("No se publicó nada")[0]  # no word of success
    section = shown[shown.index('id="annual-check"'):]
    assert "<mark>Blanco</mark>" in section
    with app.app_context():
        report = db.session.scalar(select(AnnualReport))
        assert (report.status, report.published_at, report.files_job_id) == (AnnualReport.DRAFT, None, None)
    post_form(client, "/publications/annual/2026/disclosure",
              {"disclose_reason": "Rosa's case", **{f"disclose-{key}": "mask" for key in _keys(section)}},
              token_from=page)
    published = post_form(client, "/publications/annual/2026/publish", {}, token_from=page)
    assert "El informe anual está publicado; su edición en cada idioma (PDF y DOCX) está generada." in html.unescape(client.get(published.location).get_data(as_text=True))
    with app.app_context():
        report = db.session.scalar(select(AnnualReport))
        assert report.status == AnnualReport.PUBLISHED and report.published_by_id == coordinator.id
    archive = zipfile.ZipFile(io.BytesIO(client.get("/publications/annual/2026/files.zip").data))
    assert len(archive.namelist()) == 6


@pytest.mark.redis
def test_with_a_queue_the_annual_report_stays_a_draft_until_its_job_has_checked_it(make_app, make_user,
                                                                                     database_url, tmp_path):
    """In production the check runs in a worker: until then the report is not published (nothing to take back),
    and when the worker refuses it, the names to decide are on its page and the job says why."""
    from core.publications.models import AnnualReport

    from .records_helpers import add_defender

    require_service(REDIS_URL is not None, "Redis (OBSERVATORY_TEST_REDIS_URL)")
    queue_name = f"observatory-test-{os.getpid()}-{time.time_ns()}"
    app = make_app(REDIS_URL=REDIS_URL, RQ_QUEUE=queue_name)
    coordinator = make_user("coordinator")
    add_defender(app, "Rosa Blanco", publication_name="R. B.")
    _appeal_published_on(app, coordinator, datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc),
                         title="Threats against Blanco")
    client = app.test_client()
    login(client, coordinator)
    page = "/publications/annual/?year=2026"
    queued = post_form(client, "/publications/annual/2026/publish", {}, token_from=page)
    shown = html.unescape(client.get(queued.location).get_data(as_text=True))
    assert "The annual report is being checked in every language" in shown and "Not published yet" in shown
    env = {**os.environ, "OBSERVATORY_ENV": "testing", "OBSERVATORY_DATABASE_URL": database_url,
           "OBSERVATORY_REDIS_URL": REDIS_URL, "OBSERVATORY_RQ_QUEUE": queue_name, "PYTHONPATH": str(ROOT)}
    worker = subprocess.run([sys.executable, "-m", "core.cli", "worker", "--burst"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=300)
    assert worker.returncode == 0, worker.stderr[-2000:]
    with app.app_context():
        report = db.session.scalar(select(AnnualReport))
        assert (report.status, report.files_job_id) == (AnnualReport.DRAFT, None) and report.disclosure_waiting
        job = db.session.scalar(select(Job).where(Job.function == "core.publications.jobs.publish_annual_report"))
        assert job.status == "failed" and job.error.startswith("Nothing was published: a name or detail")
    assert "<mark>Blanco</mark>" in client.get(page).get_data(as_text=True)
    redis_client.Redis.from_url(REDIS_URL).delete(f"rq:queue:{queue_name}")
