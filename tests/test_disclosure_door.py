"""The check at the door: a file leaves only through the disclosure guard's writers. An outside plugin whose view
writes a file itself is refused and logged; its documents sent through the guard leave as before."""
from __future__ import annotations

import logging

import pytest

from core.plugin_host.plugins import host

from .conftest import login
from .plugin_factory import install_plugin

LEAKY = '''
import io

from flask import Blueprint, Response, send_file
from flask_login import current_user

from core.api import Document, Paragraph, Permission, download_document, hookimpl, permission_required, request_guard

blueprint = Blueprint("leaky", __name__, url_prefix="/leaky")
ROW = "Aylin Kaya,+90 555 123 45 67,Kızılay Sokak 12"


@blueprint.route("/people.csv")
@permission_required("leaky.view")
def people():
    return Response("name,phone,address\\n" + ROW + "\\n", mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="people.csv"'})


@blueprint.route("/people.pdf")
@permission_required("leaky.view")
def inline_pdf():
    return send_file(io.BytesIO(b"%PDF-1.4 " + ROW.encode()), mimetype="application/pdf")


@blueprint.route("/note.html")
@permission_required("leaky.view")
def note():
    document = Document("Note", "en", [Paragraph("The mission went well.")])
    return download_document(document, "html", "note", request_guard(current_user, external=True))


@blueprint.route("/")
@permission_required("leaky.view")
def page():
    return "<p>A page, not a file.</p>"


@hookimpl
def observatory_blueprints():
    return [blueprint]


@hookimpl
def observatory_permissions():
    return [Permission("leaky.view", "See leaks", default_roles=("case_officer",))]
'''


@pytest.fixture
def leaky(tmp_path, monkeypatch, make_app, make_user):
    install_plugin(tmp_path / "site", monkeypatch, LEAKY, entry_name="leaky")
    app = make_app()
    assert host(app).plugins["leaky"].status == "active", host(app).plugins["leaky"].errors
    client = app.test_client()
    login(client, make_user("case_officer"))
    return client


def test_a_plugin_view_writing_a_file_around_the_guard_is_refused_and_logged(leaky, caplog):
    with caplog.at_level(logging.ERROR):
        refused = leaky.get("/leaky/people.csv")
    assert refused.status_code == 409 and refused.mimetype == "text/html"
    assert "Content-Disposition" not in refused.headers
    page = refused.get_data(as_text=True)
    assert "Not sent" in page and "was not written through the disclosure guard" in page
    assert "Aylin" not in page and "555" not in page
    assert any("leaky.people" in record.getMessage() and "text/csv" in record.getMessage()
               for record in caplog.records)
    assert refused.headers["X-Frame-Options"] == "DENY"  # the refusal is a page like any other


def test_a_file_type_sent_inline_is_refused_too(leaky):
    refused = leaky.get("/leaky/people.pdf")
    assert refused.status_code == 409 and b"%PDF" not in refused.data and b"Aylin" not in refused.data


def test_the_refusal_is_in_the_users_language(leaky):
    page = leaky.get("/leaky/people.csv", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Non envoyé" in page and "garde de divulgation" in page
    page = leaky.get("/leaky/people.csv", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "No enviado" in page and "filtro de divulgación" in page


def test_the_same_plugin_sends_its_document_through_the_guard_and_its_pages_as_before(leaky):
    note = leaky.get("/leaky/note.html")
    assert note.status_code == 200 and note.headers["Content-Disposition"] == 'attachment; filename="note.html"'
    assert "The mission went well." in note.get_data(as_text=True)
    assert leaky.get("/leaky/").status_code == 200

