"""Every ISO 3166 country, named in each language, in the regions the reports use."""
from __future__ import annotations

from sqlalchemy import func, select

from core.extensions import db
from core.records.countries import country_name
from core.records.models import Country


def test_every_iso_country_is_loaded_with_its_alpha3_code(app):
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Country)) == 249
        assert db.session.scalar(select(Country.alpha2).where(Country.alpha3 == "CIV")) == "CI"


def test_report_regions(app):
    with app.app_context():
        regions = dict(db.session.execute(select(Country.alpha3, Country.region)).all())
    assert regions["EGY"] == regions["SYR"] == regions["TUN"] == "mena"
    assert regions["TUR"] == regions["KAZ"] == regions["FRA"] == regions["RUS"] == "europe_central_asia"
    assert regions["KEN"] == regions["SDN"] == "africa"
    assert regions["BRA"] == regions["MEX"] == regions["CAN"] == "americas"
    assert regions["CHN"] == regions["IRN"] == regions["FJI"] == "asia"
    assert {r for r in regions.values() if r} == {"mena", "europe_central_asia", "africa", "americas", "asia"}


def test_names_in_three_languages():
    assert (country_name("CI", "en"), country_name("CI", "fr"), country_name("CI", "es")) == (
        "Côte d’Ivoire", "Côte d’Ivoire", "Côte d’Ivoire")
    assert (country_name("DE", "en"), country_name("DE", "fr"), country_name("DE", "es")) == (
        "Germany", "Allemagne", "Alemania")


def test_admin_moves_a_country_to_another_region(app, make_user):
    from .conftest import login, post_form

    client = app.test_client()
    login(client, make_user("admin"))
    with app.app_context():
        sudan = db.session.scalar(select(Country.id).where(Country.alpha3 == "SDN"))
    page = client.get("/admin/vocabularies/countries").get_data(as_text=True)
    assert "Sudan" in page
    response = post_form(client, "/admin/vocabularies/countries", {f"region-{sudan}": "mena"}, follow_redirects=True)
    assert "1 country moved to another region." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Country, sudan).region == "mena"
    post_form(client, "/admin/vocabularies/countries", {f"region-{sudan}": "atlantis"})
    with app.app_context():
        assert db.session.get(Country, sudan).region == "mena"  # unknown regions are ignored
    reader = app.test_client()
    login(reader, make_user("coordinator"))
    assert reader.get("/admin/vocabularies/countries").status_code == 403
