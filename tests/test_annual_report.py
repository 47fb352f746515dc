"""The annual report: interventions by region and country with their follow-ups and outcomes, the other plugins'
parts, the year in figures, the editors' chapters per language; PDF with contents and page numbers, DOCX with
a chart picture; built as a job; nothing confidential in it, whatever the data holds."""
from __future__ import annotations

import html
import io
import re
import shutil
import subprocess
import zipfile
from datetime import date, datetime, timezone

from docx import Document as ReadDocx
from sqlalchemy import or_, select

from core.database.models import Job, utcnow
from core.disclosure import Guard
from core.documents import documents
from core.extensions import db
from core.publications import annual
from core.publications.models import AnnualChapter, AnnualReport
from core.records.models import Defender
from plugins.interventions.models import Action, Case, Outcome

from .conftest import login, post_form, require_service
from .plugins.interventions.helpers import add_action, add_case, publish
from .records_helpers import add_defender
from .support.figures import given_back

YEAR = utcnow().year


def _pdf_text(data: bytes, tmp_path, layout: bool = False) -> str:
    require_service(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")
    path = tmp_path / f"report-{len(data)}.pdf"
    path.write_bytes(data)
    options = ["-layout"] if layout else []
    return subprocess.run(["pdftotext", *options, str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def _year_of_interventions(app, coordinator) -> dict:
    """Two cases in Europe and Central Asia (two countries) and one in the Americas, one with a follow-up and
    an outcome; the editors' foreword in English and a chapter written in French only."""
    mehmet = add_defender(app, "Mehmet Demir", publication_name="M. D.")
    turkey = add_case(app, coordinator, title="Arrest of Mehmet Demir", defenders=(mehmet,), verified=True)
    appeal = add_action(app, turkey, coordinator, title_en="Türkiye: detention of M. D.",
                        title_es="Turquía: detención de M. D.")
    references = {"appeal": publish(app, appeal, coordinator)}
    follow = add_action(app, turkey, coordinator, kind="follow_up_appeal", title_en="Türkiye: M. D. still held",
                        title_es="Turquía: M. D. sigue detenido")
    references["follow"] = publish(app, follow, coordinator)
    russia = add_case(app, coordinator, title="Raid in Moscow", country="RUS", verified=True)
    publish(app, add_action(app, russia, coordinator, title_en="Russia: raid on Memorial",
                            title_es="Rusia: registro de Memorial"), coordinator)
    colombia = add_case(app, coordinator, title="Threats in Cauca", country="COL", verified=True)
    publish(app, add_action(app, colombia, coordinator, title_en="Colombia: threats against leaders",
                            title_es="Colombia: amenazas contra líderes"), coordinator)
    with app.app_context():
        db.session.add(Outcome(case_id=turkey, kind="released", occurred_on=date(YEAR, 1, 20)))
        report = AnnualReport(year=YEAR, foreword_en="A year of courage.\n\nAnd of relentless pressure.")
        report.chapters.append(AnnualChapter(position=1, title_fr="Le harcèlement judiciaire",
                                             body_fr="Les procès se multiplient."))
        db.session.add(report)
        db.session.commit()
    return references


def test_the_report_groups_interventions_by_region_and_country(app, make_user):
    references = _year_of_interventions(app, make_user("coordinator"))
    with app.test_request_context():
        steps: list[int] = []
        document = annual.report(YEAR, "es", lambda percent, message: steps.append(percent))
    headings = [(block.level, block.text) for block in document.blocks if isinstance(block, documents.Heading)]
    assert document.title == f"Informe anual {YEAR}" and isinstance(document.blocks[0], documents.Contents)
    assert (2, "Prólogo") in headings and (2, "Le harcèlement judiciaire") in headings
    assert (2, "El año en cifras") in headings
    start = headings.index((2, "Intervenciones urgentes"))
    assert headings[start + 1:start + 8] == [
        (3, "Américas"), (4, "Colombia"), (5, "Colombia: amenazas contra líderes"),
        (3, "Europa y Asia Central"), (4, "Rusia"), (5, "Rusia: registro de Memorial"), (4, "Turquía")]
    texts = [getattr(block, "text", "") for block in document.blocks]
    items = [item for block in document.blocks if isinstance(block, documents.BulletList) for item in block.items]
    assert any(references["follow"] in item and "Turquía: M. D. sigue detenido" in item for item in items)
    assert any(item.startswith("Liberado") for item in items)
    assert any(references["appeal"] in text for text in texts)
    # the chapter exists only in French: shown, marked, in the Spanish report
    assert "[No disponible en este idioma: se muestra en francés.]" in texts
    figures = [block.chart.key for block in document.blocks if isinstance(block, documents.Figure)]
    assert {"interventions_by_region", "violations", "outcomes", "defenders_by_region",
            "interventions_by_country"} <= set(figures)
    assert steps == sorted(steps) and steps[0] == 5


def test_the_pdf_has_contents_page_numbers_and_charts_and_the_docx_a_picture(app, client, make_user, tmp_path):
    coordinator = make_user("coordinator")
    _year_of_interventions(app, coordinator)
    login(client, coordinator)
    response = post_form(client, f"/publications/annual/{YEAR}/build", {"language": "fr", "format": "pdf"},
                         token_from=f"/publications/annual/?year={YEAR}")
    assert response.status_code == 302 and "/jobs/" in response.location
    job_id = int(response.location.rstrip("/").split("/")[-1])
    with app.app_context():
        job = db.session.get(Job, job_id)
        assert (job.status, job.progress, job.result_filename) == ("finished", 100, f"annual-report-{YEAR}-fr.pdf")
        assert job.title == f"Annual report {YEAR} (FR, PDF)"
        assert job.message == f"Written: annual-report-{YEAR}-fr.pdf"  # in the requester's language
    pdf = client.get(f"/jobs/{job_id}/download").data
    text = _pdf_text(pdf, tmp_path, layout=True)
    contents = text[:text.index("\f")]  # the first page
    assert "Table des matières" in contents
    assert re.search(r"Interventions urgentes \.+ \d+", contents) and re.search(r"Europe et Asie centrale \.+ \d+",
                                                                              contents)
    assert re.search(r"\d+ / \d+", text)  # every page numbered
    flat = " ".join(text.split())
    assert "Interventions par région" in flat and "Türkiye: detention of M. D." in flat  # no French: marked
    assert "[Non disponible dans cette langue : affiché en anglais.]" in flat

    response = post_form(client, f"/publications/annual/{YEAR}/build", {"language": "en", "format": "docx"},
                         token_from=f"/publications/annual/?year={YEAR}")
    docx_bytes = client.get(response.location.rstrip("/") + "/download").data
    docx = ReadDocx(io.BytesIO(docx_bytes))
    styles = [(p.style.name, p.text) for p in docx.paragraphs]
    assert ("Heading 2", "Urgent interventions") in styles and ("Heading 3", "Europe and Central Asia") in styles
    assert ("Heading 4", "Türkiye") in styles and ("Heading 1", "Contents") in styles
    assert ("Normal", "A. K., a lawyer, was arrested on 3 May.") in styles  # the appeal's first paragraph
    archive = zipfile.ZipFile(io.BytesIO(docx_bytes))
    assert any(name.startswith("word/media/") and name.endswith(".png") for name in archive.namelist())
    assert 'TOC \\o "1-3"' in archive.read("word/document.xml").decode()
    assert "PAGE" in archive.read("word/footer1.xml").decode()
    assert docx.tables and docx.tables[0].cell(0, 0).text == "Category"


def test_an_appeal_is_summed_up_by_its_first_paragraph():
    from plugins.interventions.publications import excerpt

    assert excerpt("Short facts.\n\nLong second paragraph.") == "Short facts."
    cut = excerpt("word, " * 200)
    assert len(cut) <= 502 and cut.endswith("word …")


def test_bad_build_requests_and_the_editors_chapters(app, client, make_user):
    coordinator, reader = make_user("coordinator"), make_user("readonly")
    login(client, reader)
    page = html.unescape(client.get(f"/publications/annual/?year={YEAR}").get_data(as_text=True))
    assert f"Annual report {YEAR}" in page and "Add a chapter" not in page
    assert post_form(client, f"/publications/annual/{YEAR}/chapters/new", {"title_en": "X"},
                     token_from=f"/publications/annual/?year={YEAR}").status_code == 403
    response = post_form(client, f"/publications/annual/{YEAR}/build", {"language": "xx", "format": "exe"},
                         token_from=f"/publications/annual/?year={YEAR}", follow_redirects=True)
    assert "Choose a language and a format from the lists." in response.get_data(as_text=True)
    assert client.get("/publications/annual/1999/chapters/new").status_code in (403, 404)

    client = app.test_client()
    login(client, coordinator)
    new = f"/publications/annual/{YEAR}/chapters/new"
    bad = post_form(client, new, {"position": "abc", "body_en": "Text without a title"}, token_from=new)
    assert bad.status_code == 422
    body = html.unescape(bad.get_data(as_text=True))
    assert "Text without a title" in body  # nothing lost
    post_form(client, "/language", {"locale": "fr"})
    untitled = post_form(client, new, {"position": "2", "body_en": "Text"}, token_from=new)
    assert untitled.status_code == 422
    assert "Donnez un titre au chapitre dans au moins une langue." in html.unescape(untitled.get_data(as_text=True))
    with app.app_context():
        assert db.session.scalar(select(AnnualChapter.id)) is None
    saved = post_form(client, new, {"position": "2", "title_es": "Defensoras", "body_es": "Texto."}, token_from=new)
    assert saved.status_code == 302
    with app.app_context():
        chapter = db.session.scalar(select(AnnualChapter))
        assert (chapter.position, chapter.title_es, chapter.report.year) == (2, "Defensoras", YEAR)
        chapter_id = chapter.id
    edit = f"/publications/annual/{YEAR}/chapters/{chapter_id}"
    assert post_form(client, edit, {"position": "1", "title_es": "Defensoras", "title_en": "Women defenders",
                                    "body_es": "Texto."}, token_from=edit).status_code == 302
    assert client.get(f"/publications/annual/{YEAR - 1}/chapters/{chapter_id}").status_code == 404
    assert post_form(client, f"/publications/annual/{YEAR}", {"foreword_fr": "Avant-propos."},
                     token_from=f"/publications/annual/?year={YEAR}").status_code == 302
    assert post_form(client, f"/publications/annual/{YEAR}/publish", {},
                     token_from=f"/publications/annual/?year={YEAR}").status_code == 302
    with app.app_context():
        from core.audit.models import AuditEntry

        report = db.session.scalar(select(AnnualReport))
        assert report.foreword_fr == "Avant-propos." and report.status == "published"
        assert report.chapters[0].title_en == "Women defenders"
        audited = set(db.session.scalars(select(AuditEntry.record_type).where(
            AuditEntry.record_type.in_(("annual_report", "annual_chapter")))))
        assert audited == {"annual_report", "annual_chapter"}
    # published: its edition is built, and its text is locked until it is reopened
    edition = client.get(f"/publications/annual/{YEAR}/files.zip")
    assert edition.headers["Content-Disposition"] == f'attachment; filename="annual-report-{YEAR}.zip"'
    assert set(zipfile.ZipFile(io.BytesIO(edition.data)).namelist()) == {
        f"annual-report-{YEAR}-{language}.{fmt}" for language in ("en", "fr", "es") for fmt in ("pdf", "docx")}
    page = f"/publications/annual/?year={YEAR}"
    refused = post_form(client, f"{edit}/delete", {}, token_from=page, follow_redirects=True)
    assert "Le rapport annuel est publié : rouvrez-le d’abord pour le corriger." in html.unescape(
        refused.get_data(as_text=True))
    assert post_form(client, f"/publications/annual/{YEAR}", {"foreword_fr": "Changé"},
                     token_from=page).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(AnnualChapter.id)) == chapter_id  # nothing changed
        assert db.session.scalar(select(AnnualReport.foreword_fr)) == "Avant-propos."
    assert post_form(client, f"/publications/annual/{YEAR}/reopen", {}, token_from=page).status_code == 302
    assert post_form(client, f"{edit}/delete", {}, token_from=page).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(AnnualChapter.id)) is None
        assert db.session.scalar(select(AnnualReport.status)) == "draft"
    assert post_form(client, f"/publications/annual/{YEAR}/reopen", {}, token_from=page).status_code == 404


def _secrets_of(app) -> set[str]:
    """Every name and detail that must never be published: restricted defenders, defenders who did not consent
    (unless another, publishable defender has the same name), and everyone's contact details."""
    with app.app_context():
        defenders = db.session.scalars(select(Defender)).all()
        publishable = {d.name for d in defenders if d.consent_to_publish and d.confidentiality != "restricted"}
        secret = {d.name for d in defenders if (d.confidentiality == "restricted" or not d.consent_to_publish)
                  and d.name not in publishable}
        details = {value for d in defenders for value in (d.phone, d.email, d.address) if value and len(value) > 6}
        return {value for value in secret | details if value}


def test_nothing_confidential_in_any_language_or_format(app, make_user, tmp_path):
    """Demo data (full of restricted records and people who did not consent) plus our own restricted case,
    mission, advocacy action and grant: the report of the year, in every language and format, names none."""
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo-data", "--scale", "1"]).exit_code == 0
    with app.app_context():  # the demo shows editors' work too
        assert db.session.scalar(select(AnnualReport).where(AnnualReport.year == YEAR - 1)).chapters
    coordinator = make_user("coordinator")
    hidden = add_defender(app, "Zeynep Gizlioğlu", confidentiality="restricted", phone="+90 555 918 2734",
                          address="Gizli Sokak 5, Kadıköy", publication_name="Z. G.")
    secret_case = add_case(app, coordinator, title="Detention of Zeynep Gizlioğlu", defenders=(hidden,),
                           confidentiality="restricted", verified=True)
    publish(app, add_action(app, secret_case, coordinator, title_en="Restricted appeal on Z. G."),
            coordinator)
    from .plugins.advocacy.helpers import add_action as add_advocacy
    from .plugins.missions.helpers import add_mission

    add_mission(app, coordinator, title="Secret visit to Leyla Örnekçi", confidentiality="restricted",
                start=date(YEAR, 2, 1), end=date(YEAR, 2, 3), status="closed")
    advocacy = add_advocacy(app, coordinator, title="Restricted letter on Kemal Saklıgöz",
                            confidentiality="restricted", sent_on=date(YEAR, 2, 1),
                            text="Kemal Saklıgöz is held in Silivri.")
    with app.app_context():
        from plugins.advocacy.models import AdvocacyAction

        db.session.get(AdvocacyAction, advocacy).made_public_on = date(YEAR, 2, 10)
        db.session.commit()
    secrets = _secrets_of(app) | {"Zeynep", "Gizli Sokak", "Restricted appeal", "Leyla", "Kemal", "Silivri"}
    assert len(secrets) > 50  # the demo holds many
    with app.app_context():
        published = db.session.scalar(select(Action.id).where(Action.status == Action.PUBLISHED,
                                                              Action.published_at >= datetime(YEAR, 1, 1,
                                                                                              tzinfo=timezone.utc)))
        assert published is not None  # the year has public interventions to report
        beneficiaries = set(db.session.scalars(select(Defender.name).where(or_(
            Defender.consent_to_publish.is_(False), Defender.confidentiality == "restricted"))))
    for language in ("en", "fr", "es"):
        with app.test_request_context():
            document = annual.report(YEAR, language)
            outputs = {"html": documents.render(document, "html", Guard(None, external=True)).decode()}
            if language == "es":
                outputs["docx"] = "\n".join(p.text for p in ReadDocx(io.BytesIO(
                    documents.render(document, "docx", Guard(None, external=True)))).paragraphs)
                outputs["pdf"] = " ".join(_pdf_text(documents.render(document, "pdf", Guard(None, external=True)), tmp_path).split())
        for fmt, text in outputs.items():
            assert "Urgent" in text or "urgent" in text  # the report is not empty
            leaked = sorted(secret for secret in secrets if secret in text)
            assert leaked == [], (language, fmt, leaked)
    assert beneficiaries  # the demo's grant beneficiaries are among the names searched for


def test_the_year_in_figures_withholds_a_country_its_region_would_give_back(app, client, make_user):
    """Europe 8 = France 6 + Türkiye 2, the Americas 8 = Brazil 6 + Colombia 2: with the two small countries
    withheld, France and Brazil are withheld too, or each region minus its big country would give them back."""
    coordinator = make_user("coordinator")
    for country, count in (("FRA", 6), ("TUR", 2), ("COL", 2), ("BRA", 6)):
        for index in range(count):
            case_id = add_case(app, coordinator, title=f"{country} {index}", country=country)
            with app.app_context():
                case = db.session.get(Case, case_id)
                case.year, case.obs_number, case.country_number = YEAR, case_id, case_id
                db.session.commit()
    with app.test_request_context():
        document = annual.report(YEAR, "en")
    charts = {block.chart.key: block.chart for block in document.blocks if isinstance(block, documents.Figure)}
    assert dict(charts["interventions_by_region"].figures)["Europe and Central Asia"] == 8
    assert dict(charts["interventions_by_country"].figures) == {
        "France": "withheld", "Türkiye": "fewer than 5", "Colombia": "fewer than 5", "Brazil": "withheld"}
    assert given_back(list(charts.values())) == []
    login(client, coordinator)
    built = post_form(client, f"/publications/annual/{YEAR}/build", {"language": "en", "format": "html"},
                      token_from=f"/publications/annual/?year={YEAR}")
    report = html.unescape(client.get(built.location.rstrip("/") + "/download").get_data(as_text=True))
    assert "<title>France: withheld</title>" in report and "<title>Türkiye: fewer than 5</title>" in report
    assert "France: 6" not in report
