"""Three languages: complete, current catalogs; the user's choice remembered; locale formatting."""
from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

from .conftest import csrf_token, login

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("en", "fr", "es")
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "_lp": ((1, "c"), 2), "lazy_pgettext": ((1, "c"), 2)}
METHOD_MAP = [("**.py", "python"), ("**.html", "jinja2")]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")

# Each catalog and the folders its messages are extracted from (as in the Makefile).
CATALOGS = {"core": (ROOT / "core" / "translations", [ROOT / "core", ROOT / "templates"])}
for plugin in ("interventions", "missions", "assistance", "advocacy"):
    CATALOGS[plugin] = (ROOT / "plugins" / plugin / "translations", [ROOT / "plugins" / plugin])


def _source_messages(folders: list[Path]) -> set[tuple[str | None, str]]:
    """(context, message) of every translatable message in ``folders``."""
    found = set()
    for folder in folders:
        for _filename, _lineno, message, _comments, context in extract_from_dir(
            str(folder), METHOD_MAP, keywords=KEYWORDS
        ):
            found.add((context, message[0] if isinstance(message, tuple) else message))
    return found


def _catalog(name: str, language: str) -> polib.POFile:
    path = CATALOGS[name][0] / language / "LC_MESSAGES" / "messages.po"
    assert path.exists(), f"missing catalog {path}"
    return polib.pofile(str(path))


@pytest.mark.parametrize("name", sorted(CATALOGS))
def test_catalogs_hold_exactly_the_messages_of_the_source(name):
    """Fails when a message was added or removed without `make translations-update`."""
    source = _source_messages(CATALOGS[name][1])
    assert source, f"{name} has no translatable message"
    for language in LANGUAGES:
        catalog = {(entry.msgctxt, entry.msgid) for entry in _catalog(name, language) if not entry.obsolete}
        assert source - catalog == set(), f"{name}/{language}: not in the catalog (run make translations-update)"
        assert catalog - source == set(), f"{name}/{language}: stale entries (run make translations-update)"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", sorted(CATALOGS))
def test_every_message_is_translated_with_the_same_placeholders(name, language):
    catalog = _catalog(name, language)
    plurals = catalog.metadata and int(re.search(r"nplurals=(\d+)", catalog.metadata["Plural-Forms"]).group(1))
    for entry in (e for e in catalog if not e.obsolete):
        assert "fuzzy" not in entry.flags, f"{name}/{language}: fuzzy {entry.msgid!r}"
        expected = set(PLACEHOLDER.findall(entry.msgid))
        if entry.msgid_plural:
            assert len(entry.msgstr_plural) == plurals, f"{name}/{language}: plural forms of {entry.msgid!r}"
            translations = list(entry.msgstr_plural.values())
        else:
            translations = [entry.msgstr]
        for text in translations:
            assert text.strip(), f"{name}/{language}: untranslated {entry.msgid!r}"
            assert set(PLACEHOLDER.findall(text)) == expected, f"{name}/{language}: placeholders of {entry.msgid!r}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_message_has_one_meaning_across_the_catalogs(language):
    """The plugins' catalogs are merged into one, where the last one read wins: a message that the core and
    a plugin (or two plugins) translate differently would show one plugin's words in another's pages ("Record"
    the noun as "Enregistrer" the verb). Such a message needs a context (``pgettext``), or one translation."""
    seen: dict[tuple[str | None, str], dict[str, str]] = {}
    for name in CATALOGS:
        for entry in (e for e in _catalog(name, language) if not e.obsolete and not e.msgid_plural):
            seen.setdefault((entry.msgctxt, entry.msgid), {})[name] = entry.msgstr
    differing = {key: found for key, found in seen.items() if len(set(found.values())) > 1}
    assert differing == {}


def test_compiled_catalogs_are_present():
    for name, (folder, _sources) in CATALOGS.items():
        for language in LANGUAGES:
            mo = folder / language / "LC_MESSAGES" / "messages.mo"
            assert mo.exists(), f"{mo} missing: run make translations-compile"


def test_browser_language_is_used_before_any_choice(client):
    page = client.get("/login", headers={"Accept-Language": "es-ES,es;q=0.9"}).get_data(as_text=True)
    assert "Iniciar sesión" in page
    assert '<html lang="es">' in page


def test_choice_is_remembered_in_the_session_and_on_the_account(app, client, make_user):
    response = client.post("/language", data={"csrf_token": csrf_token(client), "locale": "fr", "next": "/login"})
    assert response.status_code == 302 and response.location == "/login"
    assert "Se connecter" in client.get("/login").get_data(as_text=True)
    user = make_user("readonly")
    login(client, user)
    client.post("/language", data={"csrf_token": csrf_token(client, "/account/"), "locale": "es"})
    other = app.test_client()  # a new browser: the account remembers Spanish
    login(other, user)
    assert "Panel" in other.get("/").get_data(as_text=True)


def test_unknown_language_is_ignored(client):
    client.post("/language", data={"csrf_token": csrf_token(client), "locale": "xx"})
    assert "Log in" in client.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_plugin_catalogs_are_merged(client, make_user):
    login(client, make_user("admin"))
    client.post("/language", data={"csrf_token": csrf_token(client, "/account/"), "locale": "fr"})
    page = client.get("/admin/plugins").get_data(as_text=True)
    assert "Interventions urgentes" in page and "Plaidoyer" in page


def test_form_errors_follow_the_language(client):
    client.post("/language", data={"csrf_token": csrf_token(client), "locale": "fr"})
    page = client.post("/login", data={"csrf_token": csrf_token(client), "email": "nope", "password": ""}).get_data(
        as_text=True)
    assert "Saisissez une adresse électronique valide" in page
    assert "Ce champ est obligatoire." in page


def test_wtforms_messages_follow_each_request_language(client):
    """WTForms' catalogs are read once per language per process: each request still gets its own language."""
    expected = {"fr": "Ce champ est obligatoire.", "es": "Este campo es obligatorio.", "en": "This field is required."}
    for locale in ("fr", "es", "en", "fr"):
        client.post("/language", data={"csrf_token": csrf_token(client), "locale": locale})
        page = client.post("/login", data={"csrf_token": csrf_token(client), "email": "a@b.org", "password": ""})
        assert expected[locale] in page.get_data(as_text=True), locale


def test_dates_and_numbers_follow_the_locale(app):
    from datetime import datetime, timezone
    from decimal import Decimal

    from flask_babel import (
        force_locale,
        format_currency,
        format_datetime,
        format_decimal,
    )

    moment = datetime(2026, 3, 5, 14, 30, tzinfo=timezone.utc)
    with app.test_request_context():
        with force_locale("fr"):
            assert format_datetime(moment, "long").startswith("5 mars 2026")
            assert format_decimal(Decimal("12500.5")).replace("\u202f", " ").replace("\xa0", " ") == "12 500,5"
            assert format_currency(Decimal("7500"), "EUR").replace("\u202f", " ").replace("\xa0", " ") == "7 500,00 €"
        with force_locale("es"):
            assert "marzo" in format_datetime(moment, "long")
        with force_locale("en"):
            assert format_decimal(Decimal("12500.5")) == "12,500.5"


def test_templates_follow_a_forced_locale_and_come_back(app):
    """Templates find their translations once per locale (core.languages.i18n.current_translations), and still switch
    inside ``force_locale`` (publications in another language) and back after it."""
    from flask import render_template_string
    from flask_babel import force_locale

    template = "{{ _('Save') }}"
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert render_template_string(template) == "Save"
        with force_locale("fr"):
            assert render_template_string(template) == "Enregistrer"
            with force_locale("es"):
                assert render_template_string(template) == "Guardar"
            assert render_template_string(template) == "Enregistrer"
        assert render_template_string(template) == "Save"


@pytest.mark.parametrize("zone", ["UTC", "America/Bogota"])
def test_date_filters_and_messages_say_what_flask_babel_says(make_app, zone):
    """The templates' date and number filters (in the house style: core.languages.i18n.DATE_PATTERNS) and the Python ``gettext``/``lazy_gettext`` (core.languages.i18n, lighter per call)
    give Flask-Babel's own results, in each language and time zone, under nested ``force_locale``."""
    from datetime import date, datetime, timedelta, timezone
    from decimal import Decimal

    import flask_babel
    from flask import render_template_string

    from core.languages import i18n

    app = make_app(BABEL_DEFAULT_TIMEZONE=zone)
    moments = [date(2026, 12, 3), datetime(2026, 10, 30, 23, 38), datetime(2026, 10, 30, 23, 38, tzinfo=timezone.utc),
               datetime(2026, 1, 1, 2, 0, tzinfo=timezone(timedelta(hours=5)))]
    later = i18n.lazy_gettext("Welcome, %(name)s", name="Ana")
    with app.test_request_context(headers={"Accept-Language": "en"}):
        for language in ("en", "fr", "es"):
            with flask_babel.force_locale(language):
                for moment in moments:
                    for style in ("short", "medium", "long"):
                        shown = render_template_string("{{ m|date(s) }}", m=moment, s=style)
                        pattern = i18n.date_pattern(style, language)  # the house style, by Babel
                        assert shown == flask_babel.format_date(moment, pattern), (language, moment, style)
                        if isinstance(moment, datetime):
                            shown = render_template_string("{{ m|datetime(s) }}", m=moment, s=style)
                            assert shown == flask_babel.format_datetime(moment, f"{pattern}, HH:mm"), \
                                (language, moment, style)
                for number in (7, 12500, Decimal("12500.5"), 0.25):
                    assert render_template_string("{{ n|number }}", n=number) == flask_babel.format_decimal(number)
                    assert render_template_string("{{ n|number('#,##0.########') }}", n=number) == \
                        flask_babel.format_decimal(number, "#,##0.########"), (language, number)
                assert i18n.gettext("Save") == flask_babel.gettext("Save")
                assert str(later) == flask_babel.gettext("Welcome, %(name)s", name="Ana")
                assert i18n.ngettext("%(num)d result", "%(num)d results", 2) == flask_babel.ngettext(
                    "%(num)d result", "%(num)d results", 2)
        assert str(later) == "Welcome, Ana"
        with flask_babel.force_locale("fr"):
            assert i18n.gettext("Save") == "Enregistrer"
        assert i18n.gettext("Save") == "Save"


@pytest.mark.parametrize("locale", ["en", "fr", "es"])
def test_template_messages_say_what_jinja_new_style_gettext_says(app, locale):
    """Templates' ``_()`` (core.languages.i18n.template_gettext, one call) escapes and formats as Jinja's own new-style
    gettext does: the message as markup, its variables escaped, ``%%`` read as ``%``."""
    from flask import render_template_string
    from jinja2.ext import _make_new_gettext

    from core.languages import i18n

    templates = ["{{ _('Save') }}", "{{ _('Case: %(title)s', title=title) }}", "{{ _('100%% sure') }}",
                 "{% autoescape false %}{{ _('Case: %(title)s', title=title) }}{% endautoescape %}",
                 "{{ _('publish as “%(name)s”', name=title) }}"]
    with app.test_request_context(headers={"Accept-Language": locale}):
        ours = [render_template_string(t, title="<b>A & B</b>") for t in templates]
        jinja_own = _make_new_gettext(lambda string: i18n.current_translations().ugettext(string))
        app.jinja_env.globals.update(_=jinja_own, gettext=jinja_own)
        try:
            theirs = [render_template_string(t, title="<b>A & B</b>") for t in templates]
        finally:
            i18n.install_template_gettext(app)
    assert ours == theirs
    assert "&lt;b&gt;A &amp; B&lt;/b&gt;" in ours[1] and "100% sure" == ours[2]


def test_words_with_two_meanings_keep_each_in_the_merged_catalogs(app):
    """The core's "Record" (a noun) and a plugin's "Record" (a button) no longer overwrite each other."""
    from core.languages.i18n import gettext, lazy_pgettext, pgettext

    with app.test_request_context("/", headers={"Accept-Language": "fr"}):
        assert (gettext("Record"), pgettext("verb", "Record")) == ("Fiche", "Enregistrer")
        assert (gettext("Closed"), pgettext("case", "Closed")) == ("Close", "Clos")
        assert (gettext("High"), str(lazy_pgettext("priority", "High"))) == ("Élevé", "Haute")
    with app.test_request_context("/", headers={"Accept-Language": "es"}):
        assert (gettext("State"), pgettext("perpetrator", "State")) == ("Estado", "Estatal")


def test_labels_in_language_follow_each_request_and_keep_their_contexts(app):
    """A module's lazy labels as text: French, Spanish, then French again, each right, each with its context."""
    from core.languages.i18n import in_language, lazy_gettext, lazy_pgettext

    labels = {"closed": lazy_pgettext("case", "Closed"), "high": lazy_pgettext("priority", "High"),
              "record": lazy_gettext("Record")}
    for language, expected in (("fr", ("Clos", "Haute", "Fiche")), ("es", ("Cerrado", "Alta", "Registro")),
                               ("fr", ("Clos", "Haute", "Fiche"))):
        with app.test_request_context("/", headers={"Accept-Language": language}):
            shown = in_language(labels)
            assert tuple(shown.values()) == expected
            assert all(type(text) is str for text in shown.values())
