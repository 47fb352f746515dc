"""In a real browser: a dossier whose cover paragraph names a protected defender in a form that may be someone
else's shows the hit on the dossier's preflight step; the builds wait until it is decided and justified, then
the dossier is built with the decision applied. Looked at on a phone (390 px) too."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document as ReadDocx

from ..conftest import PASSWORD
from ..records_helpers import add_defender

pytestmark = pytest.mark.browser


def test_the_preflight_refuses_the_build_until_the_ambiguous_name_is_decided(page, live_server, app, make_user,
                                                                             tmp_path):
    officer = make_user("case_officer")
    add_defender(app, "Ana Castro Ruiz", country="COL", publication_name="A. C. R.")
    add_defender(app, "Luis Castro", country="COL", consent_to_publish=True)
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", officer.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.goto(f"{live_server}/advocacy/dossiers/new")
    page.select_option("select[name=mechanism]", index=1)
    page.select_option("select[name=country]", "COL")
    page.fill("textarea[name=cover_note]", "We met Luis Castro. Castro asked us to write to you about CASTRO RUIZ, Ana.")
    page.click("button:has-text('Preview')")
    page.click("#check-dossier")  # the dossier's preflight step
    preflight = page.locator("#preflight")
    waiting = preflight.locator("#preflight-waiting")
    assert "Castro" in waiting.locator("mark").first.inner_text()
    assert "someone this output may name has the same name" in waiting.inner_text()
    page.click("#preflight-masked summary")
    assert "CASTRO RUIZ, Ana" in page.locator("#preflight-masked").inner_text()  # certain: masked, no question
    build = page.locator("#preflight-build button:has-text('DOCX')")
    assert build.is_disabled()
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(tmp_path / "preflight-390.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 900})

    page.click("#keep-decisions")
    assert "Decide each highlighted name or detail" in page.locator("#build-refused").inner_text()
    page.check("#preflight-waiting input[value=other]")
    page.click("#keep-decisions")
    assert "Say why you decided as you did" in page.locator("#build-refused").inner_text()
    page.check("#preflight-waiting input[value=other]")
    page.fill("#disclose_reason", "Castro alone here is Luis, who consented.")
    page.click("#keep-decisions")
    assert "Your decisions were kept in the audit trail" in page.locator(".alert-success").inner_text()
    page.click("#preflight-build button:has-text('DOCX')")
    page.wait_for_selector("#job-download")
    with page.expect_download() as download:
        page.click("#job-download")
    text = "\n".join(p.text for p in ReadDocx(io.BytesIO(Path(download.value.path()).read_bytes())).paragraphs)
    assert "We met Luis Castro. Castro asked us to write to you about A. C. R." in text
    assert "Ana" not in text and "RUIZ" not in text
    assert page.outside_requests == [] and page.console_errors == []
