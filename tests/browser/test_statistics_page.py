"""In a real browser, in Spanish: the dashboard shows the year's charts as images fetched on their own, and the
statistics page draws every chart on this machine, filters by region and offers each chart's data."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from core.extensions import db
from core.models import User
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
    figures = page.locator("#interventions_by_region table").inner_text()
    assert "Américas\t2" in figures and "Total\t2" in figures
    with page.expect_download() as download:
        page.click("#interventions_by_region >> text=Descargar los datos (CSV)")
    assert "Américas,2" in open(download.value.path(), encoding="utf-8").read()
    assert page.outside_requests == [] and page.console_errors == []
