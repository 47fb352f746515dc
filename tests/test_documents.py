"""The documents service: the same document as HTML, PDF and DOCX, accents intact in three languages."""
from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest
from docx import Document as ReadDocx
from sqlalchemy import select

from core.audit.models import AuditEntry
from core.disclosure import Guard
from core.documents import documents
from core.extensions import db

from .conftest import login, require_service
from .records_helpers import add_defender
from .support.canaries import texts_of

TEXTS = {
    "en": "Urgent appeal: arbitrary detention of the defender",
    "fr": "Appel urgent : détention arbitraire de la défenseure, à Gaziantep — « Çağlar » œuvre",
    "es": "Llamamiento urgente: detención arbitraria del niño defensor, señora Muñoz ¿por qué?",
}


def _document(language: str) -> documents.Document:
    return documents.Document(TEXTS[language], language, [
        documents.Heading("Contexte / Antecedentes"),
        documents.Paragraph(TEXTS[language]),
        documents.BulletList(("Libération immédiate", "Liberación inmediata")),
        documents.Table(("Pays", "País"), (("Türkiye", "Côte d’Ivoire"),)),
        documents.PageBreak(),
        documents.Paragraph("Página dos", emphasis=True),
    ], subtitle="Sous-titre", footer="Observatoire")


@pytest.mark.parametrize("language", sorted(TEXTS))
def test_html_and_docx_keep_every_character(app, language):
    with app.test_request_context():
        html = documents.render(_document(language), "html", Guard(None, external=True)).decode()
        docx = ReadDocx(io.BytesIO(documents.render(_document(language), "docx", Guard(None, external=True))))
    assert TEXTS[language] in html and f'<html lang="{language}">' in html
    assert "http" not in html.split("<body>")[0]  # self-contained: no outside stylesheet or font
    text = "\n".join(paragraph.text for paragraph in docx.paragraphs)
    assert TEXTS[language] in text and "Liberación inmediata" in text
    assert docx.tables[0].cell(1, 1).text == "Côte d’Ivoire"


@pytest.mark.parametrize("language", sorted(TEXTS))
def test_pdf_keeps_every_character_and_numbers_pages(app, language, tmp_path):
    require_service(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")
    with app.test_request_context():
        try:
            pdf = documents.render(_document(language), "pdf", Guard(None, external=True))
        except OSError as error:  # Pango missing: WeasyPrint cannot load
            require_service(False, f"WeasyPrint's system libraries ({error})")
    assert pdf.startswith(b"%PDF")
    (tmp_path / "out.pdf").write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "out.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert " ".join(TEXTS[language].split()) in " ".join(text.split())
    assert re.search(r"1\s*/\s*2", text) and re.search(r"2\s*/\s*2", text)  # page numbers in the margin
    assert text.count("Observatoire") == 2  # the footer once per page


def _long_report(sections: int) -> documents.Document:
    blocks: list = [documents.Contents("Contents")]
    for number in range(1, sections + 1):
        blocks += [documents.Heading(f"Section {number:03d}"), documents.Heading(f"Country {number:03d}", 3),
                   *(documents.Paragraph(f"Item {number:03d}.{line}: the defender was held without charge. " * 6)
                     for line in range(1, 9))]
    return documents.Document("Annual report", "fr", blocks, footer="Observatoire")


def _pages(pdf: bytes, tmp_path) -> list[str]:
    (tmp_path / "long.pdf").write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "long.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    return text.split("\f")[:-1]


def test_a_long_pdf_is_laid_out_in_parts_and_reads_as_one(make_app, tmp_path):
    """Past ``PDF_PART_BLOCKS`` blocks, the PDF is laid out part by part (bounded memory) and joined: the same
    text, pages numbered on from part to part, a table of contents giving the page each heading is on, and an
    outline (bookmarks) of every heading."""
    from pypdf import PdfReader

    require_service(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")
    report = _long_report(40)
    whole_app, parted_app = make_app(), make_app(PDF_PART_BLOCKS=60)
    with whole_app.test_request_context():
        whole = _pages(documents.render(report, "pdf", Guard(None, external=True)), tmp_path)
    with parted_app.test_request_context():
        data = documents.render(report, "pdf", Guard(None, external=True))
    parted = _pages(data, tmp_path)
    assert len(report.blocks) > 5 * 60 and abs(len(parted) - len(whole)) <= 6  # parts may end a page early
    flat = " ".join(" ".join(parted).split())
    assert all(f"Item {number:03d}.8:" in flat for number in range(1, 41))
    numbers = [int(re.findall(r"(\d+)\s*$", page.strip())[0]) for page in parted]
    assert numbers == list(range(1, len(parted) + 1))  # numbered on across the parts
    contents = " ".join(page for page in parted if "....." in page)  # the table of contents' pages
    for number in (1, 17, 40):  # the table of contents says where each section is, and it is there
        listed = int(re.search(rf"Section {number:03d}\s*\.+\s*(\d+)", contents).group(1))
        assert f"Section {number:03d}" in parted[listed - 1]
    reader = PdfReader(io.BytesIO(data))
    title, under_title = reader.outline  # nested as one layout would: the title, then the sections under it
    assert title.title == "Annual report" and reader.get_destination_page_number(title) == 0
    sections = [item for item in under_title if not isinstance(item, list)]
    assert [item.title for item in sections[:2]] == ["Contents", "Section 001"] and len(sections) == 41
    assert under_title[2][0].title == "Country 001"  # a country under its section
    assert "Section 040" in parted[reader.get_destination_page_number(sections[-1])]
    assert reader.metadata.title == "Annual report" and reader.trailer["/Root"]["/Lang"] == "fr"


def test_defender_file_downloads_without_personal_details_and_is_audited(app, make_user):
    defender_id = add_defender(app, "Aylin Kaya", address="12 Secret Street", summary="Arrêtée le 3 mai.")
    secret_id = add_defender(app, "Hidden", confidentiality="restricted")
    client = app.test_client()
    login(client, make_user("readonly"))
    response = client.get(f"/defenders/{defender_id}/file.docx")
    assert response.headers["Content-Disposition"] == 'attachment; filename="Aylin-Kaya.docx"'
    text = "\n".join(p.text for p in ReadDocx(io.BytesIO(response.data)).paragraphs)
    assert "Arrêtée le 3 mai." in text and "Secret Street" not in text
    html = client.get(f"/defenders/{defender_id}/file.html").get_data(as_text=True)
    assert "Aylin Kaya" in html and "Secret Street" not in html
    assert client.get(f"/defenders/{defender_id}/file.exe").status_code == 404
    assert client.get(f"/defenders/{secret_id}/file.pdf").status_code == 404
    with app.app_context():
        exports = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "export")).all()
        assert [(e.record_id, e.changes["format"]) for e in exports] == [(defender_id, "docx"), (defender_id, "html")]


def test_a_defender_file_holds_no_personal_details_typed_into_its_summary(app, make_user):
    """The file's line "Personal details are never included in printed files" holds for what was typed into the
    summary too, whoever reads it (a coordinator may see them on screen); the names the reader may see stay, even
    one that is also in her family (her cousin, a defender too)."""
    defender_id = add_defender(app, "Aylin Kaya", phone="+90 532 123 45 67", address="Atatürk Caddesi 12, Ankara",
                               family="Mehmet Yilmaz (husband), Deniz Arslan (cousin)", summary=(
                                   "Call her on 0532 123 45 67; she lives at Atatürk Caddesi 12 with her husband "
                                   "Mehmet Yilmaz. Her lawyer Deniz Arslan was threatened too."))
    add_defender(app, "Deniz Arslan", phone="+90 533 765 43 21")
    client = app.test_client()
    login(client, make_user("coordinator"))
    for fmt in ("pdf", "docx", "html"):
        response = client.get(f"/defenders/{defender_id}/file.{fmt}")
        assert response.status_code == 200, fmt
        text = " ".join(" ".join(texts_of(response.data)).split())
        assert "Aylin Kaya" in text and "Her lawyer Deniz Arslan was threatened too." in text, fmt
        assert "532" not in text and "Atatürk Caddesi" not in text and "Mehmet Yilmaz" not in text, fmt


def test_large_documents_are_built_as_a_job(app, make_user):
    from core.jobs import jobs

    with app.test_request_context():
        job = jobs.enqueue("core.documents.documents.build_document", title="Big report",
                           builder="tests.support.documents.long_report", params={"pages": 3}, fmt="docx",
                           stem="Rapport annuel")
        assert job.status == "finished", job.error
        assert job.result_filename == "Rapport-annuel.docx"
        assert "Section 3" in "\n".join(p.text for p in ReadDocx(io.BytesIO(job.result_data)).paragraphs)
