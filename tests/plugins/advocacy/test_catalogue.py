"""The catalogue of mechanisms: shipped as data and loaded by the migration, completed (never overwritten) by
the ``advocacy-catalogue`` command, edited by admins only, and the mechanism's page with its sessions."""
from __future__ import annotations

import html
from datetime import date, timedelta

from sqlalchemy import delete, func, select

from core.extensions import db
from plugins.advocacy import services
from plugins.advocacy.models import Mechanism, MechanismSession

from ...conftest import login, post_form
from .helpers import add_action, mechanism_id


def _page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_the_shipped_catalogue_covers_every_system_in_three_languages(app):
    with app.app_context():
        rows = db.session.scalars(select(Mechanism)).all()
        shipped = services.shipped_catalogue()
        assert [m.key for m in sorted(rows, key=lambda m: m.position)] == [row["key"] for row in shipped]
        assert {m.system for m in rows} == {"un", "oas", "au", "osce", "eu", "coe"}
        for mechanism in rows:
            assert mechanism.name_en and mechanism.name_fr and mechanism.name_es, mechanism.key
            assert mechanism.submission_en and mechanism.submission_fr and mechanism.submission_es, mechanism.key
            assert mechanism.languages and set(mechanism.languages) <= {"en", "fr", "es", "pt", "ar", "ru", "de", "it"}
        keys = {m.key for m in rows}
        assert {"un_sr_hrd", "un_sr_torture", "un_sr_expression", "un_sr_assembly", "un_wgad", "un_hrc", "un_upr",
                "oas_iachr_pm", "oas_iachr_hearings", "oas_iachr_rapporteur", "au_achpr", "au_achpr_sr_hrd",
                "osce_odihr", "eu_delegations", "eu_eeas", "eu_ep_urgency", "coe_commissioner"} <= keys


def test_the_command_adds_missing_mechanisms_and_keeps_edited_ones(app):
    with app.app_context():
        db.session.execute(delete(Mechanism).where(Mechanism.key == "un_cat"))
        edited = db.session.scalar(select(Mechanism).where(Mechanism.key == "un_wgad"))
        edited.name_en = "WGAD (our wording)"
        db.session.commit()
    with app.app_context():
        runner = app.test_cli_runner()
        result = runner.invoke(args=["advocacy-catalogue"])
        assert result.exit_code == 0 and "1 mechanism(s) added: un_cat" in result.output
        assert db.session.scalar(select(Mechanism.name_en).where(Mechanism.key == "un_wgad")) == "WGAD (our wording)"
        assert runner.invoke(args=["advocacy-catalogue"]).output.startswith("0 mechanism(s) added")
        assert db.session.scalar(select(func.count()).select_from(Mechanism)) == len(services.shipped_catalogue())


def test_the_catalogue_page_groups_mechanisms_by_system_in_the_readers_language(app, client, make_user):
    login(client, make_user("readonly"))
    page = _page(client.get("/advocacy/mechanisms/"))
    for system in ("United Nations", "Organization of American States", "African Union", "OSCE",
                   "European Union", "Council of Europe"):
        assert system in page
    assert page.index("United Nations") < page.index("Working Group on Arbitrary Detention") < page.index(
        "Organization of American States") < page.index("precautionary measures")
    post_form(client, "/language", {"locale": "es"})
    page = _page(client.get("/advocacy/mechanisms/"))
    assert "Comisión Interamericana de Derechos Humanos: medidas cautelares" in page
    with app.app_context():
        iachr = mechanism_id("oas_iachr_pm")
    page = _page(client.get(f"/advocacy/mechanisms/{iachr}"))
    assert "artículo 25" in page and "español, inglés, portugués, francés" in page


def test_only_admins_edit_the_catalogue_and_bad_input_is_explained(app, make_user):
    coordinator, admin = make_user("coordinator"), make_user("admin", email="admin@example.org")
    with app.app_context():
        wgad = mechanism_id("un_wgad")
    client = app.test_client()
    login(client, coordinator)
    assert client.get(f"/advocacy/mechanisms/{wgad}/edit").status_code == 403
    assert client.get("/advocacy/mechanisms/new").status_code == 403
    client = app.test_client()
    login(client, admin)
    bad = post_form(client, "/advocacy/mechanisms/new", {"key": "UN SR Water!", "system": "un", "name_en": ""})
    assert bad.status_code == 422
    page = _page(bad)
    assert "Use lower-case letters, digits and underscores." in page and "This field is required." in page
    assert "Choose at least one language." in page
    taken = post_form(client, "/advocacy/mechanisms/new", {"key": "un_wgad", "system": "un", "name_en": "Again",
                                                           "working_languages": ["en"]})
    assert taken.status_code == 422 and "Another mechanism already has this identifier." in _page(taken)
    created = post_form(client, "/advocacy/mechanisms/new", {
        "key": "un_sr_water", "system": "un", "abbreviation": "SR Water",
        "name_en": "Special Rapporteur on the human rights to safe drinking water and sanitation",
        "name_fr": "Rapporteur spécial sur les droits à l'eau potable et à l'assainissement",
        "working_languages": ["en", "fr", "es"], "submission_en": "Online form.", "position": "30", "active": "y"})
    assert created.status_code == 302
    retired = post_form(client, f"/advocacy/mechanisms/{wgad}/edit", {
        "system": "un", "name_en": "Working Group on Arbitrary Detention", "working_languages": ["en", "fr"],
        "position": "4"})  # "active" unticked: retired
    assert retired.status_code == 302
    with app.app_context():
        water = db.session.scalar(select(Mechanism).where(Mechanism.key == "un_sr_water"))
        assert water.languages == ["en", "fr", "es"] and water.active
        wgad_row = db.session.get(Mechanism, wgad)
        assert not wgad_row.active and wgad_row.working_languages == "en,fr"
    form = _page(client.get("/advocacy/new"))
    assert "Special Rapporteur on the human rights to safe drinking water" in form
    assert "Working Group on Arbitrary Detention" not in form  # retired: no longer offered


def test_sessions_and_deadlines_on_the_mechanism_page(app, client, make_user):
    officer = make_user("case_officer")
    login(client, officer)
    with app.app_context():
        hrc = mechanism_id("un_hrc")
    start = date.today() + timedelta(days=20)
    bad = post_form(client, f"/advocacy/mechanisms/{hrc}/sessions", {
        "kind": "session", "title": "", "starts_on": start.isoformat(),
        "ends_on": (start - timedelta(days=1)).isoformat()})
    assert bad.status_code == 422
    assert "The last day cannot come before the first day." in _page(bad) and "This field is required." in _page(bad)
    added = post_form(client, f"/advocacy/mechanisms/{hrc}/sessions", {
        "kind": "session", "title": "64th session", "starts_on": start.isoformat(),
        "ends_on": (start + timedelta(days=30)).isoformat()})
    assert added.status_code == 302
    post_form(client, f"/advocacy/mechanisms/{hrc}/sessions", {
        "kind": "deadline", "title": "Written statements due", "starts_on": (start - timedelta(days=10)).isoformat()})
    post_form(client, f"/advocacy/mechanisms/{hrc}/sessions", {
        "kind": "session", "title": "61st session", "starts_on": "2026-02-23", "ends_on": "2026-04-02"})
    add_action(app, officer, title="Written statement on reprisals", kind="written_statement", mechanism="un_hrc",
               sent_on=date.today() - timedelta(days=3))
    page = _page(client.get(f"/advocacy/mechanisms/{hrc}"))
    coming = page[page.index('id="coming-sessions"'):page.index('id="past-sessions"')]
    assert coming.index("Written statements due") < coming.index("64th session")
    assert "61st session" in page[page.index('id="past-sessions"'):]
    sent = page[page.index('id="actions-sent"'):]
    assert "Written statement on reprisals" in sent
    assert "Actions sent" in page
    with app.app_context():
        old = db.session.scalar(select(MechanismSession.id).where(MechanismSession.title == "61st session"))
    assert post_form(client, f"/advocacy/mechanisms/{hrc}/sessions/{old}/remove").status_code == 302
    with app.app_context():
        assert db.session.get(MechanismSession, old) is None
    reader = app.test_client()
    login(reader, make_user("readonly", email="r@example.org"))
    assert post_form(reader, f"/advocacy/mechanisms/{hrc}/sessions", {
        "kind": "session", "title": "x", "starts_on": start.isoformat()}).status_code == 403


def test_the_global_search_finds_mechanisms_by_the_words_of_their_names_as_admins_change_them(app, make_user):
    """Word prefixes of the abbreviation and of the names in each language, as for every record in the search;
    a renamed mechanism by its new words only, a new one at once, a retired one no more."""
    officer, admin = make_user("case_officer"), make_user("admin", email="admin@example.org")
    with app.app_context():
        torture = mechanism_id("un_sr_torture")
    reader = app.test_client()
    login(reader, officer)

    def found(words: str) -> str:
        page = _page(reader.get(f"/search?q={words}"))
        return "" if 'id="search-results"' not in page else page.split('id="search-results"')[1].split("</ol>")[0]

    assert "Working Group on Arbitrary Detention" in found("wgad")
    assert "Working Group on Arbitrary Detention" in found("détention ARBITR")  # French words, any case and accent
    assert "Working Group on Arbitrary Detention" in found("detention arbitrary")  # in any order
    assert "Working Group" not in found("arbitrary torture")
    admin_client = app.test_client()
    login(admin_client, admin)
    assert post_form(admin_client, f"/advocacy/mechanisms/{torture}/edit", {
        "system": "un", "abbreviation": "SR Ill-treatment", "name_en": "Special Rapporteur on ill-treatment",
        "working_languages": ["en"], "position": "2", "active": "y"}).status_code == 302
    assert "Special Rapporteur on ill-treatment" in found("ill treatment")
    assert "Special Rapporteur on ill-treatment" not in found("punishment")  # a word of its former English name
    assert post_form(admin_client, "/advocacy/mechanisms/new", {
        "key": "un_sr_water", "system": "un", "abbreviation": "SR Water", "name_en": "Special Rapporteur on water",
        "name_fr": "Rapporteur spécial sur l'eau potable", "working_languages": ["en"], "position": "30",
        "active": "y"}).status_code == 302
    assert "Special Rapporteur on water" in found("potable")
    wgad = mechanism_id_in_app(app, "un_wgad")
    assert post_form(admin_client, f"/advocacy/mechanisms/{wgad}/edit", {
        "system": "un", "name_en": "Working Group on Arbitrary Detention", "working_languages": ["en"],
        "position": "4"}).status_code == 302  # retired
    assert "Working Group on Arbitrary Detention" not in found("wgad")


def mechanism_id_in_app(app, key: str) -> int:
    with app.app_context():
        return mechanism_id(key)


def test_mechanisms_the_catalogue_command_adds_are_found_at_once(app, make_user):
    with app.app_context():
        db.session.execute(delete(Mechanism).where(Mechanism.key == "un_cat"))
        db.session.commit()
        assert app.test_cli_runner().invoke(args=["advocacy-catalogue"]).exit_code == 0
    client = app.test_client()
    login(client, make_user("case_officer"))
    assert "Committee against Torture" in _page(client.get("/search?q=committee against"))
