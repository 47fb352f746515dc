"""The duplicate warning: close names (accents, word order, transliterations) are shown before saving."""
from __future__ import annotations

import html

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.records.matching import search_text, skeleton
from core.records.models import Defender, Partner

from .conftest import login, post_form
from .records_helpers import add_defender, add_partner
from .test_defenders import VALID


@pytest.mark.parametrize("existing, typed", [
    ("José Núñez", "Nunez, Jose"),                      # accents and word order
    ("Mohammed Al-Hassan", "Muhammad al Hasan"),        # transliteration variants
    ("Mohammed Al-Hassan", "Мухаммад Хасан"),           # another script
    ("Aleksandr Sokolov", "Alexander Sokolow"),
])
def test_close_names_are_found(app, make_user, existing, typed):
    add_defender(app, existing)
    client = app.test_client()
    login(client, make_user("case_officer"))
    response = post_form(client, "/defenders/new", {**VALID, "name": typed, "aliases": ""})
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200 and 'id="duplicate-warning"' in page, typed
    assert existing in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Defender)) == 1  # nothing saved yet


def test_confirming_saves_and_unrelated_names_pass_silently(app, make_user):
    add_defender(app, "José Núñez")
    client = app.test_client()
    login(client, make_user("case_officer"))
    first = post_form(client, "/defenders/new", {**VALID, "name": "Jose Nunez", "aliases": ""})
    token = html.unescape(first.get_data(as_text=True)).split('name="confirm_duplicates" type="hidden" value="')[1]
    confirmed = post_form(client, "/defenders/new", {**VALID, "name": "Jose Nunez", "aliases": "",
                                                     "confirm_duplicates": token.split('"')[0]})
    assert confirmed.status_code == 302
    unrelated = post_form(client, "/defenders/new", {**VALID, "name": "Aylin Kaya", "aliases": ""})
    assert unrelated.status_code == 302


def test_changing_the_name_after_the_warning_checks_again(app, make_user):
    add_defender(app, "José Núñez")
    add_defender(app, "Omar Haddad")
    client = app.test_client()
    login(client, make_user("case_officer"))
    first = post_form(client, "/defenders/new", {**VALID, "name": "Jose Nunez", "aliases": ""})
    token = html.unescape(first.get_data(as_text=True)).split('name="confirm_duplicates" type="hidden" value="')[1]
    second = post_form(client, "/defenders/new", {**VALID, "name": "Omar El Haddad", "aliases": "",
                                                  "confirm_duplicates": token.split('"')[0]})
    assert 'id="duplicate-warning"' in second.get_data(as_text=True)


def test_records_the_user_may_not_see_are_never_suggested(app, make_user):
    add_defender(app, "José Núñez", confidentiality="restricted")
    client = app.test_client()
    login(client, make_user("case_officer"))
    response = post_form(client, "/defenders/new", {**VALID, "name": "Jose Nunez", "aliases": ""})
    assert response.status_code == 302


def test_partners_get_the_same_warning(app, make_user):
    add_partner(app, "Comité de Défense des Droits Humains", acronym="CDDH")
    client = app.test_client()
    login(client, make_user("case_officer"))
    response = post_form(client, "/partners/new", {"name": "Comite de defense des droits humains",
                                                   "country": "KEN", "confidentiality": "internal"})
    assert 'id="duplicate-warning"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Partner)) == 1


def test_skeletons_fold_transliteration_spellings():
    assert skeleton("mohammed") == skeleton("muhammad") == skeleton("mhmd")
    assert skeleton("khasan") == skeleton("hassan")
    assert skeleton("sokolov") == skeleton("sokolow")
    assert "~lksndr" in search_text("Aleksandr") and "~lksndr" in search_text("Alexander")
