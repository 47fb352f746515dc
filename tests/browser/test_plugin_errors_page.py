"""In a real browser, on a phone (390 px): an admin reads the plugin errors every process recorded, in each
language, without anything overflowing the screen, and clears one."""

from __future__ import annotations

import pyotp
import pytest

from core.database.models import PluginFailure
from core.extensions import db

from ..conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_an_admin_reads_and_clears_plugin_errors_on_a_phone(page, live_server, app, make_user, tmp_path):
    with app.app_context():
        db.session.add_all([
            PluginFailure(process_kind="worker", plugin="observatory_weather_alerts_for_missions",
                          hook="observatory_annual_report_sections", host="worker-node-7.internal.example.org",
                          pid=123456, count=42,
                          message="LookupError: " + "no forecast for the region of the mission " * 8),
            PluginFailure(process_kind="cli", plugin="broken", hook="(loading)", host="box", pid=1,
                          message="could not be imported: ModuleNotFoundError: No module named 'requests_oauthlib'"),
        ])
        db.session.commit()
    admin = make_user("admin", totp=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", admin.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.fill("input[name=code]", pyotp.TOTP(admin.totp_secret).now())
    page.click("input[type=submit]")

    page.goto(f"{live_server}/admin/plugins")
    for language, kind in (("fr", "Exécuteur de tâches"), ("es", "Ejecutor de tareas"), ("en", "Job worker")):
        with page.expect_navigation():  # the language menu (folded away on a phone)
            page.evaluate(f"document.querySelector('button[data-locale={language}]').click()")
        errors = page.locator("#plugin-errors").inner_text()
        assert kind in errors and "no forecast for the region" in errors and "requests_oauthlib" in errors
        page.screenshot(path=str(tmp_path / f"plugin-errors-{language}-390.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, (language, page.evaluate(
            "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 390 && !e.closest('.table-responsive'))"
            ".slice(0, 8).map(e => e.tagName + '#' + e.id + '.' + e.className + ' ' + e.textContent.slice(0, 40))"))
    assert "While loading the plugin" in errors

    page.click("#plugin-errors li:has-text('broken') button:has-text('Clear')")
    page.wait_for_selector("text=The error of broken was cleared.")
    assert "requests_oauthlib" not in page.locator("#plugin-errors").inner_text()
    assert page.console_errors == [] and page.outside_requests == []
