"""In a real browser: register a defender, meet the duplicate warning, attach a file, read the timeline."""
from __future__ import annotations

from pathlib import Path

import pytest

from ..conftest import PASSWORD
from ..plugin_factory import install_plugin
from ..records_helpers import add_defender

pytestmark = pytest.mark.browser

TIMELINE = '''
from datetime import date
from core.plugin_host.contributions import TimelineEntry
from core.plugin_host.hookspecs import hookimpl

@hookimpl
def observatory_defender_timeline(defender_id, user):
    return [TimelineEntry(date(2026, 5, 3), "appeal", "Urgent appeal TUR 001 / 0526 / OBS 041")]
'''


@pytest.fixture
def app(tmp_path, monkeypatch, make_app):
    install_plugin(tmp_path / "site", monkeypatch, TIMELINE, entry_name="appeals")
    return make_app()


def test_register_a_defender_with_duplicate_warning_attachment_and_timeline(page, live_server, app, make_user,
                                                                            tmp_path):
    officer = make_user("case_officer", name="Olga Officer")
    add_defender(app, "Aylin Kaya", country="TUR")
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", officer.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.click("text=Defenders")
    page.click("text=Register a defender")

    page.fill("input[name=name]", "Aylin Kaya")
    page.select_option("select[name=country]", "TUR")
    page.fill("input[name=publication_name]", "A. K.")
    page.check("text=Freedom of expression and information")
    page.click("input[type=submit][value=Save]")
    warning = page.locator("#duplicate-warning")
    assert warning.is_visible() and "Aylin Kaya" in warning.inner_text()

    page.click("input[type=submit][value=Save]")  # a namesake: the officer checked, and saves again
    page.wait_for_selector("text=Aylin Kaya was registered.")
    assert "Urgent appeal TUR 001 / 0526 / OBS 041" in page.locator("#timeline").inner_text()

    document = tmp_path / "court-decision.pdf"
    document.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    page.set_input_files("input[name=file]", str(document))
    page.fill("input[name=description]", "Decision of the court")
    page.click("input[type=submit][value=Attach]")
    page.wait_for_selector("text=court-decision.pdf was attached.")
    with page.expect_download() as download:
        page.click("#attachments a")
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    assert page.outside_requests == [] and page.console_errors == []
