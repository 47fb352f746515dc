"""In a real browser, in Spanish: a case officer records a request for precautionary measures to the
Inter-American Commission, sees what the body still requires, links the beneficiary with her consent, sends
it, records the answer, and exports the Spanish dossier on Colombia for the Commission."""
from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest

from core.database.models import User
from core.extensions import db

from ..conftest import PASSWORD
from ..records_helpers import add_defender

pytestmark = pytest.mark.browser
IACHR = "Organización de los Estados Americanos — Comisión Interamericana de Derechos Humanos: medidas cautelares"


def test_a_request_for_precautionary_measures_and_the_spanish_dossier(page, live_server, app, make_user):
    officer = make_user("case_officer", name="Camila Oficial")
    add_defender(app, "Ana Pérez Restrepo", country="COL", publication_name="A. P. R.")
    with app.app_context():
        db.session.get(User, officer.id).locale = "es"
        db.session.commit()
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", officer.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.click("nav >> text=Incidencia")
    page.click("text=Nueva acción")

    page.select_option("select[name=mechanism]", label=IACHR)
    page.select_option("#action-type", "precautionary_measures")
    assert page.locator("textarea[name=measures]").is_visible()
    assert not page.locator("textarea[name=perpetrators]").is_visible()  # a communication's element, not this one
    page.fill("input[name=title]", "Medidas cautelares para A. P. R.")
    page.select_option("select[name=country]", "COL")
    page.select_option("select[name=language]", "ru")  # not a working language of the Commission
    page.fill("textarea[name=urgency]", "Amenazas de muerte tras su liberación; su casa fue vigilada.")
    page.click("input[type=submit][value=Guardar]")
    assert "Este mecanismo trabaja en: español, inglés, portugués, francés." in page.content()
    assert page.input_value("textarea[name=urgency]").startswith("Amenazas de muerte")  # nothing lost
    page.select_option("select[name=language]", "es")
    page.fill("textarea[name=measures]", "Protección acordada con la beneficiaria.")
    page.select_option("select[name=state_informed]", "yes")
    page.click("input[type=submit][value=Guardar]")
    page.wait_for_selector("#action-state")
    missing = page.locator("#sending #missing").inner_text()
    assert "Personas propuestas como beneficiarias" in missing and "Consentimiento" in missing

    page.fill("#find", "perez")
    page.click("#defenders ~ form button:has-text('Buscar')")
    page.click("#found-defenders button:has-text('Vincular')")
    page.select_option("#action-defenders select[name=consent]", "given")
    page.click("#action-defenders button:has-text('Registrar')")
    page.wait_for_selector("#action-defenders .badge:has-text('Consintió')")
    assert page.locator("#sending #missing").count() == 0
    sent_on = date.today() - timedelta(days=10)
    page.fill("#sending input[name=sent_on]", sent_on.isoformat())
    page.fill("#sending input[name=reference]", "MC-812-26")
    page.click("#sending input[type=submit]")
    page.wait_for_selector("#action-state:has-text('Enviada el')")
    page.select_option("#answers select[name=kind]", "measures_granted")
    page.fill("#answers input[name=received_on]", date.today().isoformat())
    page.fill("#answers textarea[name=summary]", "Resolución 81/26.")
    page.click("#answers input[type=submit]")
    page.wait_for_selector("#action-answers")
    assert "Medidas cautelares otorgadas" in page.locator("#action-answers").inner_text()

    page.click("text=Comisión Interamericana de Derechos Humanos: medidas cautelares")
    page.click("text=Exportar un expediente")
    page.select_option("select[name=country]", "COL")
    assert page.input_value("select[name=language]") == "es"
    page.click("button:has-text('Vista previa')")
    preview = page.locator("#preview .col-lg-6").first.inner_text()  # the dossier's parts, as they will leave
    assert "A. P. R." in preview and "Ana Pérez" not in preview
    # The action's title is internal: the dossier names it by the Commission's reference.
    history = page.locator("#dossier-history").inner_text()
    assert "MC-812-26" in history and "Medidas cautelares para" not in history
    page.click("#check-dossier")  # its preflight step
    page.click("#preflight-masked summary")  # the places the guard masks, in context
    assert "Ana Pérez Restrepo" in page.locator("#preflight-masked").inner_text()
    page.click("#preflight-build button:has-text('ZIP')")
    page.wait_for_selector("#job-download")
    with page.expect_download() as download:
        page.click("#job-download")
    bundle = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes()))
    names = bundle.namelist()
    assert names[0].endswith("-es-" + date.today().isoformat() + ".pdf") and names[1].endswith(".json")
    assert b"Ana P" not in bundle.read(names[1])
    assert page.outside_requests == [] and page.console_errors == []
