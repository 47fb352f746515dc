"""In a real browser, in Spanish: the dashboard shows the year's charts as images fetched on their own, and the
statistics page draws every chart on this machine, filters by region and offers each chart's data."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from core.database.models import User
from core.extensions import db
from plugins.interventions.models import Case

from ..conftest import PASSWORD
from ..plugins.interventions.helpers import add_case

pytestmark = pytest.mark.browser


def test_statistics_in_spanish(page, live_server, app, make_user):
    officer = make_user("case_officer")
    year = date.today().year
    for title, country in (("A", "TUR"), ("B", "COL"), ("C", "COL")):
        case_id = add_case(app, officer, title=title, country=country)
        with app.app_context():
            case = db.session.get(Case, case_id)
            case.year, case.obs_number, case.country_number, case.first_issued = year, case_id, case_id, "0126"
            db.session.commit()
    with app.app_context():
        db.session.get(User, officer.id).locale = "es"
        db.session.commit()
        assert db.session.scalar(select(Case.id).limit(1))
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", officer.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    chart = page.locator(f"img[src*='interventions_by_region.svg?year={year}']")
    chart.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=chart.element_handle())

    page.click("nav >> text=Estadísticas")
    drawn = page.locator("#interventions_by_region svg").text_content()
    assert "Américas" in drawn and "Europa y Asia Central" in drawn
    page.select_option("select[name=region]", "americas")
    page.click("button:has-text('Mostrar')")
    page.locator("#interventions_by_region summary").click()
    # Two cases are a small count: withheld, with the total, for everyone but admins.
    figures = page.locator("#interventions_by_region table").inner_text()
    assert "Américas\tmenos de 5" in figures and "Total\tmenos de 5" in figures and "\t2" not in figures
    assert "Los números pequeños se muestran como «menos de 5»" in page.locator("#interventions_by_region").inner_text()
    with page.expect_download() as download:
        page.click("#interventions_by_region >> text=Descargar los datos (CSV)")
    assert "Américas,menos de 5" in open(download.value.path(), encoding="utf-8").read()
    assert page.outside_requests == [] and page.console_errors == []


def test_the_spanish_bulletin_then_the_statistics(page, live_server, app, make_user, tmp_path):
    """A coordinator working in Spanish opens last month's bulletin, writes its introduction, downloads the PDF,
    builds the annual report and opens the statistics page."""
    import shutil
    import subprocess
    from datetime import datetime, timezone

    from core import publications
    from core.database.models import utcnow
    from plugins.interventions.models import Action

    from ..conftest import require_service
    from ..plugins.interventions.helpers import add_action, publish
    from ..records_helpers import add_defender

    coordinator = make_user("coordinator", totp=False)
    year, month = publications.previous_month(utcnow().date())
    defender = add_defender(app, "Mehmet Demir", publication_name="M. D.")
    case_id = add_case(app, coordinator, title="Arrest of Mehmet Demir", defenders=(defender,), verified=True)
    action = add_action(app, case_id, coordinator, title_en="Türkiye: detention of M. D.",
                        title_es="Turquía: detención de M. D.")
    reference = publish(app, action, coordinator)
    with app.app_context():
        db.session.get(Action, action).published_at = datetime(year, month, 3, tzinfo=timezone.utc)
        db.session.get(User, coordinator.id).locale = "es"
        db.session.commit()
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", coordinator.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")

    page.click("nav >> text=Publicaciones")
    page.click("nav >> text=Boletín mensual")  # the previous month, in the reader's language
    bulletin = page.locator("#bulletin")
    assert "Turquía: detención de M. D." in bulletin.inner_text() and reference in bulletin.inner_text()
    assert "Mehmet" not in bulletin.inner_text()
    page.fill("textarea[name=introduction_es]", "Un mes de detenciones arbitrarias.")
    page.click("#bulletin-editing button:has-text('Guardar')")
    assert "Un mes de detenciones arbitrarias." in page.locator("#bulletin").inner_text()
    with page.expect_download() as download:
        page.click("#bulletin-files >> text=PDF")
    assert download.value.suggested_filename == f"bulletin-{year}-{month:02d}-es.pdf"
    require_service(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")
    text = subprocess.run(["pdftotext", download.value.path(), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = " ".join(text.split())
    assert "Boletín mensual" in flat and "Un mes de detenciones arbitrarias." in flat and reference in flat

    # the menu offers the annual report (opening the menu itself is tried above: right after a download, a
    # loaded machine sometimes let the click fall before the menu opened)
    annual = page.locator("nav >> text=Informe anual")
    assert annual.get_attribute("href") == "/publications/annual/"
    page.goto(f"{live_server}/publications/annual/")
    page.select_option("select[name=year]", str(year))
    page.click("form[aria-label] button:has-text('Mostrar')")
    assert page.locator("#annual-build button:has-text('Generar')").is_disabled()  # checked first
    page.click("#check-annual")
    page.wait_for_selector("#annual-checked")
    page.select_option("#build-language", "es")
    page.click("#annual-build button:has-text('Generar')")
    page.wait_for_selector("#job-download")
    with page.expect_download() as report:
        page.click("#job-download")
    assert report.value.suggested_filename == f"annual-report-{year}-es.pdf"

    statistics = page.locator("nav >> text=Estadísticas")  # as above: followed, not clicked, right after a download
    assert statistics.get_attribute("href") == "/statistics/"
    page.goto(f"{live_server}/statistics/")
    assert page.locator("#interventions_by_region svg").count() == 1
    assert page.outside_requests == [] and page.console_errors == []
