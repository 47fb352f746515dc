"""The grants' money: yearly envelopes that approvals cannot exceed, payments in instalments never above the
grant, and the beneficiary's report closing the grant."""
from __future__ import annotations

import html
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from core.database.models import utcnow
from core.extensions import db
from plugins.assistance import services
from plugins.assistance.models import GrantRequest, Payment

from ...conftest import login, post_form
from .helpers import add_request, committee, set_budget


def _vote_through(app, make_user, request_id: int, members=None) -> None:
    for member in members or committee(make_user, 3):
        client = app.test_client()
        login(client, member)
        post_form(client, f"/assistance/{request_id}/conflict", {})
        post_form(client, f"/assistance/{request_id}/vote", {"choice": "approve"})


def _status(app, request_id: int) -> str:
    with app.app_context():
        return db.session.get(GrantRequest, request_id).status


def test_an_approval_beyond_the_envelope_waits_until_it_is_raised(app, make_user):
    officer, chair = make_user("case_officer"), make_user("coordinator", email="chair@example.org")
    first = add_request(app, officer, amount="3000.00", budget="4000")
    second = add_request(app, officer, amount="1500.00", budget=None)
    members = committee(make_user, 3)
    _vote_through(app, make_user, first, members)
    assert _status(app, first) == "approved"
    _vote_through(app, make_user, second, members)
    assert _status(app, second) == "submitted"  # 3,000 allocated of 4,000: 1,500 does not fit
    lead = app.test_client()
    login(lead, chair)
    page = html.unescape(lead.get(f"/assistance/{second}").get_data(as_text=True))
    assert "budget has €1,000.00 left for this grant, less than €1,500.00" in page
    budget = html.unescape(lead.get("/assistance/budget").get_data(as_text=True))
    assert "€4,000.00" in budget and "€3,000.00" in budget and "€1,000.00" in budget
    response = post_form(lead, "/assistance/budget", {"year": str(utcnow().year), "grant_type": "0", "amount": "5000"})
    assert response.status_code == 302
    assert _status(app, second) == "approved"  # counted again as the envelope was raised: no button needed
    # The committee decided it, not the coordinator whose new envelope let the count go through.
    with app.app_context():
        grant = db.session.get(GrantRequest, second)
        assert [(d.kind, d.decided_by_id) for d in grant.decisions] == [("committee", None)]
        assert grant.events[-1].status == "approved" and grant.events[-1].by_id is None
    history = html.unescape(lead.get(f"/assistance/{second}/history").get_data(as_text=True)).split('id="history"')[1]
    assert "Approved · the committee (3 for, 0 against, 0 abstaining)" in history and chair.name not in history
    response = post_form(lead, f"/assistance/{second}/recount")
    assert response.status_code == 422 and "The vote on this request is over" in response.get_data(as_text=True)


def test_the_chair_cannot_approve_beyond_the_envelope_of_the_type(app, make_user):
    request_id = add_request(app, make_user("case_officer"), urgency="emergency", grant_type="relocation")
    set_budget(app, "800", grant_type="relocation")
    lead = app.test_client()
    login(lead, make_user("coordinator"))
    response = post_form(lead, f"/assistance/{request_id}/decision", {"outcome": "approved", "amount": "900",
                                                                      "reason": "Imminent arrest"})
    assert response.status_code == 422
    assert "less than €900.00: a coordinator must raise the envelope first." in html.unescape(
        response.get_data(as_text=True))
    assert _status(app, request_id) == "submitted"


def test_without_any_budget_nothing_is_approved(app, make_user):
    request_id = add_request(app, make_user("case_officer"), budget=None, urgency="emergency")
    lead = app.test_client()
    login(lead, make_user("coordinator"))
    response = post_form(lead, f"/assistance/{request_id}/decision", {"outcome": "approved", "amount": "100"})
    assert response.status_code == 422 and "No budget is set for" in response.get_data(as_text=True)


def test_payments_in_instalments_then_the_report_closes_the_grant(app, make_user):
    officer, chair = make_user("case_officer"), make_user("coordinator", email="chair@example.org")
    request_id = add_request(app, officer, amount="8000.00")
    _vote_through(app, make_user, request_id)
    lead = app.test_client()
    login(lead, chair)
    payment = {"paid_on": date.today().isoformat(), "currency": "EUR", "method": "bank_transfer",
               "reference": "IBAN TR00 0000", "report_due_on": (date.today() - timedelta(days=1)).isoformat()}
    response = post_form(lead, f"/assistance/{request_id}/payments", {**payment, "amount": "8000"})
    assert response.status_code == 422  # above 5,000 the grant is paid in instalments
    assert "paid in instalments: at most half of the grant at once" in response.get_data(as_text=True)
    assert post_form(lead, f"/assistance/{request_id}/payments", {**payment, "amount": "4000"}).status_code == 302
    response = post_form(lead, f"/assistance/{request_id}/payments", {**payment, "amount": "4100", "currency": "USD"})
    assert response.status_code == 422 and "Give the rate from USD to EUR." in response.get_data(as_text=True)
    response = post_form(lead, f"/assistance/{request_id}/payments", {**payment, "amount": "4000.01"})
    assert response.status_code == 422 and "would exceed the amount granted" in response.get_data(as_text=True)
    assert post_form(lead, f"/assistance/{request_id}/payments", {**payment, "amount": "4347.83", "currency": "USD",
                                                                  "rate": "0.92"}).status_code == 302
    with app.app_context():
        grant = db.session.get(GrantRequest, request_id)
        assert services.paid_amount(grant) == Decimal("8000.00")  # 4,347.83 × 0.92 = 4,000.0036 → 4,000.00
        assert db.session.scalar(select(func.count()).select_from(Payment)) == 2
    page = html.unescape(lead.get(f"/assistance/{request_id}").get_data(as_text=True))
    assert "overdue" in page and "IBAN TR00 0000" in page
    member = app.test_client()
    login(member, make_user("committee", email="late@example.org"))
    assert "IBAN" not in member.get(f"/assistance/{request_id}").get_data(as_text=True)  # restricted details
    staff = app.test_client()
    login(staff, officer)
    response = post_form(staff, f"/assistance/{request_id}/close-grant", {"received_on": ""})
    assert response.status_code == 422
    assert post_form(staff, f"/assistance/{request_id}/close-grant",
                     {"received_on": date.today().isoformat()}).status_code == 302
    assert _status(app, request_id) == "closed"
    budget = html.unescape(lead.get("/assistance/budget").get_data(as_text=True))
    assert "€8,000.00" in budget  # allocated and paid


def test_bad_envelope_input_is_refused(app, make_user):
    lead = app.test_client()
    login(lead, make_user("coordinator"))
    response = post_form(lead, "/assistance/budget", {"year": "1899", "grant_type": "0", "amount": "-5"})
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert "Give a year such as 2027." in page and "Enter an amount greater than zero." in page
    staff = app.test_client()
    login(staff, make_user("case_officer"))
    assert staff.get("/assistance/budget").status_code == 403


def test_admins_set_a_ceiling_per_grant_type_that_requests_and_decisions_respect(app, make_user):
    from .test_requests import _valid

    admin = app.test_client()
    login(admin, make_user("admin"))
    with app.app_context():
        from core.records.models import Term

        legal = db.session.scalar(select(Term.id).where(Term.vocabulary == "grant_types", Term.key == "legal_fees"))
    assert post_form(admin, "/assistance/budget", {"form": "ceiling", "grant_type": legal,
                                                   "amount": "2000"}).status_code == 302
    assert "€2,000.00" in admin.get("/assistance/budget").get_data(as_text=True)
    lead = app.test_client()
    login(lead, make_user("coordinator", email="lead@example.org"))
    response = post_form(lead, "/assistance/budget", {"form": "ceiling", "grant_type": legal, "amount": "9000"})
    assert response.status_code == 403  # coordinators set envelopes, admins ceilings
    officer = make_user("case_officer", email="officer@example.org")
    staff = app.test_client()
    login(staff, officer)
    from ...records_helpers import add_defender

    data = {**_valid(app, add_defender(app, "Aylin Kaya", country="TUR")), "grant_type": legal,
            "lines-0-amount": "1,234.50", "lines-1-rate": "0.92"}  # written the English way, as the user reads
    response = post_form(staff, "/assistance/new", data)  # 1,234.50 + 300 × 0.92 = 1,510.50: under the ceiling
    assert response.status_code == 302
    data["lines-2-description"], data["lines-2-amount"] = "Appeal", "600"
    response = post_form(staff, "/assistance/new", data)
    assert response.status_code == 422
    assert "€2,110.50 is above the ceiling of €2,000.00 for this type of grant." in response.get_data(as_text=True)
    french = app.test_client()
    login(french, make_user("case_officer", email="agent@example.org", locale="fr"))
    data.update({"lines-0-amount": "1 234,50", "lines-1-rate": "0,92"})  # typed the French way
    page = html.unescape(post_form(french, "/assistance/new", data).get_data(as_text=True))
    assert "2\u202f110,50\xa0€" in page and "2\u202f000,00\xa0€" in page  # French amounts, in euros
