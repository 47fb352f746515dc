"""Exports of lists: the requester's view only, with links, without personal details, audited."""
from __future__ import annotations

import csv
import io

from openpyxl import load_workbook
from sqlalchemy import select

from core.audit.models import AuditEntry
from core.extensions import db

from .conftest import login, post_form
from .records_helpers import add_defender, add_partner


def _download(client, response):
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    page = client.get(response.location).get_data(as_text=True)
    url = page.split('id="job-download" href="')[1].split('"')[0]
    return client.get(url)


def test_csv_export_follows_filters_and_visibility_with_links(app, make_user):
    officer = make_user("case_officer")
    add_defender(app, "Aylin Kaya", address="12 Secret Street")
    add_defender(app, "Chen Wei", country="CHN")
    add_defender(app, "Hidden Person", confidentiality="restricted")
    client = app.test_client()
    login(client, officer)
    response = _download(client, post_form(client, "/defenders/export", {"format": "csv", "region": "",
                                                                         "sort": "name"}))
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert [row["name"] for row in rows] == ["Aylin Kaya", "Chen Wei"]
    assert rows[0]["link"].startswith("http://127.0.0.1:5000/defenders/")
    assert "12 Secret Street" not in response.get_data(as_text=True)
    filtered = _download(client, post_form(client, "/defenders/export", {"format": "csv", "country": "CHN"}))
    assert "Aylin" not in filtered.get_data(as_text=True) and "Chen Wei" in filtered.get_data(as_text=True)
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "export")).all()
        assert [(e.user_id, e.record_type, e.changes["rows"]) for e in entries] == [
            (officer.id, "defender", 2), (officer.id, "defender", 1)]


def test_xlsx_export_of_partners(app, make_user):
    add_partner(app, "Kenya Human Rights Network", network="Pan-African Network")
    client = app.test_client()
    login(client, make_user("coordinator"))
    response = _download(client, post_form(client, "/partners/export", {"format": "xlsx"}))
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = list(sheet.values)
    assert values[0][:3] == ("id", "name", "acronym")
    assert values[1][1] == "Kenya Human Rights Network" and values[1][-1].startswith("http://")


def test_export_needs_the_permission_and_a_known_format(app, make_user):
    reader, officer = app.test_client(), app.test_client()
    login(reader, make_user("readonly"))
    login(officer, make_user("case_officer"))
    assert post_form(reader, "/defenders/export", {"format": "csv"}).status_code == 403
    assert "Export (CSV)" not in reader.get("/defenders/").get_data(as_text=True)
    assert post_form(officer, "/defenders/export", {"format": "exe"}).status_code == 400
