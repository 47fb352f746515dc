"""Advocacy dossiers: the preview and what it leaves out, its preflight step (what the guard found, the
decisions, the builds), consent and confidentiality in every part, the PDF (text extracted), the DOCX, the ZIP
with its JSON and annexes, the audit of restricted exports, bad input, the job through a real rq worker, and the
hook other plugins answer with their records' summaries."""
from __future__ import annotations

import html
import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from datetime import date
from pathlib import Path

import jsonschema
import pytest
from docx import Document as ReadDocx
from flask_login import login_user
from sqlalchemy import select
from weasyprint import HTML

from core.attachments.models import Attachment
from core.audit.models import AuditEntry
from core.database.models import Job, PreflightDecision, User
from core.extensions import db
from core.plugin_host import gather
from plugins.advocacy.models import ActionRecordLink, Answer
from plugins.interventions.models import Case

from ...conftest import login, post_form, require_service
from ...records_helpers import add_defender, add_partner
from ..interventions.helpers import add_action as add_case_action
from ..interventions.helpers import add_case, publish
from ..missions.helpers import add_mission
from .helpers import COMMUNICATION_DETAILS, add_action, mechanism_id

ROOT = Path(__file__).resolve().parents[3]
REDIS_URL = os.environ.get("OBSERVATORY_TEST_REDIS_URL")


PDF = HTML(string="<p>Our letter to the Special Rapporteur.</p>").write_pdf()  # the guard reads an annex's text


def _page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def turkey(app, make_user):
    """A country's file: a consenting defender, one who did not consent, a restricted one; a published case
    naming the non-consenting defender, a restricted case, advocacy with the Special Rapporteur, a mission
    report, an attachment."""
    officer, coordinator = make_user("case_officer"), make_user("coordinator", email="coord@example.org")
    named = add_defender(app, "Aylin Kaya", consent_to_publish=True, summary="Lawyer of the Izmir bar.")
    unnamed = add_defender(app, "Mehmet Demir", publication_name="M. D.",
                           summary="Mehmet Demir was detained after he spoke to the press.", address="12 Secret Street")
    hidden = add_defender(app, "Selin Gizli", confidentiality="restricted", assignees=(coordinator.id,))
    case_id = add_case(app, officer, title="Arrest of Mehmet Demir and Aylin Kaya", defenders=(named, unnamed),
                       verified=True)
    with app.app_context():
        case = db.session.get(Case, case_id)
        case.description, case.events_date, case.events_place = \
            "Demir Mehmet and Aylin Kaya were arrested at dawn.", date(2026, 3, 3), "Izmir"
        db.session.commit()
    appeal = add_case_action(app, case_id, coordinator, title_en="Arbitrary detention of M. D. and Aylin Kaya")
    reference = publish(app, appeal, coordinator)
    secret_case = add_case(app, coordinator, title="Threats against Selin Gizli", defenders=(hidden,),
                           confidentiality="restricted", assignees=(coordinator.id,))
    action_id = add_action(app, officer, title="Appeal on Mehmet Demir", defenders=(unnamed,), consent="given",
                           details=COMMUNICATION_DETAILS, sent_on=date(2026, 3, 10))
    secret_action = add_action(app, coordinator, title="Communication on Selin Gizli", confidentiality="restricted",
                               defenders=(hidden,), sent_on=date(2026, 3, 12))
    mission_id = add_mission(app, officer, title="Trial observation in Izmir", start=date(2026, 4, 1),
                             status="report_published", report_published_on=date(2026, 5, 2))
    with app.app_context():
        from plugins.missions.models import ReportText

        db.session.add(ReportText(mission_id=mission_id, language="en", title="A trial without guarantees",
                                  summary="The hearing of Mehmet Demir was closed to the public.",
                                  findings="No access to a lawyer of one's choice."))
        db.session.add(ActionRecordLink(owner_id=action_id, record_type="case", record_id=case_id))
        db.session.add(Answer(action_id=action_id, kind="sent_to_state", received_on=date(2026, 3, 20)))
        db.session.commit()
    client = app.test_client()
    login(client, officer)
    assert post_form(client, f"/attachments/advocacy_action/{action_id}", {
        "file": (io.BytesIO(PDF), "letter-to-the-rapporteur.pdf"), "description": "Our letter"},
        content_type="multipart/form-data").status_code == 302
    return {"officer": officer, "coordinator": coordinator, "case": case_id, "secret_case": secret_case,
            "action": action_id, "secret_action": secret_action, "reference": reference, "client": client,
            "mechanism": mechanism_id_in(app, "un_sr_hrd"), "named": named, "unnamed": unnamed}


def mechanism_id_in(app, key: str) -> int:
    with app.app_context():
        return mechanism_id(key)


def _choose(client, mechanism: int, **arguments):
    """Post the choice form asking for its preview: a complete choice is kept as a draft (a redirect to it)."""
    return post_form(client, "/advocacy/dossiers/new", {"mechanism": mechanism, "scope": "country", "country": "TUR",
                                                       "preview": "1", **arguments}, token_from="/advocacy/")


def _preview(client, mechanism: int, **arguments) -> str:
    response = _choose(client, mechanism, **arguments)
    assert response.status_code == 302, _page(response)[:2000]
    response = client.get(response.location)
    assert response.status_code == 200, _page(response)[:2000]
    return _page(response)


def _shown(page: str) -> str:
    """The preview's lists, as the dossier will print them (before the annexes to choose)."""
    preview = page[page.index('id="preview"'):]
    return preview[:preview.index('id="check-form"')]


def _check(client, mechanism: int, language: str = "en", **fields) -> tuple[str, str]:
    """The dossier's preflight step, opened from the preview (*Check and build*: the draft of the choice and
    cover paragraph, with the annexes ticked): its address and the page."""
    annexes = fields.pop("annex_ids", [])
    preview = _preview(client, mechanism, language=language, **fields)
    action = re.search(r'<form method="get" action="([^"]+)" id="check-form"', preview).group(1)
    response = client.get(action, query_string={"annex_ids": annexes})
    assert response.status_code == 200, _page(response)[:2000]
    page = _page(response)
    return re.search(r'<form method="post" action="([^"]+)" id="preflight-decide"', page).group(1), page


def _build_address(page: str, fmt: str) -> str:
    """The address of the step's build button for ``fmt``."""
    return next(address for address in re.findall(r'<form method="post" action="([^"]+)">', page)
                if address.startswith("/advocacy/dossiers?") and f"fmt={fmt}" in address)


def _decide(client, step: str, decision: str, reason: str = "", **extra: str):
    """Decide every hit waiting (or decided) on the step, as a person does."""
    keys = re.findall(r'data-key="([0-9a-f]+)"', _page(client.get(step)))
    return post_form(client, step, {**{f"disclose-{key}": decision for key in keys}, **extra,
                                    **({"disclose_reason": reason} if reason else {})}, token_from=step)


def _build(client, mechanism: int, fmt: str, language: str = "en", **fields):
    """Open the step, press the build button of ``fmt``: the answer (a redirect to the job's page, or a refusal)."""
    step, page = _check(client, mechanism, language, **fields)
    return post_form(client, _build_address(page, fmt), token_from=step)


def _export(client, mechanism: int, fmt: str, language: str = "en", **fields):
    response = _build(client, mechanism, fmt, language, **fields)
    assert response.status_code == 302, _page(response)[:2000]
    job_page = client.get(response.location)
    assert "job-download" in job_page.get_data(as_text=True), _page(job_page)[:3000]
    return client.get(response.location + "/download")


def test_the_preview_says_what_the_dossier_holds_and_what_was_left_out(app, turkey):
    page = _preview(turkey["client"], turkey["mechanism"])
    preview = _shown(page)
    assert "Dossier for Special Rapporteur on the situation of human rights defenders" in preview
    assert "Aylin Kaya" in preview and "M. D." in preview and "Mehmet Demir" not in preview
    # A case is named by its published action's title (the case's own title is a working title).
    assert f'{turkey["reference"]} — Arbitrary detention of M. D. and Aylin Kaya' in preview
    assert "Arrest of" not in preview
    assert "A trial without guarantees" in preview and "Selin" not in page
    assert 'id="preflight"' not in page  # decisions are taken on the dossier's step only
    # Its preflight step shows the staff member each place masked, in context, and nothing waits for a decision.
    check = _check(turkey["client"], turkey["mechanism"])[1]
    assert '<mark>Mehmet Demir</mark><span class="text-body-secondary"> was detained' in check and "→ M. D." in check
    assert "<mark>Appeal on Mehmet Demir</mark>" in check  # an internal title
    assert 'id="preflight-waiting"' not in check and "Selin" not in check
    assert "The real names of 1 defender(s) who did not consent" in check[check.index('id="left-out"'):]
    left_out = preview[preview.index('id="left-out"'):preview.index("</ul>", preview.index('id="left-out"'))]
    assert "The real names of 1 defender(s) who did not consent: they appear as M. D." in left_out
    assert "The confidential sources of 1 communication(s)" in left_out
    assert "Personal details of the defenders" in left_out
    assert "letter-to-the-rapporteur.pdf" in page  # offered as an annex
    # The coordinator assigned to the restricted records sees them counted out, then may include them.
    coordinator = app.test_client()
    login(coordinator, turkey["coordinator"])
    page = _preview(coordinator, turkey["mechanism"])
    assert "1 restricted case(s)" in page and "1 restricted advocacy action(s)" in page and "Selin" not in page
    page = _preview(coordinator, turkey["mechanism"], include_restricted="y")
    assert "restricted records are included" in page and "Threats against" not in _shown(page)
    assert "Selin" not in _shown(page)
    with app.app_context():
        viewed = set(db.session.execute(select(AuditEntry.record_type, AuditEntry.record_id).where(
            AuditEntry.action == "view", AuditEntry.record_label == "Dossier preview")).all())
    assert ("case", turkey["secret_case"]) in viewed and ("advocacy_action", turkey["secret_action"]) in viewed


def test_the_pdf_holds_every_part_and_no_confidential_detail(app, turkey, tmp_path):
    require_service(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")
    pdf = _export(turkey["client"], turkey["mechanism"], "pdf")
    assert pdf.headers["Content-Type"] == "application/pdf" and pdf.data.startswith(b"%PDF")
    (tmp_path / "dossier.pdf").write_bytes(pdf.data)
    text = " ".join(subprocess.run(["pdftotext", str(tmp_path / "dossier.pdf"), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    for part in ("Cover letter", "To: Special Rapporteur on the situation of human rights defenders",
                 "Situation of human rights defenders in Türkiye", "Summary", "Defenders", "Aylin Kaya", "M. D.",
                 "M. D. was detained after he spoke to the press.", "Cases", turkey["reference"],
                 "M. D. and Aylin Kaya were arrested at dawn.", "Events in Izmir", "Mission findings",
                 "A trial without guarantees", "No access to a lawyer", "Communication sent to the state",
                 ):
        assert part in text, part
    for secret in ("Mehmet", "Demir", "Secret Street", "Confidential partner", "Selin", "Gizli"):
        assert secret not in text, secret


def test_the_docx_and_the_spanish_version(app, turkey):
    with app.app_context():
        iachr = mechanism_id("oas_iachr_pm")
    client = turkey["client"]
    page = _page(client.get(f"/advocacy/dossiers/new?mechanism={iachr}"))
    options = page[page.index('id="language"'):page.index("</select>", page.index('id="language"'))]
    assert "Spanish" in options and "French" in options and "English" in options  # the IACHR's languages
    response = _export(client, iachr, "docx", language="es")
    assert response.headers["Content-Disposition"].endswith('.docx"')
    document = ReadDocx(io.BytesIO(response.data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Expediente para Comisión Interamericana de Derechos Humanos: medidas cautelares" in text
    assert "Carta de presentación" in text and "Situación de las personas defensoras en Turquía" in text
    assert "M. D." in text and "Mehmet" not in text
    assert "Nada se ha enviado todavía a este mecanismo sobre estos casos." in text
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert turkey["reference"] in cells


def test_the_zip_bundles_the_pdf_the_json_and_the_annexes(app, turkey):
    with app.app_context():
        annex = db.session.scalar(select(Attachment.id).where(Attachment.record_type == "advocacy_action"))
    response = _export(turkey["client"], turkey["mechanism"], "zip", annex_ids=[annex])
    bundle = zipfile.ZipFile(io.BytesIO(response.data))
    names = bundle.namelist()
    stem = names[0].rsplit(".", 1)[0]
    assert names == [f"{stem}.pdf", f"{stem}.json", "annexes/01-letter-to-the-rapporteur.pdf"]
    assert bundle.read("annexes/01-letter-to-the-rapporteur.pdf") == PDF
    assert bundle.read(f"{stem}.pdf").startswith(b"%PDF")
    content = json.loads(bundle.read(f"{stem}.json"))
    schema = json.loads((ROOT / "plugins" / "advocacy" / "data" / "dossier.schema.json").read_text())
    jsonschema.validate(content, schema, format_checker=jsonschema.FormatChecker())
    assert content["format"] == "observatory-advocacy-dossier/1" and content["language"] == "en"
    assert content["mechanism_key"] == "un_sr_hrd" and content["country"] == "TUR"
    assert sorted(d["name"] for d in content["defenders"]) == ["Aylin Kaya", "M. D."]
    unnamed = next(d for d in content["defenders"] if d["name"] == "M. D.")
    assert [line["text"] for line in unnamed["chronology"]] == [
        "Events in Izmir", "Communication to special procedures: urgent appeal: […]",  # an internal title
        "Arbitrary detention of M. D. and Aylin Kaya"]  # dated 3 March, 10 March, and today (published)
    assert unnamed["chronology"][2]["reference"] == turkey["reference"]
    case = content["cases"][0]
    assert case["actions"][0]["reference"] == turkey["reference"] and case["chronology"][0]["date"] == "2026-03-03"
    assert content["history"][0]["answers"] == [{"date": "2026-03-20", "kind": "Communication sent to the state"}]
    assert content["annexes"][0]["name"] == "letter-to-the-rapporteur.pdf"
    raw = json.dumps(content)
    for secret in ("Mehmet", "Secret Street", "Confidential partner", "Selin"):
        assert secret not in raw, secret


def test_restricted_records_go_out_only_with_the_permission_and_are_audited(app, turkey):
    officer = turkey["client"]
    assert "include_restricted" not in _page(officer.get(f"/advocacy/dossiers/new?mechanism={turkey['mechanism']}"))
    refused = post_form(officer, "/advocacy/dossiers?" + "&".join(f"{key}={value}" for key, value in {
        "mechanism": turkey["mechanism"], "language": "en", "scope": "country", "country": "TUR",
        "include_restricted": "y", "fmt": "pdf"}.items()))
    assert refused.status_code == 403
    assert "restricted records are included" not in _preview(officer, turkey["mechanism"], include_restricted="y")
    coordinator = app.test_client()
    login(coordinator, turkey["coordinator"])
    response = _export(coordinator, turkey["mechanism"], "docx", include_restricted="y")
    text = "\n".join(p.text for p in ReadDocx(io.BytesIO(response.data)).paragraphs)
    assert "Selin" not in text and "Threats against" not in text  # an unpublished case's working title stays in
    with app.app_context():
        exported = set(db.session.execute(select(AuditEntry.record_type, AuditEntry.record_id).where(
            AuditEntry.action == "export")).all())
        assert {("case", turkey["secret_case"]), ("advocacy_action", turkey["secret_action"]),
                ("advocacy_mechanism", turkey["mechanism"])} <= exported


def test_a_dossier_of_chosen_cases(app, turkey):
    client = turkey["client"]
    page = _page(post_form(client, "/advocacy/dossiers/new", {"mechanism": turkey["mechanism"], "scope": "cases",
                                                              "find_case": "arrest"}))
    assert "Arrest of Mehmet Demir" in page[page.index('id="found-cases"'):]  # staff see their own titles
    page = _preview(client, turkey["mechanism"], scope="cases", case_ids=turkey["case"], country="")
    preview = page[page.index('id="preview"'):]
    assert "Situation of the human rights defenders of 1 case(s) followed by the Observatory" in preview
    assert "A trial without guarantees" not in preview  # not linked to the case
    assert "Appeal on" not in _shown(page)  # the action's title is internal: it never leaves


def test_bad_choices_are_explained_and_nothing_is_built(app, turkey):
    client = turkey["client"]
    response = _choose(client, turkey["mechanism"], country="")
    assert response.status_code == 422 and "Choose the country." in _page(response)
    response = _choose(client, turkey["mechanism"], scope="cases")
    assert response.status_code == 422 and "Choose at least one case." in _page(response)
    with app.app_context():
        odihr = mechanism_id("osce_odihr")
    assert post_form(client, "/advocacy/dossiers", {"mechanism": odihr, "language": "es", "scope": "country",
                                                    "country": "TUR", "fmt": "pdf"}).status_code == 400
    assert post_form(client, "/advocacy/dossiers", {"mechanism": turkey["mechanism"], "language": "en",
                                                    "scope": "cases", "fmt": "pdf"}).status_code == 400
    with app.app_context():
        assert db.session.scalar(select(Job.id)) is None


def test_hook_observatory_record_summaries(app, turkey):
    """Interventions answer for cases and missions for mission reports, with publishable text only; restricted
    records only when asked for, and only for those who may see them."""
    with app.test_request_context():
        coordinator = db.session.get(User, turkey["coordinator"].id)
        login_user(coordinator)
        cases = gather.record_summaries("case", coordinator, "fr", country="tur")
        assert [c.id for c in cases] == [turkey["case"]]
        case = cases[0]
        # Names are written as they are: the dossier's disclosure guard masks them (see the PDF test).
        assert case.title == f'{turkey["reference"]} — Arbitrary detention of M. D. and Aylin Kaya'
        assert case.actions[0].reference == turkey["reference"] and case.country == "TUR"
        assert {line.text for line in case.events} == {"Événements à Izmir"}
        both = gather.record_summaries("case", coordinator, "en", ids=[turkey["case"], turkey["secret_case"]],
                                       include_restricted=True)
        assert {c.id for c in both} == {turkey["case"], turkey["secret_case"]}
        officer = db.session.get(User, turkey["officer"].id)
        assert [c.id for c in gather.record_summaries("case", officer, "en", ids=[turkey["secret_case"]],
                                                      include_restricted=True)] == []
        missions = gather.record_summaries("mission", officer, "en", country="TUR")
        assert [m.title for m in missions] == ["A trial without guarantees"]
        assert missions[0].findings == "No access to a lawyer of one's choice."
        assert missions[0].summary == "The hearing of Mehmet Demir was closed to the public."
        assert gather.record_summaries("defender", officer, "en", ids=[1]) == []  # nobody declares it


@pytest.mark.redis
def test_the_dossier_job_runs_in_a_real_worker(make_app, make_user, database_url, tmp_path, turkey):
    require_service(REDIS_URL is not None, "Redis (OBSERVATORY_TEST_REDIS_URL)")
    import redis as redis_client

    connection = redis_client.Redis.from_url(REDIS_URL)
    queue_name = f"observatory-test-{os.getpid()}-{time.time_ns()}"
    app = make_app(REDIS_URL=REDIS_URL, RQ_QUEUE=queue_name)
    client = app.test_client()
    login(client, turkey["officer"])
    response = _build(client, turkey["mechanism"], "docx", language="fr")
    job_url = response.location
    assert "job-download" not in client.get(job_url).get_data(as_text=True)  # waits for the worker
    env = {**os.environ, "OBSERVATORY_ENV": "testing", "OBSERVATORY_DATABASE_URL": database_url,
           "OBSERVATORY_REDIS_URL": REDIS_URL, "OBSERVATORY_RQ_QUEUE": queue_name, "PYTHONPATH": str(ROOT),
           "OBSERVATORY_ATTACHMENTS_DIR": app.config.get("ATTACHMENTS_DIR") or ""}
    worker = subprocess.run([sys.executable, "-m", "core.cli", "worker", "--burst"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=180)
    assert worker.returncode == 0, worker.stderr[-2000:]
    text = "\n".join(p.text for p in ReadDocx(io.BytesIO(client.get(job_url + "/download").data)).paragraphs)
    assert "Dossier pour Rapporteur spécial sur la situation des défenseurs des droits de l'homme" in text
    assert "Mehmet" not in text
    connection.delete(f"rq:queue:{queue_name}")


def _pdf_text(data: bytes, tmp_path) -> str:
    (tmp_path / "out.pdf").write_bytes(data)
    return " ".join(subprocess.run(["pdftotext", str(tmp_path / "out.pdf"), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())


def test_text_typed_at_export_time_and_names_in_other_records_pass_the_guard(app, turkey, tmp_path):
    """The cover note names the protected defender in another order, and a public case mentions a restricted
    defender it is not linked to: neither name leaves, and the dossier's step shows both places (the restricted
    defender's name as its replacement: the officer may not see it)."""
    require_service(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")
    with app.app_context():
        case = db.session.get(Case, turkey["case"])
        case.description += " Selin Gizli, a lawyer, witnessed the arrest."
        db.session.commit()
    note = "We draw your attention to DEMIR, Mehmet, and to Mr Demir's family at 12 Secret Street."
    page = _check(turkey["client"], turkey["mechanism"], cover_note=note)[1]
    check = page[page.index('id="preflight"'):]
    for found in ("DEMIR, Mehmet", "Mr Demir", "12 Secret Street"):
        assert f"<mark>{found}</mark>" in check, found
    assert "<mark>[…]</mark><span class=\"text-body-secondary\">, a lawyer, witnessed" in check
    assert "Selin" not in page and "Gizli" not in page
    text = _pdf_text(_export(turkey["client"], turkey["mechanism"], "pdf", cover_note=note).data, tmp_path)
    assert "We draw your attention to M. D., and to M. D.'s family at […]." in text
    assert "[…], a lawyer, witnessed the arrest." in text
    for secret in ("Mehmet", "Demir", "Secret Street", "Selin", "Gizli"):
        assert secret not in text, secret


def test_an_address_typed_without_a_name_does_not_leave_in_the_dossier(app, turkey, tmp_path):
    """A restricted defender's address in a public case's description, a non-consenting defender's exact location
    in the cover paragraph, neither linked to the dossier nor named: the address index finds them and the PDF
    carries neither; nor does it beside a surname 60 records hold ("Ms. Garcia"). A street nobody protected
    lives on passes."""
    require_service(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")
    add_defender(app, "Deniz Saklı", confidentiality="restricted", address="Kavaklı Sokak 9, Bornova")
    add_defender(app, "Ayşe Yıldız", publication_name="A. Y.", exact_location="Çamlık Evleri Blok C")
    for _number in range(59):
        add_defender(app, "Maria Garcia", country="ESP", consent_to_publish=True)
    add_defender(app, "Maria Garcia", country="ESP", publication_name="M. G.", address="12 Calle Olmo 3B")
    with app.app_context():
        case = db.session.get(Case, turkey["case"])
        case.description += " The police raided the flat at Kavaklı Sokak 9 the same night."
        db.session.commit()
    note = "Her shelter at Çamlık Evleri Blok C was searched; Ms. Garcia, 12 Calle Olmo 3B, too. We met at Kordon 4."
    client = turkey["client"]
    step, page = _check(client, turkey["mechanism"], cover_note=note)
    waiting = page[page.index('id="preflight-waiting"'):]
    assert "<mark>Ms. Garcia</mark>" in waiting  # the name waits for a person; the address does not
    assert _decide(client, step, "other", "Another Ms. Garcia.").status_code == 302
    built = post_form(client, _build_address(_check(client, turkey["mechanism"], cover_note=note)[1], "pdf"),
                      token_from=step)
    assert built.status_code == 302, _page(built)[:2000]
    text = _pdf_text(client.get(built.location + "/download").data, tmp_path)
    assert "The police raided the flat at […] the same night." in text
    assert "Her shelter at […] was searched; Ms. Garcia, […], too. We met at Kordon 4." in text
    for secret in ("Kavaklı", "Sokak", "Çamlık", "Blok C", "Olmo"):
        assert secret not in text, secret


def test_a_family_member_s_name_typed_alone_does_not_leave_in_the_dossier(app, turkey, tmp_path):
    """A defender's brother named in the cover paragraph, in order and surname first, without her name and with
    no link to her (she even consented to be named; her name has no word or skeleton the dossier holds): his name is her personal detail, found through the address
    index (which holds family members' names as it holds addresses), and the PDF carries neither form."""
    require_service(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")
    add_defender(app, "Xochitl Tzompaxtle", country="MEX", consent_to_publish=True,
                 family="Brother: Omar Qassab; mother Hind")
    note = "Omar Qassab was questioned twice; QASSAB, Omar, was then released."
    text = _pdf_text(_export(turkey["client"], turkey["mechanism"], "pdf", cover_note=note).data, tmp_path)
    assert "[…] was questioned twice; […], was then released." in text, text
    assert "Qassab" not in text


def test_a_restricted_partner_s_contact_person_typed_alone_does_not_leave_in_the_dossier(app, turkey, tmp_path):
    """A restricted partner's contact person, named in the cover paragraph without the partner (in order, surname
    first, after an honorific, with an initial): the register holds the contact people of restricted partners as
    it holds defenders' names, so the step shows each place (as ``[…]``: the officer may not see that partner)
    and the PDF carries none; a given name alone is no
    form, and a public partner's contact typed alone is left as it is; an e-mail address of any partner's contact
    people typed alone is masked."""
    require_service(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")
    add_partner(app, "Tunisian League for Rights", country="TUN", confidentiality="restricted",
                contacts="Contact: Dr Leila Haddad-Ferchichi, coordinator, +216 98 123 456\n"
                         "Samir Ben Amor; lawyer; samir@example.org")
    add_partner(app, "Open Voices", contacts="Karim Public, spokesperson, karim.public@openvoices.example")
    note = ("Leila Haddad-Ferchichi confirmed the raid; HADDAD-FERCHICHI, Leila, and Mr. Ben Amor saw it; "
            "S. Ben Amor too. Leila called Karim Public.")
    client = turkey["client"]
    step, page = _check(client, turkey["mechanism"], cover_note=note)
    check = page[page.index('id="preflight"'):]
    assert check.count("<mark>[…]</mark>") >= 4  # each place found, as the officer may see it: not its words
    assert "Karim Public</mark>" not in check
    for secret in ("Haddad", "Ferchichi", "Amor"):
        assert secret not in page, secret
    text = _pdf_text(_export(client, turkey["mechanism"], "pdf", cover_note=note).data, tmp_path)
    assert "[…] confirmed the raid; […], and […] saw it; […] too. Leila called Karim Public." in text, text
    for secret in ("Haddad", "Ferchichi", "Amor", "Tunisian League"):
        assert secret not in text, secret
    # a contact's e-mail typed alone finds its partner (restricted or not): it is a personal detail
    note = "Write to samir@example.org or to Karim.Public@openvoices.example for the list."
    text = _pdf_text(_export(client, turkey["mechanism"], "pdf", cover_note=note).data, tmp_path)
    assert "Write to […] or to […] for the list." in text, text


def test_an_ambiguous_name_blocks_the_build_until_someone_decides_and_says_why(app, turkey, tmp_path):
    """The cover paragraph holds "Blanco" (a protected defender's surname, and a common word): the dossier's
    step shows it waiting and its builds are refused (422, with the way back to the step, no job); a decision
    without a reason is refused too; decided with a reason, it is audited and kept, and the build applies it
    (the job's build is audited with it); decided again the other way, the next build masks it."""
    add_defender(app, "Rosa Blanco", publication_name="R. B.")  # "Blanco" is also a common word
    client = turkey["client"]
    note = "The Blanco report describes the raid."
    step, page = _check(client, turkey["mechanism"], cover_note=note)
    waiting = page[page.index('id="preflight-waiting"'):]
    assert "<mark>Blanco</mark>" in waiting and "it is also a common word" in waiting
    build = _build_address(page, "docx")
    assert re.search(r"<button[^>]*disabled[^>]*>Build the dossier \(DOCX\)</button>", page)
    refused = post_form(client, build, token_from=step)  # forced all the same
    assert refused.status_code == 422 and "Nothing was built" in _page(refused)
    assert f'href="{step}"'.replace("&", "&amp;") in refused.get_data(as_text=True)
    key = waiting.split('data-key="')[1].split('"')[0]
    forged = post_form(client, build, {f"disclose-{key}": "other", "disclose_reason": "forged"}, token_from=step)
    assert forged.status_code == 422, "a decision is taken on the step only, where it is audited"
    page = _page(_decide(client, step, "other"))
    assert "Say why you decided as you did" in page and 'value="other" checked' in page.replace(
        f'id="disclose-{key}-other" ', "")
    with app.app_context():
        assert db.session.scalar(select(Job.id)) is None
        assert db.session.scalar(select(PreflightDecision.id)) is None
    assert _decide(client, step, "other", "The Blanco report is a UN report.").status_code == 302
    response = post_form(client, build, token_from=step)
    assert response.status_code == 302
    text = "\n".join(p.text for p in ReadDocx(io.BytesIO(client.get(response.location + "/download").data)).paragraphs)
    assert "The Blanco report describes the raid." in text
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "disclose"))
        assert entry.user_id == turkey["officer"].id and entry.record_type == "defender"
        assert entry.changes["decision"] == "another person" and entry.changes["why"] == \
            "The Blanco report is a UN report." and entry.changes["key"] == key
        built = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "build"))
        assert built.user_id == turkey["officer"].id and built.record_label.endswith(".docx")
        assert built.changes == {"step": step, "decisions": {key: "kept"}} and step.startswith("/advocacy/dossiers/check/")
    assert _decide(client, step, "mask", "Her").status_code == 302
    masked = post_form(client, _build_address(_check(client, turkey["mechanism"], cover_note=note)[1], "pdf"),
                       token_from=step)
    assert masked.status_code == 302
    assert "The R. B. report describes the raid." in _pdf_text(client.get(masked.location + "/download").data,
                                                               tmp_path)
    with app.app_context():
        builds = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "build")
                                    .order_by(AuditEntry.id)).all()
        assert [row.changes["decisions"] for row in builds] == [{key: "kept"}, {key: "masked"}]


def test_the_typed_cover_paragraph_is_in_no_address_and_its_draft_is_its_authors(app, turkey, make_user):
    """The cover paragraph is typed text, names included: it is posted and kept on the server, so no address the
    flow requests, links to or redirects to holds it (server logs, proxies, browser history), from the choice
    to the job, and no form sends it by GET. The kept choice is read by its author only."""
    from urllib.parse import unquote_plus

    add_defender(app, "Rosa Blanco", publication_name="R. B.")
    client = turkey["client"]
    note = "The Blanco report describes the raid on Kuzeyli Sokak."
    typed = ("Blanco", "Kuzeyli", "raid", "cover_note")
    addresses: list[str] = []

    def followed(response) -> str:
        """The page, with every address it names (links, forms, sources) and its redirect kept."""
        text = _page(response)
        addresses.extend([response.location or ""] + re.findall(r'(?:href|src|action)="([^"]*)"', text))
        for form in re.findall(r'<form[^>]*method="get".*?</form>', text, flags=re.S):
            assert not any(word in form for word in typed), form
        return text

    chosen = _choose(client, turkey["mechanism"], cover_note=note)
    followed(chosen)
    assert chosen.status_code == 302
    preview = followed(client.get(chosen.location))
    assert note in preview  # shown in its field, sent back only by POST
    step = re.search(r'<form method="get" action="([^"]+)" id="check-form"', preview).group(1)
    addresses.append(step)
    page = followed(client.get(step))
    assert "<mark>Blanco</mark>" in page[page.index('id="preflight-waiting"'):]
    followed(_decide(client, step, "other", "The Blanco report is a UN report."))
    page = followed(client.get(step))
    built = post_form(client, _build_address(page, "pdf"), token_from=step)
    followed(built)
    assert built.status_code == 302
    followed(client.get(built.location))
    assert len(addresses) > 20 and all(not any(word in unquote_plus(address) for word in typed)
                                       for address in addresses), [a for a in addresses if "Blanco" in a]
    with app.app_context():
        job = db.session.scalar(select(Job))
        assert job.params["request"]["cover_note"] == note  # the job reads it from the server, as the step did

    colleague = app.test_client()
    login(colleague, make_user("case_officer"))
    assert colleague.get(chosen.location).status_code == 404
    assert colleague.get(step).status_code == 404
    assert post_form(colleague, _build_address(page, "pdf"), token_from=step).status_code == 404


def test_a_decision_on_no_hit_of_the_dossier_goes_neither_to_the_audit_nor_to_the_job(app, turkey):
    """Decisions posted on the step for keys that are not among the dossier's ambiguous hits are dropped before
    auditing and keeping; the job applies exactly the decisions the dossier's hits use."""
    add_defender(app, "Rosa Blanco", publication_name="R. B.")
    client = turkey["client"]
    step, page = _check(client, turkey["mechanism"], cover_note="The Blanco report describes the raid.")
    key = page[page.index('id="preflight-waiting"'):].split('data-key="')[1].split('"')[0]
    forged = "0123456789abcdef"
    assert forged != key
    assert _decide(client, step, "other", "A UN report.", **{f"disclose-{forged}": "other"}).status_code == 302
    assert post_form(client, _build_address(page, "docx"), token_from=step).status_code == 302
    with app.app_context():
        job = db.session.scalar(select(Job))
        assert job.params["request"]["decisions"] == {key: "other"}
        audited = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "disclose")).all()
        assert len(audited) == 1 and audited[0].changes["decision"] == "another person"
        assert [row.hit_key for row in db.session.scalars(select(PreflightDecision))] == [key]


def test_the_dossier_s_decisions_belong_to_its_choice_and_to_the_person_who_took_them(app, turkey, make_user):
    """A decision taken on one dossier's step does not decide the same words in another dossier (another
    language), nor for a colleague building the same dossier."""
    add_defender(app, "Rosa Blanco", publication_name="R. B.")
    client = turkey["client"]
    note = "The Blanco report describes the raid."
    step = _check(client, turkey["mechanism"], cover_note=note)[0]
    assert _decide(client, step, "other", "A UN report.").status_code == 302
    assert _build(client, turkey["mechanism"], "pdf", cover_note=note).status_code == 302
    assert _build(client, turkey["mechanism"], "pdf", language="fr", cover_note=note).status_code == 422
    colleague = app.test_client()
    login(colleague, make_user("case_officer"))
    assert _build(colleague, turkey["mechanism"], "pdf", cover_note=note).status_code == 422


def test_a_job_whose_dossier_changed_since_the_preview_keeps_nothing(app, turkey):
    """The guard runs again in the job: a name that became ambiguous after the decisions stops it, with a message
    in the user's language, and no file is kept."""
    from core.jobs import jobs

    add_defender(app, "Rosa Blanco", publication_name="R. B.")
    with app.test_request_context():
        officer = db.session.get(User, turkey["officer"].id)
        with app.test_request_context(headers={"Accept-Language": "fr"}):
            job = jobs.enqueue("plugins.advocacy.dossiers.build_dossier", title="Dossier", user=officer,
                               user_id=officer.id, fmt="pdf",
                               request={"mechanism_id": turkey["mechanism"], "language": "en", "country": "TUR",
                                        "cover_note": "The Blanco report."})
        job = db.session.get(Job, job.id)
        assert job.status == Job.FAILED and job.result_data is None
        assert job.error.startswith("Rien n’a été produit")


def _docx_saying(text: str) -> bytes:
    from docx import Document as WriteDocx

    document = WriteDocx()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _photo_with_metadata() -> bytes:
    from PIL import Image, PngImagePlugin

    details = PngImagePlugin.PngInfo()
    details.add_text("Author", "Mehmet Demir")
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG", pnginfo=details)
    return buffer.getvalue()


def test_an_annex_naming_a_protected_person_cannot_leave_and_an_image_is_flagged(app, turkey):
    """A file leaves whole: the guard reads its text, and one naming a defender who did not consent (or that it
    cannot read) is refused as an annex; an image, which it cannot read, is sent only after a warning."""
    client = turkey["client"]
    for name, data in (("statement.docx", _docx_saying("Statement of Mehmet Demir, 12 Secret Street.")),
                       ("photo.png", _photo_with_metadata()),
                       ("notes.pdf", HTML(string="<p>Notes</p><footer>Called M. Demir at home</footer>").write_pdf())):
        assert post_form(client, f"/attachments/advocacy_action/{turkey['action']}", {
            "file": (io.BytesIO(data), name), "description": ""}, content_type="multipart/form-data").status_code == 302
    with app.app_context():
        ids = {row.name: row.id for row in db.session.scalars(select(Attachment))}
    page = _preview(client, turkey["mechanism"])
    statement = page[page.index(f'id="annex-{ids["statement.docx"]}"'):][:1200]
    assert "disabled" in statement.split(">")[0] and "a file cannot be masked" in statement
    notes = page[page.index(f'id="annex-{ids["notes.pdf"]}"'):][:1200]
    assert "disabled" in notes.split(">")[0] and "a file cannot be masked" in notes
    photo = page[page.index(f'id="annex-{ids["photo.png"]}"'):][:1200]
    assert "disabled" not in photo.split(">")[0] and "Look at it before sending it" in photo
    clear = page[page.index(f'id="annex-{ids["letter-to-the-rapporteur.pdf"]}"'):][:600]
    assert "cannot" not in clear.split("</div>")[0]
    # Asked for all the same (an address made by hand): the step says so, and the ZIP is refused.
    step, page = _check(client, turkey["mechanism"], annex_ids=[ids["statement.docx"]])
    assert "statement.docx: Holds a protected name or detail" in page[page.index('id="left-out"'):]
    refused = post_form(client, _build_address(page, "zip"), token_from=step)
    assert refused.status_code == 409 and "statement.docx holds a protected name" in _page(refused)
    with app.app_context():
        assert not db.session.scalar(select(Job.id).where(Job.function.like("%build_dossier")))
    bundle = zipfile.ZipFile(io.BytesIO(_export(client, turkey["mechanism"], "zip", annex_ids=[ids["photo.png"]]).data))
    assert [name for name in bundle.namelist() if name.startswith("annexes/")] == ["annexes/01-photo.png"]
    photo_sent = bundle.read("annexes/01-photo.png")
    assert photo_sent.startswith(b"\x89PNG") and b"Mehmet" not in photo_sent  # its pixels, not its metadata


def _member_texts(bundle: zipfile.ZipFile, tmp_path) -> dict[str, str]:
    """Every member's name and text: a PDF's words and metadata, a DOCX's XML, the JSON, any other file as it is."""
    texts = {}
    for name in bundle.namelist():
        data = bundle.read(name)
        if data.startswith(b"%PDF"):
            text = _pdf_text(data, tmp_path)
            (tmp_path / "out.pdf").write_bytes(data)
            text += subprocess.run(["pdfinfo", str(tmp_path / "out.pdf")], capture_output=True, text=True).stdout
        elif data.startswith(b"PK"):
            inner = zipfile.ZipFile(io.BytesIO(data))
            text = " ".join(inner.read(part).decode("utf-8", "replace") for part in inner.namelist())
        else:
            text = data.decode("utf-8", "replace")
        texts[name] = f"{name}\n{text}"
    return texts


def test_a_protected_name_typed_anywhere_never_leaves_in_any_member_of_the_zip(app, turkey, tmp_path):
    """The dossier's ZIP is written by the core's guarded ZIP writer: the defender who did not consent, named in
    the cover note in the forms people type, in an annex's name and description, never appears unmasked in the
    PDF, the JSON or the annexes' names; the annex's own text is clear, so it leaves whole."""
    require_service(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")
    client = turkey["client"]
    letter = HTML(string="<p>Our second letter to the Special Rapporteur.</p>").write_pdf()
    assert post_form(client, f"/attachments/advocacy_action/{turkey['action']}", {
        "file": (io.BytesIO(letter), "Letter about Mehmet Demir.pdf"),
        "description": "Sent after DEMIR, Mehmet was detained (Mr Demir's lawyer)"},
        content_type="multipart/form-data").status_code == 302
    with app.app_context():
        annexes = list(db.session.scalars(select(Attachment.id).where(Attachment.record_type == "advocacy_action")))
    note = "We draw your attention to Mehmet Demir, DEMIR Mehmet and M. Demir, reachable at 12 Secret Street."
    bundle = zipfile.ZipFile(io.BytesIO(_export(client, turkey["mechanism"], "zip", cover_note=note,
                                                annex_ids=annexes).data))
    texts = _member_texts(bundle, tmp_path)
    assert len(texts) == 4 and any(name.startswith("annexes/") and "M.-D" in name for name in texts), list(texts)
    assert "We draw your attention to M. D." in next(text for name, text in texts.items() if name.endswith(".pdf")
                                                      and "/" not in name)
    for name, text in texts.items():
        for secret in ("Mehmet", "Demir", "DEMIR", "Secret Street"):
            assert secret not in text, (name, secret)



