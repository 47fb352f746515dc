"""Attachments: type checked by content, size limit, random stored names, checked downloads."""
from __future__ import annotations

import hashlib
import io
from pathlib import Path

from sqlalchemy import select

from core.attachments.models import Attachment
from core.audit.models import AuditEntry
from core.extensions import db

from .conftest import csrf_token, login, post_form
from .records_helpers import add_defender

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 32


def _upload(client, defender_id, content, filename, description="", path=None):
    token = csrf_token(client, f"/defenders/{defender_id}")
    return client.post(path or f"/attachments/defender/{defender_id}", data={
        "csrf_token": token, "description": description, "file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data", follow_redirects=True)


def _files_on_disk(app) -> list[Path]:
    folder = Path(app.instance_path) / "attachments"
    return list(folder.iterdir()) if folder.exists() else []


def _stored(app):
    with app.app_context():
        rows = db.session.scalars(select(Attachment)).all()
        db.session.expunge_all()
        return rows


def test_attach_a_pdf_and_download_it_as_a_file(app, make_user):
    officer = make_user("case_officer")
    defender_id = add_defender(app, "Aylin Kaya", assignees=(officer.id,))
    client = app.test_client()
    login(client, officer)
    page = _upload(client, defender_id, PDF, "court decision.pdf", "Decision of 3 May").get_data(as_text=True)
    assert "court_decision.pdf was attached." in page and "Decision of 3 May" in page
    [attachment] = _stored(app)
    assert attachment.sha256 == hashlib.sha256(PDF).hexdigest() and attachment.size == len(PDF)
    stored = Path(app.instance_path) / "attachments" / attachment.stored_name
    assert stored.read_bytes() == PDF and "court" not in attachment.stored_name
    response = client.get(f"/attachments/{attachment.id}")
    assert response.data == PDF
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_attachments_card_lists_each_file_newest_first_with_its_details(app, make_user):
    officer = make_user("case_officer", name="Olga Officer")
    defender_id = add_defender(app, "Aylin Kaya", assignees=(officer.id,))
    client = app.test_client()
    login(client, officer)
    _upload(client, defender_id, PDF, "first.pdf", "The first")
    _upload(client, defender_id, PNG, "second.png")
    card = client.get(f"/defenders/{defender_id}").get_data(as_text=True).split('id="attachments"')[1]
    card = card.split("</ul>")[0]
    assert card.index("second.png") < card.index("first.pdf")
    first = card.split("first.pdf")[1]
    assert "Olga Officer" in first and "The first" in first and hashlib.sha256(PDF).hexdigest()[:16] in first
    assert "0 KB · " in first  # a 45-byte file, rounded to a tenth of a KB


def test_a_disguised_executable_is_refused(app, make_user):
    defender_id = add_defender(app, "Aylin Kaya")
    client = app.test_client()
    login(client, make_user("case_officer"))
    page = _upload(client, defender_id, b"MZ\x90\x00\x03" + b"\x00" * 500, "photo.jpg").get_data(as_text=True)
    assert "This type of file is not accepted" in page
    page = _upload(client, defender_id, b"\x7fELF" + b"\x00" * 200, "notes.txt").get_data(as_text=True)
    assert "This type of file is not accepted" in page
    assert _stored(app) == [] and _files_on_disk(app) == []


def test_the_real_type_decides_the_extension(app, make_user):
    defender_id = add_defender(app, "Aylin Kaya")
    client = app.test_client()
    login(client, make_user("case_officer"))
    _upload(client, defender_id, PNG, "report.pdf")
    assert [(a.name, a.mimetype) for a in _stored(app)] == [("report.png", "image/png")]


def test_an_oversized_file_is_refused_and_nothing_is_left(make_app, make_user):
    app = make_app(ATTACHMENT_MAX_BYTES=1024)
    defender_id = add_defender(app, "Aylin Kaya")
    client = app.test_client()
    login(client, make_user("case_officer"))
    page = _upload(client, defender_id, PDF + b"0" * 5000, "big.pdf").get_data(as_text=True)
    assert "larger than" in page
    assert _stored(app) == [] and _files_on_disk(app) == []


def test_a_path_traversal_name_stays_a_plain_name(app, make_user):
    defender_id = add_defender(app, "Aylin Kaya")
    client = app.test_client()
    login(client, make_user("case_officer"))
    _upload(client, defender_id, b"plain text notes\n", "../../../etc/passwd")
    [attachment] = _stored(app)
    assert attachment.name == "etc_passwd.txt" and "/" not in attachment.stored_name
    assert not Path("/etc/passwd.txt").exists()


def test_downloads_follow_the_records_permissions(app, make_user):
    assigned, other, reader = make_user("case_officer"), make_user("case_officer"), make_user("readonly")
    secret_id = add_defender(app, "Hidden", confidentiality="restricted", assignees=(assigned.id,))
    client = app.test_client()
    login(client, assigned)
    _upload(client, secret_id, PDF, "secret.pdf")
    [attachment] = _stored(app)
    for user in (other, reader):
        outsider = app.test_client()
        login(outsider, user)
        assert outsider.get(f"/attachments/{attachment.id}").status_code == 404
    assert client.get(f"/attachments/{attachment.id}").status_code == 200
    with app.app_context():
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.record_type == "attachment",
                                                          AuditEntry.action == "view")) is not None


def test_readers_cannot_attach_or_remove(app, make_user):
    defender_id = add_defender(app, "Aylin Kaya")
    officer, reader = app.test_client(), app.test_client()
    login(officer, make_user("case_officer"))
    login(reader, make_user("readonly"))
    _upload(officer, defender_id, PDF, "a.pdf")
    [attachment] = _stored(app)
    assert reader.get(f"/attachments/{attachment.id}").status_code == 200  # readers may read
    token = csrf_token(reader, f"/defenders/{defender_id}")
    response = reader.post(f"/attachments/defender/{defender_id}", data={
        "csrf_token": token, "file": (io.BytesIO(PDF), "b.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 403
    assert post_form(reader, f"/attachments/{attachment.id}/delete").status_code == 403
    assert post_form(officer, f"/attachments/{attachment.id}/delete").status_code == 302
    assert _stored(app) == [] and _files_on_disk(app) == []


def test_unknown_record_types_and_missing_files(app, make_user):
    client = app.test_client()
    login(client, make_user("admin"))
    assert post_form(client, "/attachments/spaceship/1").status_code == 404
    assert client.get("/attachments/12345").status_code == 404


NOTES_PLUGIN = '''
from flask import Blueprint
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column
from core.plugin_host.contributions import Permission, RecordType
from core.extensions import db
from core.plugin_host.hookspecs import hookimpl
from core.web.permissions import permission_required

class Note(db.Model):
    __tablename__ = "notes_note"
    __record_type__ = "note"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    confidentiality: Mapped[str] = mapped_column(String(20), default="internal")

blueprint = Blueprint("notes", __name__, url_prefix="/notes")

@blueprint.route("/<int:note_id>")
@permission_required("notes.view")
def show(note_id):
    return "note"

@hookimpl
def observatory_blueprints():
    return [blueprint]

@hookimpl
def observatory_permissions():
    return [Permission("notes.view", "See notes", default_roles=("readonly", "case_officer")),
            Permission("notes.edit", "Edit notes", default_roles=("case_officer",))]

@hookimpl
def observatory_record_types():
    return [RecordType("note", Note, "Note", "notes.view", "notes.edit", "notes.show", "note_id")]
'''


def test_hook_observatory_record_types(tmp_path, monkeypatch, make_app, make_user):
    """A plugin's own record type takes attachments, under the plugin's permissions."""
    from .plugin_factory import install_plugin

    install_plugin(tmp_path / "site", monkeypatch, NOTES_PLUGIN, entry_name="notes")
    app = make_app()
    note_table = db.metadata.tables["notes_note"]
    with app.app_context():
        note_table.create(db.engine)
        db.session.execute(note_table.insert().values(id=1, name="Call log", confidentiality="internal"))
        db.session.commit()
    try:
        officer, reader = app.test_client(), app.test_client()
        login(officer, make_user("case_officer"))
        login(reader, make_user("readonly"))
        token = csrf_token(officer, "/account/")
        response = officer.post("/attachments/note/1", data={"csrf_token": token, "file": (io.BytesIO(PDF), "n.pdf")},
                                content_type="multipart/form-data")
        assert response.status_code == 302 and response.location == "/notes/1"
        [attachment] = _stored(app)
        assert (attachment.record_type, attachment.record_id) == ("note", 1)
        assert reader.get(f"/attachments/{attachment.id}").status_code == 200
        token = csrf_token(reader, "/account/")
        refused = reader.post("/attachments/note/1", data={"csrf_token": token, "file": (io.BytesIO(PDF), "n.pdf")},
                              content_type="multipart/form-data")
        assert refused.status_code == 403
    finally:
        with app.app_context():
            note_table.drop(db.engine)
        db.metadata.remove(note_table)


MARKUP_FILES = [
    (b"<!DOCTYPE html><html><body><script>fetch('/defenders')</script></body></html>", "photo.png"),
    (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'><circle r='4'/></svg>", "logo.png"),
    (b"\xef\xbb\xbf  \n<?xml version='1.0'?><note><script>alert(1)</script></note>", "notes.txt"),
    (b"Minutes of the meeting\n" * 2000 + b"<ScRipt>alert(1)</script>\n", "minutes.txt"),  # far past 8 KiB
]


def test_markup_is_refused_whatever_its_name_and_wherever_it_is(app, make_user):
    """HTML, SVG and XML are refused as markup, named as a picture or a text, at the start or deep in a text."""
    defender_id = add_defender(app, "Aylin Kaya")
    client = app.test_client()
    login(client, make_user("case_officer"))
    for content, name in MARKUP_FILES:
        page = _upload(client, defender_id, content, name).get_data(as_text=True)
        assert "holds web page markup (HTML, SVG or XML), which is never accepted" in page, name
    assert _stored(app) == [] and _files_on_disk(app) == []


def test_a_text_must_be_text_throughout(app, make_user):
    """The whole file is read, not its first 8 KiB: a NUL or a byte that is not UTF-8 further on refuses it; a
    character cut between two reads is still text."""
    defender_id = add_defender(app, "Aylin Kaya")
    client = app.test_client()
    login(client, make_user("case_officer"))
    for tail in (b"\x00\x01\x02binary", b"caf\xe9 in Latin-1"):
        page = _upload(client, defender_id, b"a" * 20_000 + tail, "notes.txt").get_data(as_text=True)
        assert "This file is not plain text throughout" in page
    assert _stored(app) == [] and _files_on_disk(app) == []
    accents = b"a" * 8191 + "é".encode() + b" Aylin parle de l\xe2\x80\x99appel\n" * 40_000  # 'é' across the cut
    page = _upload(client, defender_id, accents, "notes.txt").get_data(as_text=True)
    assert "notes.txt was attached." in page
    [attachment] = _stored(app)
    assert attachment.size == len(accents) and attachment.mimetype == "text/plain"


def test_an_upload_over_the_request_limit_gets_the_same_message_on_its_form(app, make_user):
    """Over ``MAX_CONTENT_LENGTH`` (20 MB) the request is refused before it is read (413): the user is back on the
    form with the same "larger than 15 MB" as a 16 MB file gets, in their language; nothing is kept."""
    defender_id = add_defender(app, "Aylin Kaya")
    client = app.test_client()
    login(client, make_user("case_officer", locale="fr"))
    token = csrf_token(client, f"/defenders/{defender_id}")
    big = b"%PDF-1.4\n" + b"0" * (16 * 2**20)
    page = _upload(client, defender_id, big, "dossier.pdf").get_data(as_text=True)
    assert "Le fichier dépasse 15 Mo." in page
    for size, claimed in ((21 * 2**20, None), (1024, str(200 * 2**20))):  # 21 MB sent; 200 MB announced
        response = client.post(f"/attachments/defender/{defender_id}", data={
            "csrf_token": token, "file": (io.BytesIO(b"%PDF-1.4\n" + b"0" * size), "dossier.pdf")},
            content_type="multipart/form-data", headers={"Referer": f"http://localhost/defenders/{defender_id}"},
            environ_overrides={"CONTENT_LENGTH": claimed} if claimed else None)
        assert (response.status_code, response.location) == (303, f"/defenders/{defender_id}")
        page = client.get(response.location).get_data(as_text=True)
        assert "Le fichier dépasse 15 Mo." in page and "Error 413" not in page
    without_form = client.post(f"/attachments/defender/{defender_id}", data=b"0" * (21 * 2**20),
                               content_type="application/octet-stream")
    assert without_form.status_code == 413 and "Le fichier dépasse 15 Mo." in without_form.get_data(as_text=True)
    assert _stored(app) == [] and _files_on_disk(app) == []
