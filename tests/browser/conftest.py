"""A live server in a thread and Debian's Chromium driven by Playwright (never a downloaded browser)."""
from __future__ import annotations

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from ..conftest import require_service

CHROMIUM = os.environ.get("OBSERVATORY_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
# Forms with errors answer 422 on purpose; Chromium logs that as a console error.
FORM_ERROR_STATUS = "status of 422 (UNPROCESSABLE ENTITY)"


@pytest.fixture
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def browser():
    require_service(shutil.which(CHROMIUM) is not None or os.path.exists(CHROMIUM), f"Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    """A page that records every request leaving the app's origin and every console error."""
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.outside_requests = []
    page.console_errors = []
    page.on("request", lambda request: None if request.url.startswith((live_server, "data:"))
            else page.outside_requests.append(request.url))
    page.on("console", lambda message: page.console_errors.append(message.text)
            if message.type == "error" and not message.text.endswith(FORM_ERROR_STATUS) else None)
    page.set_default_timeout(10_000)
    yield page
    context.close()
