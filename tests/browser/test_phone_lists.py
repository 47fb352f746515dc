"""At 390 × 844, as on a phone, the main lists never scroll sideways (their rows become cards), the list's
primary action stays on the screen, and the filters fold behind one button saying how many are on."""
from __future__ import annotations

import pytest

from ..conftest import PASSWORD
from ..plugins.interventions.helpers import add_case
from ..records_helpers import add_defender, add_partner

pytestmark = pytest.mark.browser

LISTS = ["/defenders/", "/partners/", "/interventions/", "/interventions/authorities/", "/missions/", "/assistance/",
         "/advocacy/"]


def test_main_lists_fit_a_phone_and_keep_their_primary_action_in_sight(page, live_server, app, make_user):
    admin = make_user("coordinator", name="Carmen Coordinatrice")
    for number in range(3):
        defender = add_defender(app, f"Aylin Kaya-Demiröz Uzunoğlu {number}", publication_name="A. K.")
        add_partner(app, f"İnsan Hakları Derneği Diyarbakır Şubesi {number}")
        add_case(app, admin, title=f"Arbitrary detention of a human rights lawyer in Diyarbakır {number}",
                 defenders=(defender,))
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", admin.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    for path in LISTS:
        page.goto(f"{live_server}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (path, width)
        primary = page.locator("main a.btn-primary, main .btn-primary").first
        if primary.count():
            box = primary.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 390, (path, box)
    page.goto(f"{live_server}/interventions/?status=open&verification=pending&sort=-received")
    fold = page.locator("details.filters-fold")
    assert fold.locator("summary").inner_text() == "Filters: 2"  # the sort order is no filter
    assert not page.locator("form[data-filters] select[name=status]").is_visible()  # the cases come first
    fold.locator("summary").click()
    assert page.locator("form[data-filters] select[name=status]").is_visible()
    page.set_viewport_size({"width": 1280, "height": 844})  # on a laptop, the filters stay open
    page.goto(f"{live_server}/defenders/")
    assert page.locator("details.filters-fold").count() == 0
    assert page.locator("form[data-filters] select[name=country]").is_visible()
    assert page.outside_requests == [] and page.console_errors == []


def test_no_page_reached_from_the_dashboard_scrolls_sideways_on_a_phone(page, live_server, app, make_user):
    """With the demo's data, in French (longer words), every page a coordinator reaches from the dashboard fits
    390 px: tables of a record's page scroll inside themselves, titles and badges wrap."""
    from ..conftest import login
    from ..test_page_markup import main_pages

    with app.app_context():
        assert app.test_cli_runner().invoke(args=["demo-data", "--scale", "1"]).exit_code == 0
    walker = app.test_client()
    coordinator = make_user("coordinator", name="Carmen Coordinatrice", locale="fr")
    login(walker, coordinator)
    pages = [path for path in main_pages(app, walker)  # pages, not files to download
             if "attachment" not in walker.get(path).headers.get("Content-Disposition", "")]
    assert len(pages) > 30
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", coordinator.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    wide = []
    for path in pages:
        page.goto(f"{live_server}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            wide.append((path, width))
    assert wide == [], wide


def test_the_focus_is_seen_on_the_dark_menu_and_the_language_menu_says_what_it_shows(page, live_server, make_user):
    """Keyboard users see where they are on the menu (a solid outline, not Bootstrap's faint ring), and the language
    menu's accessible name begins with what it shows ("FR"), as speech users say it."""
    user = make_user("case_officer", locale="fr")
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.focus("#language-menu")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle + ' ' + "
                            "getComputedStyle(document.activeElement).outlineWidth")
    assert page.evaluate("() => document.activeElement.id") == "language-menu" and outline == "solid 3px"
    name = page.locator("#language-menu").inner_text()
    assert name.startswith("FR") and "Langue : Français" in page.locator("#language-menu").text_content()
