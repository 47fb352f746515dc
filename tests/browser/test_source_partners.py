"""In a real browser: registering a report, the source-partner list follows the country chosen, without saving
(the page's own script asks the JSON address; the Content-Security-Policy lets no inline script run)."""
from __future__ import annotations

import pytest

from ..conftest import PASSWORD
from ..records_helpers import add_partner

pytestmark = pytest.mark.browser


def test_the_partner_list_refills_when_the_country_changes(page, live_server, app, make_user):
    officer = make_user("case_officer")
    add_partner(app, "İnsan Hakları Derneği", country="TUR")
    add_partner(app, "Egyptian Initiative for Personal Rights", country="EGY")
    add_partner(app, "Hidden Turkish Partner", country="TUR", confidentiality="restricted")
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", officer.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.goto(f"{live_server}/interventions/new")
    partners = page.locator("select[name=source_partner]")
    assert partners.locator("option").all_inner_texts() == ["— none or not listed —"]
    assert page.locator("button[name=show_partners]").is_hidden()  # the script does its work

    page.select_option("select[name=country]", "TUR")
    page.wait_for_selector("select[name=source_partner] option:has-text('İnsan Hakları Derneği')", state="attached")
    assert partners.locator("option").all_inner_texts() == ["— none or not listed —", "İnsan Hakları Derneği"]
    partners.select_option(label="İnsan Hakları Derneği")

    page.select_option("select[name=country]", "EGY")
    page.wait_for_selector("select[name=source_partner] option:has-text('Egyptian Initiative')", state="attached")
    assert partners.locator("option").all_inner_texts() == ["— none or not listed —",
                                                            "Egyptian Initiative for Personal Rights"]
    partners.select_option(label="Egyptian Initiative for Personal Rights")
    page.fill("input[name=title]", "Arrest of a lawyer in Cairo")
    page.fill("textarea[name=description]", "Arrested at dawn.")
    page.click("input[type=submit][value=Save]")
    page.wait_for_selector("text=The case was registered.")
    assert page.outside_requests == [] and page.console_errors == []
