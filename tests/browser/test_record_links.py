"""In a real browser, on a phone (390 px): an officer finds an intervention case from a mission's "records
concerned" panel, links it, and sees it listed on the mission's page, where nothing overflows the screen; then
finds a partner organisation, links it with its role, and removes it again (the core's partner links)."""

from __future__ import annotations

import pytest

from ..conftest import PASSWORD
from ..plugins.interventions.helpers import add_case
from ..plugins.missions.helpers import add_mission
from ..records_helpers import add_partner

pytestmark = pytest.mark.browser


def test_a_case_is_linked_to_a_mission_on_a_phone(page, live_server, app, make_user, tmp_path):
    officer = make_user("case_officer", name="Olga Officer")
    add_case(app, officer, title="Arrest of the Izmir lawyers")
    mission_id = add_mission(app, officer, title="Trial observation in Izmir")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", officer.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.goto(f"{live_server}/missions/{mission_id}")

    page.fill("#find-record", "izmir")
    page.click("form[role=search][action$='/find'] button")
    assert "Arrest of the Izmir lawyers" in page.locator("#found-records").inner_text()
    page.screenshot(path=str(tmp_path / "find-record-390.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.click("#found-records button:has-text('Link')")
    page.wait_for_selector("#linked-records")
    assert page.url.endswith(f"/missions/{mission_id}#records")
    assert "Arrest of the Izmir lawyers" in page.locator("#linked-records").inner_text()
    assert page.locator("#linked-records button:has-text('Remove')").count() == 1
    page.screenshot(path=str(tmp_path / "mission-records-390.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.console_errors == [] and page.outside_requests == []

    add_partner(app, "Izmir Bar Association", country="TUR")
    page.fill("#find-partner", "izmir bar")
    page.click("form[role=search][action$='#partners'] button")
    found = page.locator("#found-partners")
    assert "Izmir Bar Association" in found.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    found.locator("input[name=role]").fill("Host")
    found.locator("button:has-text('Link')").click()
    page.wait_for_selector("#mission-partners")
    assert page.url.endswith(f"/missions/{mission_id}#partners")
    assert "Izmir Bar Association is now linked." in page.content()
    assert "Host" in page.locator("#mission-partners").inner_text()
    page.screenshot(path=str(tmp_path / "mission-partners-390.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.click("#mission-partners button:has-text('Remove')")
    page.wait_for_selector("text=Izmir Bar Association is no longer linked.")
    assert page.locator("#mission-partners").count() == 0
    assert page.console_errors == [] and page.outside_requests == []
