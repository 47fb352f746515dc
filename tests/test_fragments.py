"""Fragments rendered once per language and inputs: reused, never stale, never one user's for another."""
from __future__ import annotations

import pytest
from jinja2 import ChoiceLoader, DictLoader

from core import fragments
from core.extensions import db
from core.records.models import Term

from .conftest import login, post_form


@pytest.fixture
def probe(app, monkeypatch):
    """A fragment template, and the list of its renderings."""
    app.jinja_env.loader = ChoiceLoader([DictLoader({"probe.html": "{{ _('Filter') }}: {{ word }}"}), app.jinja_env.loader])
    renders = []
    original = app.jinja_env.get_template
    monkeypatch.setattr(app.jinja_env, "get_template",
                        lambda name, *args, **kwargs: renders.append(name) or original(name, *args, **kwargs))
    return renders


def test_a_fragment_is_rendered_once_per_language_and_inputs(app, probe):
    with app.test_request_context("/", headers={"Accept-Language": "fr"}):
        assert fragments.fragment("probe.html", word="<a>") == "Filtrer: &lt;a&gt;"
        assert fragments.fragment("probe.html", word="<a>") == "Filtrer: &lt;a&gt;"
        assert fragments.fragment("probe.html", word="b") == "Filtrer: b"
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert fragments.fragment("probe.html", word="b") == "Filter: b"
    assert len(probe) == 3


def test_the_case_filters_follow_language_inputs_and_data(app, client, make_user):
    coordinator = make_user("coordinator", name="Zoe Coordinator")
    login(client, coordinator)
    english = client.get("/interventions/?status=closed").get_data(as_text=True)
    assert '<option value="closed" selected>Closed</option>' in english
    again = client.get("/interventions/?status=closed").get_data(as_text=True)
    assert again.count("Closed") == english.count("Closed")
    assert '<option value="open" selected>' in client.get("/interventions/?status=open").get_data(as_text=True)

    post_form(client, "/language", {"locale": "fr"})
    french = client.get("/interventions/?status=closed").get_data(as_text=True)
    assert '<option value="closed" selected>Clos' in french and ">Filtrer<" in french and ">Statut<" in french

    with app.app_context():  # data the form lists: read on each request, so a new term or officer shows at once
        db.session.add(Term(vocabulary="violations", key="internet_shutdown", label_en="Internet shutdown",
                            label_fr="Coupure d'internet", label_es="Corte de internet", position=99))
        db.session.commit()
    make_user("case_officer", name="Amadou Newcomer")
    page = client.get("/interventions/?status=closed").get_data(as_text=True)
    assert "Coupure d&#39;internet" in page and "Amadou Newcomer" in page


def test_the_cache_is_bounded(app, probe, monkeypatch):
    monkeypatch.setattr(fragments, "MAX_FRAGMENTS", 3)
    with app.test_request_context("/"):
        for word in "abcdefg":
            assert fragments.fragment("probe.html", word=word) == f"Filter: {word}"
            assert len(app.extensions["observatory.fragments"]) <= 3
