"""One date and number style per language: the day, the month's name and the year in lists and pages ("7 Dec
2026", "7 déc. 2026", "7 dic 2026"), the long form in documents ("7 de diciembre de 2026"), 24-hour times, and
amounts with their currency, messages included. Never a US short date ("11/7/26, 7:19 PM", "12/4/26")."""
from __future__ import annotations

import html
import re
from datetime import date, datetime, timezone

from flask import render_template_string
from flask_babel import force_locale
from sqlalchemy import select

from core.extensions import db
from plugins.missions.models import Mission

from .conftest import login, post_form
from .plugins.missions.helpers import add_mission

#: A date written with figures and slashes, or a time on the 12-hour clock.
US_SHORT = re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b\d{1,2}:\d{2}(:\d{2})?\s?[AP]M\b")
LIST_DATE = {"en": "7 Dec 2026", "fr": "7 déc. 2026", "es": "7 dic 2026"}
LONG_DATE = {"en": "7 December 2026", "fr": "7 décembre 2026", "es": "7 de diciembre de 2026"}
MOMENT = {"en": "7 Dec 2026, 19:07", "fr": "7 déc. 2026, 19:07", "es": "7 dic 2026, 19:07"}


def visible_text(page: str) -> str:
    """A page's text as a reader sees it: no tags (addresses hold figures and slashes), no scripts."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page)).replace("\xa0", " ").replace("\u202f", " ")


def test_template_filters_give_the_house_style_in_each_language(app):
    moment = datetime(2026, 12, 7, 19, 7, tzinfo=timezone.utc)
    template = "{{ day|date }}|{{ day|date('short') }}|{{ day|date('long') }}|{{ day|date('month') }}|" \
               "{{ moment|datetime }}|{{ moment|datetime('short') }}|{{ 48550|currency('EUR') }}"
    with app.test_request_context():
        for language in ("en", "fr", "es"):
            with force_locale(language):
                shown = render_template_string(template, day=date(2026, 12, 7), moment=moment)
            shown = html.unescape(shown).replace("\xa0", " ").replace("\u202f", " ")
            month = {"en": "December 2026", "fr": "décembre 2026", "es": "diciembre de 2026"}[language]
            money = {"en": "€48,550.00", "fr": "48 550,00 €", "es": "48.550,00 €"}[language]
            assert shown.split("|") == [LIST_DATE[language], LIST_DATE[language], LONG_DATE[language], month,
                                        MOMENT[language], MOMENT[language], money], language


def test_a_pattern_of_its_own_is_still_a_babel_pattern(app):
    """A plugin's template may still ask for a pattern of its own (``|date('d MMM')``): no error page."""
    with app.test_request_context(), force_locale("fr"):
        assert render_template_string("{{ day|date('d MMMM') }}", day=date(2026, 12, 7)) == "7 décembre"


def test_a_list_a_record_and_a_document_show_dates_the_language_s_way(app, make_user):
    """The missions list, a mission's page (with a step taken at 19:07) and its published report, in each
    language: the list and page forms, the document's long form, 24-hour times, and no US short date."""
    officer = make_user("case_officer")
    mission_id = add_mission(app, officer, title="Trial observation in Izmir", start=date(2026, 12, 7),
                             end=date(2026, 12, 9))
    client = app.test_client()
    login(client, officer)
    assert post_form(client, f"/missions/{mission_id}/step", {"target": "postponed", "reason": "Visas"}) \
        .status_code == 302
    assert post_form(client, f"/missions/{mission_id}/report", {
        **{f"title_{language}": f"Report {language}" for language in ("en", "fr", "es")},
        **{f"summary_{language}": "Unfair." for language in ("en", "fr", "es")}}).status_code == 302
    with app.app_context():
        mission = db.session.scalar(select(Mission).where(Mission.id == mission_id))
        mission.steps[-1].at = datetime(2026, 12, 7, 19, 7, tzinfo=timezone.utc)
        db.session.commit()
    for language in ("en", "fr", "es"):
        reader = app.test_client()
        login(reader, make_user("case_officer", email=f"reader-{language}@example.org", locale=language))
        listing = visible_text(reader.get("/missions/").get_data(as_text=True))
        record = visible_text(reader.get(f"/missions/{mission_id}").get_data(as_text=True))
        document = visible_text(reader.get(f"/missions/{mission_id}/report/download?language={language}&format=html")
                                .get_data(as_text=True))
        assert f"{LIST_DATE[language]} – 9 " in listing, language
        assert LIST_DATE[language] in record and MOMENT[language] in record, language
        assert LONG_DATE[language] in document, language
        for page in (listing, record, document):
            assert US_SHORT.findall(page) == [], language
