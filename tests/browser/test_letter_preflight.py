"""In a real browser: a letter to the authorities whose text names a protected defender by a surname that is
also a common word opens on its preflight: the hit is highlighted in context, the build buttons wait; the
officer decides it with a reason, and the letter is built with the decision applied. Looked at on a phone
(390 px) and a desktop (1280 px), in English, French and Spanish."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from core.database.models import User
from core.extensions import db
from core.records.models import Country
from plugins.interventions.models import Action, Authority

from ..conftest import PASSWORD
from ..plugins.interventions.helpers import add_action, add_case
from ..records_helpers import add_defender

pytestmark = pytest.mark.browser
WORDS = {"en": ("Check and build", "Keep these decisions", "Left out, and why"),
         "fr": ("Vérifier et produire", "Conserver ces décisions", "Laissé de côté, et pourquoi"),
         "es": ("Verificar y generar", "Guardar estas decisiones", "Lo que queda fuera, y por qué")}


def _letter(app, make_user) -> tuple[User, int]:
    coordinator = make_user("coordinator", name="Carmen Coordinator")
    add_defender(app, "Rosa Blanco", country="TUR", publication_name="R. B.")
    case_id = add_case(app, coordinator, verified=True)
    action_id = add_action(app, case_id, coordinator, body_en=(
        "Our observers met the lawyers at the Blanco building in Ankara, where Rosa Blanco was not allowed to speak "
        "to her client."))
    with app.app_context():
        turkey = db.session.scalar(select(Country).where(Country.alpha3 == "TUR"))
        minister = Authority(country=turkey, office_en="Minister of Justice", salutation_en="Your Excellency,",
                             address_en="06659 Ankara")
        action = db.session.get(Action, action_id)
        action.authorities.append(minister)
        db.session.commit()
    return coordinator, action_id


def _log_in(page, live_server, user: User) -> None:
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")


def _look(page, tmp_path: Path, name: str) -> None:
    for width, height in ((390, 844), (1280, 900)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(tmp_path / f"{name}-{width}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)


def test_a_letter_shows_its_preflight_waits_for_the_decision_then_builds(page, live_server, app, make_user, tmp_path):
    coordinator, action_id = _letter(app, make_user)
    _log_in(page, live_server, coordinator)
    page.goto(f"{live_server}/interventions/actions/{action_id}")
    page.click("#addressees a:has-text('Check and build')")

    waiting = page.locator("#preflight-waiting")
    assert waiting.locator("mark").first.inner_text() == "Blanco"
    assert "lawyers at the Blanco building in Ankara" in waiting.inner_text()
    assert "it is also a common word" in waiting.inner_text()
    page.click("#preflight-masked summary")
    assert "R. B." in page.locator("#preflight-masked").inner_text()  # her full name: masked, no question
    assert "Defenders who did not consent" in page.locator("#left-out").inner_text()
    build = page.locator("#preflight-build button:has-text('PDF')")
    assert build.is_disabled()
    _look(page, tmp_path, "letter-preflight-en")

    page.click("#keep-decisions")  # nothing chosen: said, nothing kept
    assert "Decide each highlighted name or detail" in page.locator("#build-refused").inner_text()
    page.check("#preflight-waiting input[value=other]")
    page.fill("#disclose_reason", "The building is named after a poet.")
    page.click("#keep-decisions")
    assert "Your decisions were kept in the audit trail" in page.locator(".alert-success").inner_text()
    assert page.locator("#preflight-waiting input[value=other]").is_checked()
    assert not build.is_disabled()
    _look(page, tmp_path, "letter-decided-en")
    with page.expect_download() as download:
        build.click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    with page.expect_download() as download:
        page.click("#preflight-build button:has-text('HTML')")
    letter = Path(download.value.path()).read_text()
    assert "at the Blanco building" in letter and "R. B. was not allowed" in letter and "Rosa" not in letter
    assert page.outside_requests == [] and page.console_errors == []


@pytest.mark.parametrize("language", ["fr", "es"])
def test_the_letters_preflight_in_french_and_spanish(page, live_server, app, make_user, tmp_path, language):
    coordinator, action_id = _letter(app, make_user)
    with app.app_context():
        db.session.get(User, coordinator.id).locale = language
        db.session.commit()
    _log_in(page, live_server, coordinator)
    page.goto(f"{live_server}/interventions/actions/{action_id}")
    link, keep, left_out = WORDS[language]
    page.click(f"#addressees a:has-text('{link}')")
    assert page.locator("#keep-decisions").inner_text() == keep
    assert left_out in page.locator("#left-out").inner_text()
    assert page.locator("#preflight-build button:has-text('PDF')").is_disabled()
    _look(page, tmp_path, f"letter-preflight-{language}")
    page.goto(f"{live_server}/interventions/actions/{action_id}/letter/1/en.pdf")  # forced: refused, in her words
    assert page.locator("#back-to-preflight").count() == 1
    _look(page, tmp_path, f"letter-refused-{language}")
