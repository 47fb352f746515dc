"""Letters in the letter's language: the directory holds each authority's office, salutation and address in
English, French and Spanish and shows a missing language as such; a French letter opens with the French salutation
at the French address; drafts start from a template per language filled from the case with publishable names only;
the registration form's source partners follow the country (a JSON address, checked and guarded); after adding an
authority from an action one comes back to it, never to another site; the migration moves the old single texts
into the chosen language and back."""
from __future__ import annotations

import html
import re
from datetime import date

from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from core.extensions import db
from plugins.interventions.models import Authority, Case

from ...conftest import login, post_form
from ...records_helpers import add_defender, add_partner
from .helpers import add_action, add_case

MINISTER = {"country": "TUR", "office_en": "Minister of Justice", "salutation_en": "Dear Minister,",
            "address_en": "Ministry of Justice\n06659 Ankara, Turkey", "office_fr": "Ministre de la Justice",
            "salutation_fr": "Monsieur le Ministre,", "address_fr": "Ministère de la Justice\n06659 Ankara, Turquie",
            "person": "", "email": "", "fax": "", "position": "10", "active": "y"}


def _authority(client, app, data=MINISTER, next_url: str | None = None) -> int:
    path = "/interventions/authorities/new" + (f"?next={next_url}" if next_url else "")
    assert post_form(client, path, data).status_code == 302
    with app.app_context():
        return db.session.scalar(select(Authority.id).order_by(Authority.id.desc()))


def test_the_directory_keeps_each_language_and_shows_the_missing_one(app, client, make_user):
    login(client, make_user("case_officer"))
    authority_id = _authority(client, app, {**MINISTER, "address_fr": ""})
    with app.app_context():
        saved = db.session.get(Authority, authority_id)
        assert (saved.office_fr, saved.salutation_fr, saved.office_es) == ("Ministre de la Justice",
                                                                            "Monsieur le Ministre,", "")
        assert saved.missing("es") == ["office", "address", "salutation"] and saved.missing("fr") == ["address"]
    page = html.unescape(client.get("/interventions/authorities/?country=TUR").get_data(as_text=True))
    cells = dict(re.findall(r'data-language="(\w\w)">(.*?)</td>', page, re.S))
    assert "Minister of Justice" in cells["en"] and "Missing" not in cells["en"]
    assert "Ministre de la Justice" in cells["fr"] and "Missing: postal address" in cells["fr"]
    assert "Missing in this language" in cells["es"]
    edit = client.get(f"/interventions/authorities/{authority_id}/edit").get_data(as_text=True)
    assert 'name="salutation_fr"' in edit and "Monsieur le Ministre," in edit and 'name="office_es"' in edit


def test_a_french_letter_is_in_french_and_a_missing_language_is_said(app, client, make_user):
    coordinator = make_user("coordinator")
    login(client, coordinator)
    minister = _authority(client, app)
    prosecutor = _authority(client, app, {**MINISTER, "office_fr": "", "salutation_fr": "", "address_fr": "",
                                          "office_en": "Public Prosecutor"})
    case_id = add_case(app, coordinator, verified=True)
    action_id = add_action(app, case_id, coordinator, title_fr="Turquie : détention arbitraire de Mᵉ A. K.",
                           body_fr="L’Observatoire a été informé de la détention de Mᵉ A. K.",
                           requested_fr="Libérer immédiatement Mᵉ A. K.", title_en="", body_en="", requested_en="")
    post_form(client, f"/interventions/actions/{action_id}/authorities", {"authorities": [minister, prosecutor]})
    letter = html.unescape(client.get(f"/interventions/actions/{action_id}/letter/{minister}/fr.html")
                           .get_data(as_text=True))
    assert "Monsieur le Ministre," in letter and "Ministre de la Justice" in letter
    assert "Ministère de la Justice" in letter and "Turquie" in letter and "Veuillez agréer" in letter
    assert "Dear Minister" not in letter and "Minister of Justice" not in letter and "Turkey" not in letter
    # the prosecutor has no French texts: the letter says so, in French, and never borrows the English ones
    other = html.unescape(client.get(f"/interventions/actions/{action_id}/letter/{prosecutor}/fr.html")
                          .get_data(as_text=True))
    assert "Public Prosecutor" not in other and "Dear Minister" not in other
    assert "[Fonction absente de l’annuaire dans cette langue]" in other
    assert "[Formule d’appel absente de l’annuaire dans cette langue]" in other
    check = html.unescape(client.get(f"/interventions/actions/{action_id}/letter/{prosecutor}/fr")
                          .get_data(as_text=True))
    assert "Missing from the directory for this authority in the letter's language (French): office, postal " \
           "address, salutation." in check
    page = html.unescape(client.get(f"/interventions/actions/{action_id}").get_data(as_text=True))
    assert "Missing in French: office, postal address, salutation" in page
    assert '<option selected value="fr">French</option>' in page  # a dispatch is in the action's language
    assert 'value="en">English</option>' not in page


def test_a_draft_starts_from_the_template_with_publishable_names_only(app, client, make_user):
    officer = make_user("case_officer")
    login(client, officer)
    _authority(client, app)
    kaya = add_defender(app, "Aylin Kaya", publication_name="A. K.", address="Atatürk Caddesi 12, Ankara")
    consenting = add_defender(app, "Deniz Tanrıkulu", consent_to_publish=True, publication_name="")
    case_id = add_case(app, officer, defenders=(kaya, consenting))
    with app.app_context():
        case = db.session.get(Case, case_id)
        case.description = "Aylin Kaya was arrested at Atatürk Caddesi 12 with Deniz Tanrıkulu."
        case.events_place = "Ankara"
        case.events_date = date(2026, 12, 7)
        db.session.commit()
    page = client.get(f"/interventions/{case_id}/actions/new?template=urgent_appeal&lang=fr&lang=en")
    text = html.unescape(page.get_data(as_text=True))
    assert page.status_code == 200
    assert "Kaya" not in text and "Aylin" not in text and "Atatürk" not in text
    fields = dict(re.findall(r'<textarea[^>]*name="(\w+)"[^>]*>\s*(.*?)</textarea>', text, re.S))
    assert "A. K., Deniz Tanrıkulu" in fields["body_fr"] and "A. K., Deniz Tanrıkulu" in fields["body_en"]
    assert "L’Observatoire pour la protection des défenseurs des droits humains sollicite" in fields["body_fr"]
    assert "Ministre de la Justice, Ministère de la Justice, 06659 Ankara, Turquie" in fields["body_fr"]
    assert "Minister of Justice, Ministry of Justice, 06659 Ankara, Turkey" in fields["body_en"]
    assert "Lieu des faits : Ankara" in fields["body_fr"] and ".." not in fields["body_fr"]
    assert "Date of the events: 7 December 2026" in fields["body_en"]  # the house style, never "December 7, 2026"
    unknown = client.get(f"/interventions/{case_id}/actions/new?template=urgent_appeal&lang=de").get_data(as_text=True)
    assert "Choose the type of action and at least one language of the template." in unknown
    assert "Garantir en toutes circonstances l’intégrité physique et psychologique de A. K., Deniz Tanrıkulu" \
        in fields["requested_fr"]
    assert fields["body_es"] == "" and fields["requested_es"] == ""
    assert re.search(r'name="title_fr"[^>]*value="Turquie : A. K., Deniz Tanrıkulu"', text)
    letter = html.unescape(client.get(f"/interventions/{case_id}/actions/new?template=private_letter&lang=es")
                           .get_data(as_text=True))
    assert "Nos dirigimos a usted" in letter and "Por favor" not in letter and "Kaya" not in letter


def test_the_source_partners_of_a_country_for_the_form_script(app, client, make_user):
    officer = make_user("case_officer")
    ihd = add_partner(app, "İnsan Hakları Derneği", country="TUR")
    network = add_partner(app, "International Lawyers Network", country="")
    add_partner(app, "Egyptian Initiative", country="EGY")
    add_partner(app, "Hidden Turkish Partner", country="TUR", confidentiality="restricted")
    assert client.get("/interventions/source-partners?country=TUR").status_code == 302  # to the login page
    login(client, officer)
    answer = client.get("/interventions/source-partners?country=TUR")
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    choices = {choice["label"]: choice["value"] for choice in answer.get_json()["choices"]}
    assert choices == {"— none or not listed —": "0", "İnsan Hakları Derneği": str(ihd),
                       "International Lawyers Network": str(network)}
    assert [c["value"] for c in client.get("/interventions/source-partners?country=ZZZ").get_json()["choices"]] \
        == ["0"]
    reader = app.test_client()
    login(reader, make_user("readonly"))
    assert reader.get("/interventions/source-partners?country=TUR").status_code == 403
    # without the script: the form's button shows the country's partners, nothing saved
    form = {"title": "Arrest", "country": "TUR", "description": "Arrested.", "source_kind": "partner",
            "source_partner": "0", "received_via": "email", "received_at": "2026-12-01T10:00", "priority": "normal",
            "confidentiality": "internal"}
    shown = post_form(client, "/interventions/new", {**form, "show_partners": "1"})
    assert shown.status_code == 200 and f'value="{ihd}">İnsan Hakları Derneği' in shown.get_data(as_text=True)
    # the server checks the partner against the country, whatever the page sent
    wrong = post_form(client, "/interventions/new", {**form, "country": "EGY", "source_partner": str(ihd)})
    assert wrong.status_code == 422 and "Not a valid choice" in wrong.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Case.id)) is None
    assert post_form(client, "/interventions/new", {**form, "source_partner": str(ihd)}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Case.source_partner_id)) == ihd
    page = client.get("/interventions/new").get_data(as_text=True)
    assert 'data-choices-url="/interventions/source-partners"' in page and '<script src="/static/choices.js">' in page


def test_adding_an_authority_from_an_action_comes_back_to_it(app, client, make_user):
    coordinator = make_user("coordinator")
    login(client, coordinator)
    case_id = add_case(app, coordinator)
    action_id = add_action(app, case_id, coordinator)
    page = html.unescape(client.get(f"/interventions/actions/{action_id}").get_data(as_text=True))
    link = re.search(r'href="([^"]*/authorities/new[^"]*)"', page).group(1)
    assert f"next=/interventions/actions/{action_id}%23letters" in link
    back = post_form(client, link, MINISTER)
    assert back.status_code == 302 and back.location == f"/interventions/actions/{action_id}#letters"
    for outside in ("https://evil.example/phish", "//evil.example/phish", "/\\evil.example"):
        answer = post_form(client, "/interventions/authorities/new?" + f"next={outside}", MINISTER)
        assert answer.status_code == 302 and answer.location == "/interventions/authorities/?country=TUR", outside


def test_the_migration_moves_the_single_texts_into_the_chosen_language_and_back(app, monkeypatch):
    with app.app_context():
        script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
        before = script.get_revision("interventions_0010").down_revision
        turkey = db.session.execute(text("SELECT id FROM core_countries WHERE alpha3 = 'TUR'")).scalar_one()
        try:
            downgrade(revision=before)
            db.session.execute(text(
                "INSERT INTO interventions_authorities (country_id, title, person, salutation, address, email, fax, "
                "position, active) VALUES (:country, 'Ministre de la Justice', 'M. X', 'Monsieur le Ministre,', "
                "'Ankara', '', '', 1, :yes)"), {"country": turkey, "yes": True})
            db.session.commit()
            monkeypatch.setenv("OBSERVATORY_AUTHORITIES_LANGUAGE", "fr")
            upgrade(revision="heads")
            row = db.session.execute(text("SELECT office_en, office_fr, salutation_fr, address_fr, person "
                                          "FROM interventions_authorities")).one()
            assert tuple(row) == ("", "Ministre de la Justice", "Monsieur le Ministre,", "Ankara", "M. X")
            db.session.execute(text("UPDATE interventions_authorities SET office_en = 'Minister of Justice'"))
            db.session.commit()
            downgrade(revision=before)
            row = db.session.execute(text("SELECT title, salutation, address, person "
                                          "FROM interventions_authorities")).one()
            assert tuple(row) == ("Ministre de la Justice", "Monsieur le Ministre,", "Ankara", "M. X")
            monkeypatch.setenv("OBSERVATORY_AUTHORITIES_LANGUAGE", "en")
        finally:
            db.session.rollback()
            upgrade(revision="heads")
        row = db.session.execute(text("SELECT office_en, office_fr FROM interventions_authorities")).one()
        assert tuple(row) == ("Ministre de la Justice", "")
        db.session.execute(text("DELETE FROM interventions_authorities"))
        db.session.commit()
