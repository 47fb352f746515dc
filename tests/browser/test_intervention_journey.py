"""In a real browser, in French: a report becomes a verified case, its urgent appeal is drafted, blocked
while it names a defender without consent, approved, published with its code, and the letter downloaded."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from core.database.models import User
from core.extensions import db
from plugins.interventions.models import Authority

from ..conftest import PASSWORD
from ..records_helpers import add_defender, add_partner

pytestmark = pytest.mark.browser


def _setup(app, make_user):
    coordinator = make_user("coordinator", name="Carmen Coordinatrice")
    add_defender(app, "Aylin Kaya", country="TUR", publication_name="A. K.")
    add_partner(app, "İnsan Hakları Derneği", country="TUR")
    with app.app_context():
        db.session.get(User, coordinator.id).locale = "fr"
        from sqlalchemy import select

        from core.records.models import Country

        turkey = db.session.scalar(select(Country).where(Country.alpha3 == "TUR"))
        db.session.add(Authority(country=turkey, office_fr="Ministre de la Justice",
                                 salutation_fr="Monsieur le Ministre,", address_fr="06659 Ankara"))
        db.session.commit()
    return coordinator


def test_from_report_to_published_appeal_in_french(page, live_server, app, make_user):
    coordinator = _setup(app, make_user)
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", coordinator.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.click("nav >> text=Interventions")
    page.click("text=Enregistrer un signalement")

    page.fill("input[name=title]", "Arrestation d'une avocate à Izmir")
    page.select_option("select[name=country]", "TUR")
    page.fill("textarea[name=description]", "Elle a été arrêtée à l'aube.")
    page.check("text=Arrestation et détention arbitraires")
    page.click("input[type=submit][value=Enregistrer]")
    page.wait_for_selector("text=Le cas a été enregistré.")

    page.fill("#find", "kaya")
    page.click("button:has-text('Chercher')")
    page.click("#found-defenders button:has-text('Lier')")
    assert "publier comme « A. K. »" in page.locator("#case-defenders").inner_text()

    today = date.today().isoformat()
    page.click("text=Enregistrer une consultation")
    page.select_option("select[name=partner]", label="İnsan Hakları Derneği")
    page.fill("input[name=consulted_on]", today)
    page.click("input[type=submit][value='Enregistrer la consultation']")
    page.click("#verification a:has-text('Enregistrer la décision')")
    assert "İnsan Hakları Derneği" in page.locator("#consultations").inner_text()  # what the partners said
    page.fill("input[name=decided_on]", today)
    page.click("input[type=submit][value='Enregistrer la décision']")
    page.wait_for_selector("text=Vérification : Vérifié")

    page.click("text=Rédiger une action")
    page.fill("input[name=title_fr]", "Turquie : détention arbitraire d'une avocate")
    page.fill("textarea[name=body_fr]", "L'Observatoire a été informé de la détention de Mme Aylin Kaya.")
    page.fill("textarea[name=requested_fr]", "Libérer immédiatement l'avocate.")
    page.click("input[type=submit][value=Enregistrer]")
    assert "Aylin Kaya → A. K." in page.locator("#consent-warning").inner_text()
    assert "Anglais, Espagnol" in page.locator("#missing-languages").inner_text()
    page.click("text=Modifier")
    page.fill("textarea[name=body_fr]", "L'Observatoire a été informé de la détention de Mme A. K., avocate.")
    page.click("input[type=submit][value=Enregistrer]")
    assert page.locator("#consent-warning").count() == 0

    page.click("button:has-text('Envoyer en relecture')")
    page.click("button:has-text('Approuver')")
    page.check("text=Ministre de la Justice")
    page.click("input[type=submit][value='Enregistrer les destinataires']")
    page.click("button:has-text('Publier')")
    flash = page.locator(".alert-success").first.inner_text()
    assert re.search(r"Référence : TUR 001 / \d{4} / OBS 001", flash), flash
    assert page.locator("#action-status").inner_text() == "Publiée"

    page.click("#addressees a:has-text('Vérifier et produire')")  # the letter's preflight: nothing to decide
    assert page.locator("#preflight-clear, #preflight-masked").count() >= 1
    with page.expect_download() as download:
        page.click("#preflight-build button:has-text('PDF')")
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    assert page.outside_requests == [] and page.console_errors == []
