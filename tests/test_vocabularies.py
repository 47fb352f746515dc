"""Controlled lists: seeded in three languages, extended by admins, retired rather than deleted."""
from __future__ import annotations

import html

from sqlalchemy import select

from core.extensions import db
from core.records.models import Term

from .conftest import login, post_form
from .plugin_factory import install_plugin


def test_rights_defended_are_seeded_in_three_languages(app):
    with app.app_context():
        term = db.session.scalar(select(Term).where(Term.vocabulary == "rights", Term.key == "women"))
    assert (term.label_en, term.label_fr, term.label_es) == ("Women's rights", "Droits des femmes",
                                                            "Derechos de las mujeres")


def test_admin_adds_renames_and_retires_a_term(app, client, make_user):
    login(client, make_user("admin"))
    page = client.get("/admin/vocabularies/").get_data(as_text=True)
    assert "Rights defended" in page
    bad = post_form(client, "/admin/vocabularies/rights", {"key": "Right To Water!", "label_en": "",
                                                           "label_fr": "x", "label_es": "y", "position": "abc"})
    text = html.unescape(bad.get_data(as_text=True))
    assert bad.status_code == 422
    assert "Use lower-case letters, digits and underscores only." in text and "This field is required." in text
    response = post_form(client, "/admin/vocabularies/rights", {
        "key": "water", "label_en": "Right to water", "label_fr": "Droit à l'eau", "label_es": "Derecho al agua",
        "position": "200", "active": "y"})
    assert response.status_code == 302
    duplicate = post_form(client, "/admin/vocabularies/rights", {
        "key": "water", "label_en": "Again", "label_fr": "Encore", "label_es": "Otra vez", "active": "y"})
    assert "This code is already in the list." in duplicate.get_data(as_text=True)
    with app.app_context():
        term_id = db.session.scalar(select(Term.id).where(Term.key == "water"))
    assert "Right to water" in client.get("/admin/vocabularies/rights").get_data(as_text=True)
    post_form(client, f"/admin/vocabularies/rights/{term_id}", {
        "label_en": "Right to safe water", "label_fr": "Droit à l'eau potable", "label_es": "Derecho al agua potable",
        "position": "200"})  # no "active": retired
    with app.app_context():
        term = db.session.get(Term, term_id)
        assert (term.key, term.label_en, term.active) == ("water", "Right to safe water", False)


def test_retired_terms_are_not_offered_in_forms(app, make_user):
    with app.app_context():
        db.session.scalar(select(Term).where(Term.key == "press")).active = False
        db.session.commit()
    client = app.test_client()
    login(client, make_user("case_officer"))
    page = client.get("/defenders/new").get_data(as_text=True)
    assert "Press freedom" not in page and "Freedom of association" in page


def test_unknown_vocabulary_is_404(client, make_user):
    login(client, make_user("admin"))
    assert client.get("/admin/vocabularies/unknown").status_code == 404
    assert client.get("/admin/vocabularies/rights/999").status_code == 404


def test_hook_observatory_vocabularies(tmp_path, monkeypatch, make_app, make_user):
    install_plugin(tmp_path / "site", monkeypatch, '''
        from core.plugin_host.hookspecs import hookimpl

        @hookimpl
        def observatory_vocabularies():
            return [("incidents", "Incidents suffered")]
    ''', entry_name="violations")
    app = make_app()
    client = app.test_client()
    login(client, make_user("admin"))
    assert "Incidents suffered" in client.get("/admin/vocabularies/").get_data(as_text=True)
    response = post_form(client, "/admin/vocabularies/incidents", {
        "key": "arbitrary_detention", "label_en": "Arbitrary arrest and detention",
        "label_fr": "Arrestation et détention arbitraires", "label_es": "Detención arbitraria", "active": "y"})
    assert response.status_code == 302
    assert "Arbitrary arrest and detention" in client.get("/admin/vocabularies/incidents").get_data(as_text=True)
