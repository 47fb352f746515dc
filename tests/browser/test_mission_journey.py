"""In a real browser, in Spanish: a coordinator plans a trial observation mission, approves it, sends a
delegate, records a hearing with its fair-trial checklist, writes and publishes the report, and downloads it."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from core.database.models import User
from core.extensions import db

from ..conftest import PASSWORD
from ..records_helpers import add_defender

pytestmark = pytest.mark.browser


def test_trial_observation_from_plan_to_published_report_in_spanish(page, live_server, app, make_user):
    coordinator = make_user("coordinator", name="Carmen Coordinadora")
    add_defender(app, "Aylin Kaya", country="TUR", publication_name="A. K.")
    with app.app_context():
        db.session.get(User, coordinator.id).locale = "es"
        db.session.commit()
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", coordinator.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.click("nav >> text=Misiones")
    page.click("text=Planificar una misión")

    page.fill("input[name=title]", "Juicio de los abogados de Izmir")
    page.select_option("select[name=type]", label="Misión de observación judicial")
    page.select_option("select[name=countries]", ["TUR"])
    page.fill("input[name=start_date]", "2026-12-07")
    page.fill("input[name=end_date]", "2026-12-05")  # before the first day: refused, nothing lost
    page.fill("input[name=court]", "Tribunal Penal de Izmir")
    page.click("input[type=submit][value=Guardar]")
    assert "El último día no puede ser anterior al primero." in page.content()
    assert page.input_value("input[name=court]") == "Tribunal Penal de Izmir"
    page.fill("input[name=end_date]", "2026-12-09")
    page.click("input[type=submit][value=Guardar]")
    page.wait_for_selector("text=Se ha guardado la misión.")
    assert page.locator("#mission-status").inner_text() == "Propuesta"

    page.click("button:has-text('Aprobar')")
    assert page.locator("#mission-status").inner_text() == "Aprobada"
    page.fill("#find", "kaya")
    page.click("#defenders ~ form button:has-text('Buscar')")
    page.click("#found-defenders button:has-text('Vincular')")
    assert "Juzgado/a" in page.locator("#mission-defenders").inner_text()
    page.click("text=Añadir un miembro de la delegación")
    page.select_option("select[name=user]", label="Carmen Coordinadora")
    page.fill("input[name=role]", "Observadora del juicio")
    page.click("input[type=submit][value='Añadir a la delegación']")
    assert "Observadora del juicio" in page.locator("#mission-delegates").inner_text()

    page.click(".nav-tabs >> text=Observación judicial")
    page.click("text=Registrar una audiencia")
    page.fill("input[name=held_on]", "2026-12-08")
    page.select_option("select[name=observer]", label="Carmen Coordinadora")
    page.select_option("select[name=outcome]", "adjourned")
    row = page.locator("#checklist tr", has_text="Audiencia pública")
    row.locator("input[value=not_respected]").check()
    row.locator("input[type=text], input:not([type])").last.fill("Observadores retenidos en la puerta")
    page.locator("#checklist tr", has_text="Presunción de inocencia").locator("input[value=respected]").check()
    page.click("input[type=submit][value='Guardar la audiencia']")
    summary = page.locator("#breaches").inner_text()
    assert "Audiencia pública" in summary and "en 1 de 1 audiencias" in summary
    assert "Observadores retenidos en la puerta" in summary and "Presunción" not in summary

    for target in ("Empezar la preparación", "Delegación sobre el terreno", "Regreso: informe en redacción"):
        page.click(".nav-tabs >> text=Resumen")
        page.click(f"button:has-text('{target}')")
    page.click(".nav-tabs >> text=Informe y recomendaciones")
    page.fill("input[name=title_es]", "Un juicio sin garantías")
    page.fill("textarea[name=summary_es]", "La audiencia no fue pública.")
    page.fill("textarea[name=findings_es]", "Los observadores no pudieron entrar en la sala.")
    page.fill("input[name=published_on]", date.today().isoformat())
    page.click("input[type=submit][value='Guardar el informe']")
    page.wait_for_selector("text=Se ha guardado el informe.")
    assert "Falta Inglés" in page.locator("#report-languages").inner_text()
    page.click(".nav-tabs >> text=Resumen")
    page.click("button:has-text('Publicar el informe')")
    assert page.locator("#mission-status").inner_text() == "Informe publicado"

    page.click(".nav-tabs >> text=Informe y recomendaciones")
    with page.expect_download() as download:
        page.click("#report-downloads a:has-text('Informe ES · PDF')")
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    assert page.outside_requests == [] and page.console_errors == []
