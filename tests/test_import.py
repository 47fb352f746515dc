"""Imports: a row-by-row report in the user's language, all or nothing, no silent new terms."""
from __future__ import annotations

import html
import io

from openpyxl import Workbook
from sqlalchemy import func, select

from core.extensions import db
from core.records.models import Defender, Partner, Term

from .conftest import csrf_token, login
from .records_helpers import add_defender

GOOD_CSV = """name,kind,country,aliases,rights,risk,confidentiality,consent,publication_name
Aylin Kaya,person,TUR,Aylin K.,expression|women,high,internal,no,A. K.
Colectivo de Abogados,organisation,COL,,labour,medium,public,yes,
"""


def _send(client, content: bytes, filename: str, kind: str = "defender"):
    return client.post("/import/", data={"csrf_token": csrf_token(client, "/import/"), "kind": kind,
                                         "file": (io.BytesIO(content), filename)}, content_type="multipart/form-data")


def _count(app, model=Defender):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _confirm(client, preview_page: str):
    token = preview_page.split('name="token" type="hidden" value="')[1].split('"')[0]
    response = client.post("/import/confirm", data={"csrf_token": csrf_token(client, "/import/"), "token": token})
    assert response.status_code == 302
    return client.get(response.location).get_data(as_text=True), token


def test_a_valid_csv_is_previewed_then_imported(app, make_user):
    coordinator = make_user("coordinator")
    client = app.test_client()
    login(client, coordinator)
    preview = _send(client, GOOD_CSV.encode(), "defenders.csv")
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "2 rows are ready to import." in page
    assert _count(app) == 0  # nothing saved before confirming
    job_page, token = _confirm(client, page)
    assert "Finished" in job_page
    with app.app_context():
        aylin = db.session.scalar(select(Defender).where(Defender.name == "Aylin Kaya"))
        assert (aylin.country.alpha3, aylin.risk_level, aylin.publication_name) == ("TUR", "high", "A. K.")
        assert sorted(t.key for t in aylin.rights) == ["expression", "women"] and aylin.alias_list == ["Aylin K."]
        assert aylin.created_by_id == coordinator.id
    again = client.post("/import/confirm", data={"csrf_token": csrf_token(client, "/import/"), "token": token})
    assert again.status_code == 404  # one file, imported once


def test_every_problem_is_reported_by_row_and_column_and_nothing_is_saved(app, make_user):
    client = app.test_client()
    login(client, make_user("coordinator"))
    terms_before = _count(app, Term)
    bad = (GOOD_CSV + "Chen Wei,person,XYZ,,water_rights,extreme,internal,maybe,\n"
           ",person,FRA,,,low,internal,yes,\n").encode()
    response = _send(client, bad, "defenders.csv")
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422 and "nothing was imported" in page
    rows = [line for line in page.split("<tr>")[2:]]
    assert any("<td>4</td>" in row and "country" in row and "not an ISO alpha-3" in row for row in rows)
    assert any("<td>4</td>" in row and "rights" in row and "an administrator must add it first" in row for row in rows)
    assert any("<td>4</td>" in row and "risk" in row and "“extreme” is not one of" in row for row in rows)
    assert any("<td>4</td>" in row and "consent" in row and "Write yes or no." in row for row in rows)
    assert any("<td>5</td>" in row and "name" in row and "This value is required." in row for row in rows)
    assert _count(app) == 0 and _count(app, Term) == terms_before


def test_the_report_speaks_the_users_language(app, make_user):
    client = app.test_client()
    login(client, make_user("coordinator"))
    client.post("/language", data={"csrf_token": csrf_token(client, "/account/"), "locale": "es"})
    page = html.unescape(_send(client, b"name,country\nX,QQQ\n", "d.csv").get_data(as_text=True))
    assert "no es un código de país ISO alfa-3" in page


def test_missing_and_unknown_columns_are_reported(app, make_user):
    client = app.test_client()
    login(client, make_user("coordinator"))
    page = html.unescape(_send(client, b"nom,pays\nA,FRA\n", "d.csv").get_data(as_text=True))
    assert "This column is missing." in page and "Unknown column" in page


def test_xlsx_partners_with_semicolon_free_cells(app, make_user):
    book = Workbook()
    sheet = book.active
    sheet.append(["name", "acronym", "country", "network"])
    sheet.append(["Kenya Human Rights Network", "KHRN", "KEN", "Pan-African Network"])
    buffer = io.BytesIO()
    book.save(buffer)
    client = app.test_client()
    login(client, make_user("coordinator"))
    preview = _send(client, buffer.getvalue(), "partners.xlsx", kind="partner").get_data(as_text=True)
    _confirm(client, preview)
    assert _count(app, Partner) == 1


def test_semicolon_csv_and_duplicate_warning_in_preview(app, make_user):
    add_defender(app, "José Núñez")
    client = app.test_client()
    login(client, make_user("coordinator"))
    page = _send(client, "name;country;consent\nJose Nunez;COL;yes\n".encode(), "d.csv").get_data(as_text=True)
    assert "1 row is ready to import." in page and "Some rows look like records that already exist" in page


def test_unreadable_files_and_permissions(app, make_user):
    client = app.test_client()
    login(client, make_user("coordinator"))
    assert "could not be read" in _send(client, b"PK\x03\x04garbage", "x.xlsx").get_data(as_text=True)
    assert "UTF-8" in _send(client, "name\nJosé\n".encode("latin-1"), "x.csv").get_data(as_text=True)
    officer = app.test_client()
    login(officer, make_user("case_officer"))
    assert officer.get("/import/").status_code == 403
