"""In a real browser, on a phone (390 px): an officer finds an intervention case from a mission's "records
concerned" panel, links it, and sees it listed on the mission's page, where nothing overflows the screen."""

from __future__ import annotations

import pytest

from ..conftest import PASSWORD
from ..plugins.interventions.helpers import add_case
from ..plugins.missions.helpers import add_mission

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
