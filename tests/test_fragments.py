"""Fragments rendered once per language and inputs: reused, never stale, never one user's for another."""
from __future__ import annotations

import pytest
from jinja2 import ChoiceLoader, DictLoader, UndefinedError

from core.extensions import db
from core.records.models import Term
from core.web import fragments

from .conftest import login, post_form


@pytest.fixture
def probe(app):
    """A fragment template; its renderings are counted by the ``count`` constant it calls."""
    app.jinja_env.loader = ChoiceLoader([DictLoader({"probe.html": "{{ count() }}{{ _('Filter') }}: {{ word }}"}),
                                         app.jinja_env.loader])
    renders = []
    return renders, {"count": lambda: renders.append(1) or ""}


def test_a_fragment_is_rendered_once_per_language_and_inputs(app, probe):
    renders, constants = probe
    with app.test_request_context("/", headers={"Accept-Language": "fr"}):
        assert fragments.fragment("probe.html", constants, word="<a>") == "Filtrer: &lt;a&gt;"
        assert fragments.fragment("probe.html", constants, word="<a>") == "Filtrer: &lt;a&gt;"
        assert fragments.fragment("probe.html", constants, word="b") == "Filtrer: b"
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert fragments.fragment("probe.html", constants, word="b") == "Filter: b"
    assert len(renders) == 3


def test_a_fragment_cannot_use_the_user_nor_a_missing_name(app):
    app.jinja_env.loader = ChoiceLoader([DictLoader({"nosy.html": "{{ current_user.name }}", "asks.html":
                                                     "{{ request.args }}", "sloppy.html": "{{ missing }}"}),
                                         app.jinja_env.loader])
    with app.test_request_context("/"):
        app.jinja_env.get_template("sloppy.html")  # compiled for the pages first, lenient there
        for name in ("nosy.html", "asks.html", "sloppy.html"):
            with pytest.raises(UndefinedError):
                fragments.fragment(name)


def test_only_plain_values_make_a_key(app):
    from datetime import date

    from core.languages.i18n import lazy_gettext
    from core.plugin_host.contributions import DatedItem

    item = DatedItem(date(2026, 1, 2), lazy_gettext("Filter"), "hearing")
    with app.test_request_context("/"):
        assert fragments.frozen({"items": [item], "n": 1}) == fragments.frozen({"n": 1, "items": (item,)})
        assert fragments.frozen([item]) != fragments.frozen([DatedItem(date(2026, 1, 3), "Filter", "hearing")])
        with pytest.raises(fragments.NotPlain):
            fragments.frozen({"record": object()})


def test_rows_make_a_key_with_their_column_names(app):
    """Each row carries its column names in the key: rows whose values are the same under other names, or in
    another order, or mixed with rows of another result, make other keys."""
    from sqlalchemy import literal_column, select

    def rows(*columns):
        return db.session.execute(select(*(literal_column(str(value)).label(name) for name, value in columns))).all()

    with app.test_request_context("/"):
        first, again = rows(("id", 1), ("n", 2)), rows(("id", 1), ("n", 2))
        renamed, other = rows(("id", 1), ("m", 2)), rows(("id", 3), ("n", 2))
        assert fragments.frozen({"rows": first}) == fragments.frozen({"rows": again})
        assert fragments.frozen({"rows": first}) != fragments.frozen({"rows": renamed})
        assert fragments.frozen({"rows": first + other}) != fragments.frozen({"rows": other + first})
        assert fragments.frozen({"rows": first + renamed}) != fragments.frozen({"rows": first + first})
        assert fragments.frozen({"rows": first + renamed}) != fragments.frozen({"rows": renamed + first})
        assert fragments.frozen({"rows": first}) != fragments.frozen({"rows": [tuple(first[0])]})


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
            assert fragments.fragment("probe.html", probe[1], word=word) == f"Filter: {word}"
            assert len(app.extensions["observatory.fragments"]) <= 3


def test_every_dashboard_panel_is_a_fragment_that_follows_the_data_and_the_user(app, make_user):
    from plugins.interventions.models import Case

    from .plugins.interventions.helpers import add_case

    officer, other = make_user("case_officer", name="Officer One"), make_user("case_officer", name="Officer Two")
    add_case(app, officer, title="Arrest of a journalist")
    add_case(app, officer, title="Secret detention file", confidentiality="restricted", assignees=(officer.id,))
    admin_client, officer_client, other_client = app.test_client(), app.test_client(), app.test_client()
    login(admin_client, make_user("admin", totp=True))
    login(officer_client, officer)
    login(other_client, other)

    page = admin_client.get("/").get_data(as_text=True)
    cached = {key[0] for key in app.extensions["observatory.fragments"]}
    shown = {widget.template for widget in _widgets_of(app, admin_client)}
    assert len(shown) >= 6 and shown <= cached, (shown, cached)
    assert "Arrest of a journalist" in page

    assert "Secret detention file" in officer_client.get("/").get_data(as_text=True)
    assert "Secret detention file" not in other_client.get("/").get_data(as_text=True)
    add_case(app, officer, title="Travel ban on a lawyer")
    assert "Travel ban on a lawyer" in other_client.get("/").get_data(as_text=True)  # nothing stale
    with app.app_context():
        assert db.session.query(Case).count() == 3


def _widgets_of(app, client):
    """The widgets the dashboard gathered for the client's last request's user."""
    from flask_login import login_user

    from core.database.models import User
    from core.plugin_host import gather

    with app.test_request_context("/"):
        admin = db.session.scalar(db.select(User).where(User.email.like("%admin%")).order_by(User.id.desc()))
        login_user(admin)
        return gather.dashboard_widgets(admin)


def test_blank_form_fields_are_rendered_once_per_language_and_anew_with_errors(app):
    """A record page's upload and reveal forms: Bootstrap's markup, the same for every record, reused; a form
    that comes back with a mistake shows it."""
    from flask import render_template_string

    from core.records.forms import RevealForm
    from core.web.form_html import blank_fields

    macro = ("{% from 'bootstrap5/form.html' import render_field %}"
             "{{ render_field(form.reason) }}{{ render_field(form.submit, button_style='outline-danger', id=False) }}")
    with app.test_request_context("/", headers={"Accept-Language": "fr"}):
        form = RevealForm(formdata=None)
        expected = render_template_string(macro, form=form)
        assert "Pourquoi" in expected and 'name="csrf_token"' not in expected
        assert blank_fields(form, "reason", "submit", submit="outline-danger").strip() == expected.strip()
        cached = len(app.extensions["observatory.fragments"])
        assert blank_fields(RevealForm(formdata=None), "reason", "submit", submit="outline-danger").strip() \
            == expected.strip()
        assert len(app.extensions["observatory.fragments"]) == cached
    with app.test_request_context("/", method="POST", data={"reason": ""}):
        failed = RevealForm(meta={"csrf": False})
        assert not failed.validate()
        assert "This field is required." in blank_fields(failed, "reason", "submit")
    with app.test_request_context("/", headers={"Accept-Language": "es"}):
        assert "Mostrar" in blank_fields(RevealForm(formdata=None), "reason", "submit", submit="outline-danger")


def test_a_blank_forms_class_renders_its_fields_and_is_built_only_for_a_new_fragment(app, monkeypatch):
    """Pages showing an unfilled form pass its class: the fields are the same as an unfilled form's, and the
    form is built once per language, when its fragment is rendered, not on every page."""
    from core.records.forms import RevealForm
    from core.web.form_html import blank_fields

    built = []
    original = RevealForm.__init__

    def counting(self, *args, **kwargs):
        built.append(1)
        original(self, *args, **kwargs)

    with app.test_request_context("/", headers={"Accept-Language": "fr"}):
        expected = blank_fields(RevealForm(formdata=None), "reason", "submit", submit="outline-danger")
        app.extensions["observatory.fragments"].clear()
        monkeypatch.setattr(RevealForm, "__init__", counting)
        for _ in range(3):
            assert blank_fields(RevealForm, "reason", "submit", submit="outline-danger") == expected
        assert len(built) == 1
    with app.test_request_context("/", headers={"Accept-Language": "es"}):
        assert "Mostrar" in blank_fields(RevealForm, "reason", "submit", submit="outline-danger")
        assert len(built) == 2


def test_a_fragment_writes_the_addresses_of_each_mount_point(app):
    """One application served under two prefixes: a fragment's links follow each."""
    app.jinja_env.loader = ChoiceLoader([DictLoader({"link.html": "{{ url_for('calendar.upcoming') }}"}),
                                         app.jinja_env.loader])
    for root in ("", "/observatory", ""):
        with app.test_request_context("/", environ_overrides={"SCRIPT_NAME": root}):
            assert fragments.fragment("link.html") == f"{root}/upcoming"
