"""In a real browser: a case officer submits a grant request for a defender whose office was raided, and
three committee members log in, declare no conflict and vote it through."""
from __future__ import annotations

import pyotp
import pytest

from ..conftest import PASSWORD
from ..plugins.assistance.helpers import set_budget
from ..records_helpers import add_defender

pytestmark = pytest.mark.browser


def _log_in(page, live_server, user):
    page.wait_for_load_state("networkidle")  # the last page's answer may still be setting the session cookie
    page.context.clear_cookies()
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    if user.totp_secret:  # committee members use two-factor authentication
        page.fill("input[name=code]", pyotp.TOTP(user.totp_secret).now())
        page.click("input[type=submit]")


def test_a_request_is_submitted_and_voted_through_by_three_members(page, live_server, app, make_user):
    officer = make_user("case_officer", name="Olga Officer")
    members = [make_user("committee", email=f"member{i}@example.org", name=f"Member {i}") for i in range(3)]
    add_defender(app, "Aylin Kaya", country="TUR")
    set_budget(app, "20000")

    _log_in(page, live_server, officer)
    page.click("nav >> text=Assistance")
    page.click("text=New request")
    page.fill("#find", "kaya")
    page.click("button:has-text('Find')")
    page.click("#found-beneficiaries a:has-text('Choose')")
    page.select_option("select[name=grant_type]", label="Replacement of equipment (destroyed or seized)")
    page.fill("textarea[name=situation]", "Police raided her office and seized the computers.")
    page.fill("textarea[name=justification]", "She cannot document cases without them.")
    page.fill("input[name='lines-0-description']", "Two laptops")
    page.fill("input[name='lines-0-amount']", "1800")
    page.fill("input[name='lines-1-description']", "Encrypted phone")
    page.fill("input[name='lines-1-amount']", "450")
    page.select_option("select[name='lines-1-currency']", "USD")
    page.click("input[type=submit][value=Save]")
    assert "Give the rate from USD to EUR." in page.content()
    assert page.input_value("input[name='lines-0-description']") == "Two laptops"  # nothing lost
    page.fill("input[name='lines-1-rate']", "0.92")
    page.click("input[type=submit][value=Save]")
    assert page.locator("#request-total").inner_text() == "€2,214.00"
    page.click("button:has-text('Send to the committee')")
    page.wait_for_selector(".alert-success >> text=The request is before the committee.")
    request_url = page.url

    for number, member in enumerate(members):
        _log_in(page, live_server, member)
        page.click("nav >> text=Assistance")
        page.click("text=Committee")
        page.click("#waiting a")
        page.wait_for_url(request_url)
        page.click("#declare-form input[type=submit]")
        page.select_option("#vote-form select[name=choice]", "approve")
        page.fill("#vote-form textarea[name=comment]", f"Agreed ({number + 1})")
        page.click("#vote-form input[type=submit]")
        page.wait_for_selector(".alert-success >> text=Your vote was recorded")  # before the next member logs in
        if number < 2:
            assert page.locator("#request-status").inner_text() == "Before the committee"
    assert page.locator("#request-status").inner_text() == "Approved"
    decisions = page.locator("#decisions").inner_text()
    assert "Committee vote: Approved" in decisions and "€2,214.00" in decisions and "3 for, 0 against" in decisions
    assert page.outside_requests == [] and page.console_errors == []


def test_a_committee_of_three_with_one_conflict_decides_with_the_default_rules(page, live_server, app, make_user):
    """Quorum 3 by default, one member in conflict: the quorum falls to the two who may vote, and their two
    approvals decide, credited to the committee."""
    from ..plugins.assistance.helpers import add_request

    officer = make_user("case_officer", name="Olga Officer")
    members = [make_user("committee", email=f"member{i}@example.org", name=f"Member {i}") for i in range(3)]
    request_id = add_request(app, officer, assignees=(officer.id,), amount="1200.00")
    request_url = f"{live_server}/assistance/{request_id}"

    _log_in(page, live_server, members[0])
    page.goto(request_url)
    page.check("#declare-form input[name=has_conflict]")
    page.fill("#declare-form textarea[name=note]", "She is my cousin.")
    page.click("#declare-form input[type=submit]")
    page.wait_for_selector("text=You declared a conflict of interest: you do not vote on this request.")
    assert "of 2 members who may vote (quorum: 2)" in page.locator("#tally").inner_text()
    assert "the quorum falls to the members who may vote" in page.locator("#vote-rule").inner_text()

    for number, member in enumerate(members[1:]):
        _log_in(page, live_server, member)
        page.goto(request_url)
        page.click("#declare-form input[type=submit]")
        page.select_option("#vote-form select[name=choice]", "approve")
        page.click("#vote-form input[type=submit]")
        page.wait_for_selector(".alert-success >> text=Your vote was recorded")
        if number == 0:
            assert page.locator("#request-status").inner_text() == "Before the committee"
    assert page.locator("#request-status").inner_text() == "Approved"
    decisions = page.locator("#decisions").inner_text()
    assert "Committee vote: Approved" in decisions and "by the committee" in decisions
    assert "2 for, 0 against, 0 abstaining" in decisions
    page.click("#history-link")
    history = page.locator("#history").inner_text()
    assert "Approved · the committee (2 for, 0 against, 0 abstaining)" in history and "Member 2" not in history
    assert page.outside_requests == [] and page.console_errors == []
