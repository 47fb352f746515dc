"""The request list, a request's page and the committee page keep their number of SQL statements as requests,
votes, questions and budget lines grow."""
from __future__ import annotations

from datetime import date

from core.database.models import User
from core.extensions import db
from plugins.assistance import services
from plugins.assistance.models import GrantRequest

from ...conftest import login, post_form
from .helpers import add_request, committee


def test_pages_keep_their_statement_count(app, make_user, count_queries):
    officer = make_user("coordinator")
    members = committee(make_user, 8)
    first = add_request(app, officer)
    client = app.test_client()
    login(client, members[0])
    paths = ["/assistance/", "/assistance/?status=submitted&urgency=normal", f"/assistance/{first}",
             "/assistance/committee", f"/assistance/{first}/history"]

    def grow(start: int, stop: int) -> None:
        """More requests, and more declarations and votes on the first one."""
        for i in range(start, stop):
            add_request(app, officer, urgency="emergency" if i % 2 else "normal")
        with app.app_context():
            for member in members[1 + start:1 + stop][:2]:
                user = db.session.get(User, member.id)
                services.declare(first, user, False)
                services.vote(first, user, "abstain", f"Comment {member.id}")

    def counts():
        found = {}
        for path in paths:
            client.get(path)
            with count_queries() as statements:
                assert client.get(path).status_code == 200, path
            found[path] = len(statements)
        return found

    grow(0, 1)
    few = counts()
    grow(1, 31)
    with app.app_context():
        assert db.session.get(GrantRequest, first).status == "submitted" and len(
            db.session.get(GrantRequest, first).votes) == 3
    many = counts()
    assert many == few, {p: (few[p], many[p]) for p in paths}
    # The request page reads the request with its creator and its four short lists (budget lines, other funders,
    # decisions, payments) joined, the committee's three lists (votes, declarations, questions) one query each, the view's
    # audit row, the committee, the beneficiary's other requests, the attachments and the assigned staff: 10, as
    # every main page; its history has its own page.
    assert max(many.values()) <= 10, many


def test_an_approved_grants_page_reads_its_payments_with_the_request(app, make_user, count_queries):
    """An approved grant's payments are joined to the request: its page stays at ten statements with one payment
    or several (it read them apart, an eleventh)."""
    officer, chair = make_user("case_officer"), make_user("coordinator", email="chair@example.org")
    request_id = add_request(app, officer, amount="8000.00")
    for member in committee(make_user, 3):
        voter = app.test_client()
        login(voter, member)
        post_form(voter, f"/assistance/{request_id}/conflict", {})
        post_form(voter, f"/assistance/{request_id}/vote", {"choice": "approve"})
    lead = app.test_client()
    login(lead, chair)
    path = f"/assistance/{request_id}"
    payment = {"paid_on": date.today().isoformat(), "currency": "EUR", "method": "bank_transfer"}

    def pay(amount: str) -> None:
        assert post_form(lead, f"{path}/payments", {**payment, "amount": amount,
                                                    "reference": f"Transfer {amount}"}).status_code == 302

    def statements() -> int:
        lead.get(path)
        with count_queries() as sent:
            page = lead.get(path).get_data(as_text=True)
        assert 'id="payment-list"' in page
        return len(sent)

    pay("1000")
    one = statements()
    pay("1500")
    pay("2000")
    page = lead.get(path).get_data(as_text=True)
    assert all(f"Transfer {amount}" in page for amount in ("1000", "1500", "2000"))
    assert statements() == one <= 10, one
