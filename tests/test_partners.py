"""Partner organisations: registered through the form, contacts kept confidential, restricted ones hidden."""
from __future__ import annotations

import html
import re

from sqlalchemy import select

from core.audit.models import AuditEntry
from core.extensions import db
from core.records.models import Partner

from .conftest import login, post_form
from .records_helpers import add_partner

VALID = {"name": "Kenya Human Rights Network", "acronym": "KHRN", "country": "KEN", "network": "Pan-African Network",
         "description": "Verifies reports in East Africa.", "confidentiality": "internal",
         "contacts": "Wanjiru M. — director — w@example.org"}


def test_case_officer_registers_a_partner(app, client, make_user):
    login(client, make_user("case_officer"))
    response = post_form(client, "/partners/new", VALID)
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "Kenya Human Rights Network" in page and "Pan-African Network" in page and "Kenya" in page
    assert "Wanjiru" not in page  # contacts are masked
    with app.app_context():
        partner = db.session.scalar(select(Partner))
        assert (partner.acronym, partner.name_key) == ("KHRN", "human kenya network rights")
        assert db.session.scalar(select(AuditEntry.record_type).where(AuditEntry.action == "create")) == "partner"


def test_bad_input_is_explained_and_nothing_is_saved(app, client, make_user):
    login(client, make_user("case_officer"))
    response = post_form(client, "/partners/new", {**VALID, "name": "", "country": "XXX", "confidentiality": "secret"})
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert "This field is required." in page and page.count("Not a valid choice") == 2
    with app.app_context():
        assert db.session.scalar(select(Partner)) is None


def test_list_filters_by_network_and_region(app, client, make_user):
    login(client, make_user("readonly"))
    add_partner(app, "Kenya Human Rights Network", network="Pan-African Network")
    add_partner(app, "Colectivo de Abogados", country="COL", network="Latin American Network")
    page = client.get("/partners/?network=Latin American Network").get_data(as_text=True)
    assert "Colectivo de Abogados" in page and "Kenya" not in page.split('id="partners"')[1]
    assert "Kenya Human Rights Network" in client.get("/partners/?region=africa").get_data(as_text=True)


def test_network_filter_offers_the_networks_of_visible_partners_only(app, client, make_user):
    officer = make_user("case_officer")
    login(client, officer)
    for name, network in (("A", "Zeta Network"), ("B", "Alpha Network"), ("C", "Zeta Network"), ("D", "")):
        add_partner(app, f"Partner {name}", network=network)
    add_partner(app, "Hidden", network="Secret Network", confidentiality="restricted")
    add_partner(app, "Mine", network="Own Network", confidentiality="restricted", assignees=(officer.id,))
    page = client.get("/partners/").get_data(as_text=True)
    select_html = page[page.index('id="f-network"'):page.index("</select>", page.index('id="f-network"'))]
    assert re.findall(r"<option(?: selected)?>([^<]+)</option>", select_html) == [
        "Alpha Network", "Own Network", "Zeta Network"]


def test_restricted_partner_and_contacts(app, make_user):
    assigned, reader = make_user("case_officer"), make_user("readonly")
    partner_id = add_partner(app, "Secret Shelter", confidentiality="restricted", assignees=(assigned.id,),
                             contacts="Safe house keeper +000")
    reader_client, officer_client = app.test_client(), app.test_client()
    login(reader_client, reader)
    login(officer_client, assigned)
    assert reader_client.get(f"/partners/{partner_id}").status_code == 404
    assert "Secret Shelter" not in reader_client.get("/search?q=shelter").get_data(as_text=True)
    assert "Secret Shelter" in officer_client.get("/search?q=shelter").get_data(as_text=True)
    revealed = post_form(officer_client, f"/partners/{partner_id}/reveal", {"reason": "call them"})
    assert "Safe house keeper" in revealed.get_data(as_text=True)
