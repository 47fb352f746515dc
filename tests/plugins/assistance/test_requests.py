"""Preparing a grant request through its form: the beneficiary first, the budget in exact decimals, other
funders and the double-funding warning, bad input; the committee's page."""
from __future__ import annotations

import html
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select

from core.database.models import utcnow
from core.extensions import db
from core.records.models import Term
from plugins.assistance import services
from plugins.assistance.models import GrantRequest

from ...conftest import login, post_form
from ...records_helpers import add_defender
from .helpers import add_request, committee

EMPTY_ROWS = {f"lines-{i}-{name}": "" for i in range(1, 4) for name in ("description", "amount", "rate")} | {
    f"lines-{i}-currency": "EUR" for i in range(1, 4)} | {
    f"fundings-{i}-{name}": "" for i in range(2) for name in ("funder", "amount", "currency")} | {
    f"fundings-{i}-status": "pending" for i in range(2)}


def _type(app, key="equipment") -> int:
    with app.app_context():
        return db.session.scalar(select(Term.id).where(Term.vocabulary == "grant_types", Term.key == key))


def _valid(app, defender_id: int) -> dict:
    return {**EMPTY_ROWS, "defender_id": defender_id, "partner": "0", "grant_type": _type(app), "urgency": "normal",
            "situation": "Raid on the office; computers seized.", "justification": "To resume documenting cases.",
            "confidentiality": "restricted",
            "lines-0-description": "Laptop", "lines-0-amount": "1 234,50", "lines-0-currency": "EUR",
            "lines-1-description": "Phone", "lines-1-amount": "300", "lines-1-currency": "USD", "lines-1-rate": "0,92",
            "fundings-0-funder": "Front Line Defenders", "fundings-0-status": "granted", "fundings-0-amount": "500",
            "fundings-0-currency": "EUR"}


def _french(app, user):
    with app.app_context():
        db.session.get(type(user), user.id).locale = "fr"
        db.session.commit()


def test_staff_prepare_a_request_for_a_beneficiary_and_send_it(app, client, make_user):
    officer = make_user("case_officer")
    _french(app, officer)
    defender = add_defender(app, "Aylin Kaya", country="TUR")
    login(client, officer)
    page = html.unescape(client.get("/assistance/new?find=kaya").get_data(as_text=True))
    assert "Aylin Kaya" in page and f"/assistance/new?defender={defender}" in page
    response = post_form(client, "/assistance/new", _valid(app, defender))
    assert response.status_code == 302, html.unescape(response.get_data(as_text=True))[-3000:]
    with app.app_context():
        grant = db.session.scalar(select(GrantRequest))
        assert grant.confidentiality == "restricted" and grant.status == "draft"
        assert services.requested_total(grant) == Decimal("1234.50") + Decimal("276.00")
        assert [(f.funder, f.status) for f in grant.fundings] == [("Front Line Defenders", "granted")]
    page = html.unescape(client.get(response.location).get_data(as_text=True))
    assert "1 510,50 €" in page.replace("\u202f", " ").replace("\xa0", " ")
    assert "Un autre financeur a déjà accordé" in page
    assert post_form(client, f"/assistance/{grant.id}/submit").status_code == 302
    with app.app_context():
        assert db.session.get(GrantRequest, grant.id).status == "submitted"


def test_bad_input_is_explained_in_the_users_language_and_nothing_is_saved(app, client, make_user):
    officer = make_user("case_officer")
    _french(app, officer)
    defender = add_defender(app, "Aylin Kaya", country="TUR")
    login(client, officer)
    bad = {**_valid(app, defender), "situation": "", "lines-0-amount": "beaucoup", "lines-1-rate": "",
           "lines-2-description": "", "lines-2-amount": "12", "grant_type": "999999"}
    response = post_form(client, "/assistance/new", bad)
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert "Ce champ est obligatoire." in page and "Saisissez un nombre, par exemple 1250,50." in page
    assert "Indiquez le taux de USD vers EUR." in page and "Dites à quoi sert ce montant." in page
    assert "rien n’a été enregistré" in page
    empty = {**_valid(app, defender), "lines-0-description": "", "lines-0-amount": "", "lines-1-description": "",
             "lines-1-amount": ""}
    page = html.unescape(post_form(client, "/assistance/new", empty).get_data(as_text=True))
    assert "Indiquez au moins une ligne de budget." in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(GrantRequest)) == 0


def test_earlier_grants_to_the_same_beneficiary_are_flagged(app, client, make_user):
    officer = make_user("case_officer")
    defender = add_defender(app, "Aylin Kaya", country="TUR")
    first = add_request(app, officer, defender=defender)
    login(client, officer)
    page = html.unescape(client.get(f"/assistance/new?defender={defender}").get_data(as_text=True))
    assert "Possible double funding" in page and f"/assistance/{first}" in page


def test_the_committee_page_lists_what_waits_with_emergencies_flagged(app, make_user):
    officer = make_user("case_officer")
    normal = add_request(app, officer)
    urgent = add_request(app, officer, urgency="emergency")
    with app.app_context():
        db.session.get(GrantRequest, urgent).submitted_at = utcnow() - timedelta(hours=50)
        db.session.commit()
    member = committee(make_user, 1)[0]
    client = app.test_client()
    login(client, member)
    page = html.unescape(client.get("/assistance/committee").get_data(as_text=True))
    assert f"Request #{normal}" in page and f"Request #{urgent}" in page
    assert "emergency waiting more than 48 hours" in page and "2 days, 2 hours" in page
    app.config["PAGE_SIZE"] = 1  # the list is paginated in the database, oldest first
    first, second = (html.unescape(client.get(f"/assistance/committee?page={n}").get_data(as_text=True))
                     for n in (1, 2))
    assert f"Request #{urgent}<" in first and f"Request #{normal}<" not in first
    assert f"Request #{normal}<" in second and f"Request #{urgent}<" not in second
    app.config["PAGE_SIZE"] = 25
    post_form(client, f"/assistance/{normal}/conflict", {"has_conflict": "y"})
    page = client.get("/assistance/committee").get_data(as_text=True)
    assert f"Request #{normal}<" not in page and f"Request #{urgent}" in page
    staff = app.test_client()
    login(staff, officer)
    assert staff.get("/assistance/committee").status_code == 403


def test_supporting_documents_are_open_to_the_committee_not_to_other_staff(app, make_user):
    import io

    from core.attachments.models import Attachment

    from ...conftest import csrf_token

    officer = make_user("case_officer")
    request_id = add_request(app, officer)
    staff = app.test_client()
    login(staff, officer)
    token = csrf_token(staff, f"/assistance/{request_id}")
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    response = staff.post(f"/attachments/grant_request/{request_id}", data={
        "csrf_token": token, "description": "Police report", "file": (io.BytesIO(pdf), "police-report.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    with app.app_context():
        attachment_id = db.session.scalar(select(Attachment.id))
    member = app.test_client()
    login(member, committee(make_user, 1)[0])
    assert "police-report.pdf" in member.get(f"/assistance/{request_id}").get_data(as_text=True)
    assert member.get(f"/attachments/{attachment_id}").status_code == 200
    other = app.test_client()
    login(other, make_user("case_officer", email="other@example.org"))
    assert other.get(f"/attachments/{attachment_id}").status_code == 404


def test_outputs_about_a_request_keep_out_the_beneficiarys_personal_details(app, make_user):
    """Anything leaving about a grant request (a feed's entry, an e-mail) keeps out where the beneficiary lives,
    though it names nobody."""
    from core.disclosure import Guard

    aylin = add_defender(app, "Aylin Kaya", publication_name="A. K.", address="Atatürk Caddesi 12, Ankara")
    grant_id = add_request(app, make_user("case_officer"), defender=aylin)
    text = "Laptops to deliver at Atatürk Caddesi 12."
    with app.test_request_context():
        assert Guard(None, external=True, records=[("grant_request", grant_id)]).release(text) == \
            "Laptops to deliver at […]."
        # about nothing, the address is found all the same (core.disclosure.addresses): nobody's leaves
        assert Guard(None, external=True).release(text) == "Laptops to deliver at […]."
