"""The directory of authorities, letters in the chosen language, and the dispatch log."""
from __future__ import annotations

import html

from sqlalchemy import select

from core.extensions import db
from plugins.interventions.models import Action, Authority, Dispatch

from ...conftest import login, post_form
from ...records_helpers import add_defender
from ...support.canaries import texts_of
from .helpers import add_action, add_case

MINISTER = {"country": "TUR", "office_fr": "Ministre de la Justice", "person": "M. Exemple",
            "salutation_fr": "Monsieur le Ministre,", "address_fr": "Adalet Bakanlığı\n06659 Ankara",
            "office_en": "Minister of Justice", "salutation_en": "Dear Minister,",
            "address_en": "Adalet Bakanlığı\n06659 Ankara, Türkiye", "email": "",
            "fax": "+90 312 000 00 00", "position": "10", "active": "y"}


def test_the_directory_refuses_bad_input_and_lists_per_country(app, client, make_user):
    login(client, make_user("case_officer"))
    bad = post_form(client, "/interventions/authorities/new", {**MINISTER, "office_fr": "", "office_en": "", "email": "not-an-email",
                                                               "position": "-5", "country": "ZZZ"})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "Give the office in at least one language." in page
    assert "Enter a valid email address" in page and "Give a number from 0 to 10,000." in page
    assert post_form(client, "/interventions/authorities/new", MINISTER).status_code == 302
    assert post_form(client, "/interventions/authorities/new", {**MINISTER, "country": "EGY",
                                                                "office_fr": "", "office_en": "Public Prosecutor"}).status_code == 302
    page = html.unescape(client.get("/interventions/authorities/?country=TUR").get_data(as_text=True))
    assert "Ministre de la Justice" in page and "Public Prosecutor" not in page
    reader = app.test_client()
    login(reader, make_user("readonly"))
    assert reader.get("/interventions/authorities/").status_code == 200
    assert post_form(reader, "/interventions/authorities/new", MINISTER).status_code == 403


def test_letters_in_french_to_each_addressee_and_the_dispatch_log(app, client, make_user):
    coordinator = make_user("coordinator")
    login(client, coordinator)
    assert post_form(client, "/interventions/authorities/new", MINISTER).status_code == 302
    with app.app_context():
        minister = db.session.scalar(select(Authority.id))
    case_id = add_case(app, coordinator, verified=True)
    action_id = add_action(app, case_id, coordinator, title_fr="Turquie : détention arbitraire de Mᵉ A. K.",
                           body_fr="L'Observatoire a été informé de la détention arbitraire de Mᵉ A. K., avocate.",
                           requested_fr="Libérer immédiatement Mᵉ A. K.")
    page = client.get(f"/interventions/actions/{action_id}").get_data(as_text=True)
    assert "Minister of Justice" in html.unescape(page)  # in the reader's language
    assert post_form(client, f"/interventions/actions/{action_id}/authorities",
                     {"authorities": [minister]}).status_code == 302
    letter = client.get(f"/interventions/actions/{action_id}/letter/{minister}/fr.html")
    text = html.unescape(letter.get_data(as_text=True))
    assert letter.status_code == 200 and "attachment" in letter.headers["Content-Disposition"]
    assert "Monsieur le Ministre," in text and "Libérer immédiatement Mᵉ A. K." in text
    assert "Adalet Bakanlığı" in text and "Veuillez agréer" in text
    pdf = client.get(f"/interventions/actions/{action_id}/letter/{minister}/fr.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    docx = client.get(f"/interventions/actions/{action_id}/letter/{minister}/fr.docx")
    assert docx.status_code == 200 and docx.data[:2] == b"PK"
    assert client.get(f"/interventions/actions/{action_id}/letter/{minister}/es.pdf").status_code == 404
    assert client.get(f"/interventions/actions/{action_id}/letter/{minister}/fr.exe").status_code == 404
    bad = post_form(client, f"/interventions/actions/{action_id}/dispatches", {
        "authority": minister, "channel": "pigeon", "language": "fr", "sent_on": ""})
    assert bad.status_code == 422 and "Give a date." in bad.get_data(as_text=True)
    assert post_form(client, f"/interventions/actions/{action_id}/dispatches", {
        "authority": minister, "channel": "fax", "language": "fr", "sent_on": "2026-11-28",
        "notes": "Fax confirmed"}).status_code == 302
    with app.app_context():
        sent = db.session.scalar(select(Dispatch))
        assert (sent.channel, sent.language, sent.authority_id) == ("fax", "fr", minister)
        assert db.session.get(Action, action_id).dispatches == [sent]
    assert "Fax confirmed" in client.get(f"/interventions/actions/{action_id}").get_data(as_text=True)


def test_a_letter_keeps_out_the_personal_details_of_the_cases_defenders(app, client, make_user):
    """The letter names her only by her publishable name; her address and her husband, typed into its text, are
    hers all the same: the case concerns her, so they do not leave."""
    coordinator = make_user("coordinator")
    login(client, coordinator)
    assert post_form(client, "/interventions/authorities/new", MINISTER).status_code == 302
    with app.app_context():
        minister = db.session.scalar(select(Authority.id))
    defender_id = add_defender(app, "Aylin Kaya", publication_name="A. K.", address="Atatürk Caddesi 12, Ankara",
                               family="Mehmet Yilmaz (husband)")
    case_id = add_case(app, coordinator, defenders=(defender_id,), verified=True)
    action_id = add_action(app, case_id, coordinator, body_en=(
        "A. K. was detained on 3 May. Her home at Atatürk Caddesi 12 was raided at dawn, and her husband "
        "Mehmet Yilmaz was questioned for six hours."))
    post_form(client, f"/interventions/actions/{action_id}/authorities", {"authorities": [minister]})
    for fmt in ("pdf", "docx", "html"):
        response = client.get(f"/interventions/actions/{action_id}/letter/{minister}/en.{fmt}")
        assert response.status_code == 200, fmt
        text = " ".join(" ".join(texts_of(response.data)).split())
        assert "A. K. was detained on 3 May" in text and "Adalet Bakanlığı" in text, fmt
        assert "Atatürk Caddesi" not in text and "Yilmaz" not in text and "Mehmet" not in text, fmt
