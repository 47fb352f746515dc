"""A member of staff's first minutes, in a real browser: French, a form error, login, search, logout."""
from __future__ import annotations

import time

import pyotp
import pytest

from ..conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_log_in_in_french_search_and_log_out(page, live_server, make_user):
    admin = make_user("admin", name="Ana Admin", totp=True)
    make_user("case_officer", name="Bruno Officer")

    page.goto(f"{live_server}/")
    assert page.url.startswith(f"{live_server}/login")

    page.click("#language-menu")
    page.click("button[data-locale=fr]")
    page.wait_for_selector("h1:has-text('Se connecter')")

    page.click("input[type=submit]")  # empty form
    assert page.locator(".invalid-feedback", has_text="Ce champ est obligatoire.").count() == 2

    page.fill("input[name=email]", admin.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("h1:has-text('Authentification à deux facteurs')")
    page.fill("input[name=code]", pyotp.TOTP(admin.totp_secret).now())
    page.click("input[type=submit]")
    page.wait_for_selector("text=Bienvenue, Ana Admin")

    page.fill("#nav-search", "bruno")
    page.press("#nav-search", "Enter")
    page.wait_for_selector("#search-results")
    assert page.locator("#search-results a", has_text="Bruno Officer").count() == 1
    assert "1 résultat" in page.content()

    page.click("#user-menu")
    page.click("#logout")
    page.wait_for_selector("text=Vous êtes déconnecté·e.")
    page.goto(f"{live_server}/admin/users")
    assert "/login" in page.url

    assert page.outside_requests == []
    assert page.console_errors == []  # a CSP violation would be reported here


def test_job_page_shows_progress_and_download(page, live_server, make_user):
    admin = make_user("admin", totp=True)
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", admin.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.fill("input[name=code]", pyotp.TOTP(admin.totp_secret).at(time.time()))
    page.click("input[type=submit]")
    page.goto(f"{live_server}/admin/users")
    page.click("text=Export (CSV)")
    page.wait_for_selector("#job-download")
    assert page.locator("#job-progress").inner_text().strip() == "100 %"
    with page.expect_download() as download:
        page.click("#job-download")
    assert download.value.suggested_filename == "users.csv"
    assert page.outside_requests == [] and page.console_errors == []
