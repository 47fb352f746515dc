"""The deadline engine: plugins' dated items on the upcoming page, the dashboard and a private calendar feed."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from icalendar import Calendar

from .conftest import login, post_form
from .plugin_factory import install_plugin

HEARINGS = '''
from datetime import date, timedelta
from core.plugin_host.contributions import DatedItem, RESTRICTED
from core.plugin_host.hookspecs import hookimpl

@hookimpl
def observatory_deadlines(start, end, user):
    today = date.today()
    return [DatedItem(today + timedelta(days=3), "Hearing of Aylin Kaya", "hearing", "/hearings/1"),
            DatedItem(today + timedelta(days=5), "Relocation of witness X", "grant", "/grants/9",
                      permission="core.defenders.view", confidentiality=RESTRICTED),
            DatedItem(today + timedelta(days=60), "UPR submission deadline", "session"),
            DatedItem(today + timedelta(days=2), "Committee vote", "vote", permission="core.users.manage")]
'''


@pytest.fixture
def app_with_dates(tmp_path, monkeypatch, make_app):
    install_plugin(tmp_path / "site", monkeypatch, HEARINGS, entry_name="hearings")
    return make_app()


def test_upcoming_page_lists_the_period_in_date_order(app_with_dates, make_user):
    client = app_with_dates.test_client()
    login(client, make_user("case_officer"))
    page = client.get("/upcoming").get_data(as_text=True)
    assert page.index("Hearing of Aylin Kaya") < page.index("Relocation of witness X")
    assert "UPR submission deadline" not in page and "Committee vote" not in page
    assert "UPR submission deadline" in client.get("/upcoming?days=90").get_data(as_text=True)
    assert client.get("/upcoming?days=abc").status_code == 200


def test_dashboard_shows_the_next_two_weeks(app_with_dates, make_user):
    client = app_with_dates.test_client()
    login(client, make_user("readonly"))
    page = client.get("/").get_data(as_text=True)
    assert "Coming up" in page and "Hearing of Aylin Kaya" in page and "UPR submission" not in page


def _feed_address(client) -> str:
    page = post_form(client, "/upcoming/feed").get_data(as_text=True)
    address = page.split('id="feed-address" class="user-select-all fs-6">')[1].split("<")[0]
    return address.replace("http://127.0.0.1:5000", "")


def test_private_feed_hides_restricted_details_and_can_be_revoked(app_with_dates, make_user):
    client = app_with_dates.test_client()
    login(client, make_user("case_officer"))
    address = _feed_address(client)
    anonymous = app_with_dates.test_client()
    response = anonymous.get(address)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.data)
    summaries = sorted(str(event["summary"]) for event in calendar.walk("VEVENT"))
    assert summaries == ["Confidential deadline", "Hearing of Aylin Kaya", "UPR submission deadline"]
    assert b"witness" not in response.data and b"/grants/9" not in response.data
    hearing = next(e for e in calendar.walk("VEVENT") if str(e["summary"]).startswith("Hearing"))
    assert hearing["dtstart"].dt == date.today() + timedelta(days=3)
    assert str(hearing["url"]) == "http://127.0.0.1:5000/hearings/1"

    new_address = _feed_address(client)
    assert anonymous.get(address).status_code == 404  # the old address stopped working
    assert anonymous.get(new_address).status_code == 200
    post_form(client, "/upcoming/feed/revoke")
    assert anonymous.get(new_address).status_code == 404
    assert anonymous.get("/calendar/guess.ics").status_code == 404


def test_feed_follows_the_users_language(app_with_dates, make_user):
    client = app_with_dates.test_client()
    login(client, make_user("case_officer"))
    post_form(client, "/language", {"locale": "fr"})
    address = _feed_address(client)
    assert b"Confidential" not in app_with_dates.test_client().get(address).data
    assert "Échéance confidentielle".encode() in app_with_dates.test_client().get(address).data


def test_a_deactivated_users_feed_stops(app_with_dates, make_user):
    from core.database.models import User
    from core.extensions import db

    user = make_user("case_officer")
    client = app_with_dates.test_client()
    login(client, user)
    address = _feed_address(client)
    with app_with_dates.app_context():
        db.session.get(User, user.id).active = False
        db.session.commit()
    assert app_with_dates.test_client().get(address).status_code == 404


MANY = '''
from datetime import date, timedelta
from core.plugin_host.contributions import DatedItem
from core.plugin_host.hookspecs import hookimpl

@hookimpl
def observatory_deadlines(start, end, user, limit):
    today = date.today()
    return [DatedItem(today + timedelta(days=day), f"Limited to {limit}, day {day}", "vote") for day in range(1, 10)]
'''


def test_the_dashboard_asks_for_its_few_earliest_dates_and_shows_no_more(tmp_path, monkeypatch, make_app, make_user):
    """A plugin may take ``limit`` (the dashboard's rows) and return only that many; one returning more is cut."""
    from core.builtin import WIDGET_ROWS

    install_plugin(tmp_path / "site", monkeypatch, MANY, entry_name="many")
    client = make_app().test_client()
    login(client, make_user("readonly"))
    dashboard = client.get("/").get_data(as_text=True)
    assert [f"Limited to {WIDGET_ROWS}, day {day}" in dashboard for day in range(1, 10)] == \
        [day <= WIDGET_ROWS for day in range(1, 10)]
    upcoming = client.get("/upcoming").get_data(as_text=True)
    assert all(f"Limited to None, day {day}" in upcoming for day in range(1, 10))


VISITS = '''
from datetime import date, timedelta
from core.plugin_host.contributions import DatedItem
from core.plugin_host.hookspecs import hookimpl

@hookimpl
def observatory_deadlines(start, end, user):
    today = date.today()
    return [DatedItem(today + timedelta(days=3), "Trial of Rosa Blanco", "hearing"),
            DatedItem(today + timedelta(days=4), "Visit to the Blanco family", "visit")]
'''


def test_the_feed_passes_through_the_disclosure_guard(tmp_path, monkeypatch, make_app, make_user):
    """Entries naming a defender who did not consent: the calendar feed masks the name (the feed leaves the
    organisation), and an ambiguous form is masked too, since nobody is there to decide."""
    from core.extensions import db
    from core.records.models import Defender

    from .records_helpers import add_defender

    install_plugin(tmp_path / "site", monkeypatch, VISITS, entry_name="visits")
    app = make_app()
    officer = make_user("case_officer")
    add_defender(app, "Rosa Blanco", publication_name="R. B.")
    client = app.test_client()
    login(client, officer)
    feed = app.test_client().get(_feed_address(client))
    summaries = {str(event["summary"]) for event in Calendar.from_ical(feed.data).walk("VEVENT")}
    assert {"Trial of R. B.", "Visit to the R. B. family"} <= summaries
    assert b"Blanco" not in feed.data and b"Rosa" not in feed.data
    with app.app_context():
        assert db.session.query(Defender).count() == 1
