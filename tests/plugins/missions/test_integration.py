"""What missions give the rest of the platform: deadlines and calendar feeds, the dashboard widget, defender
timelines, global search, merges, the bulletin and annual report sections."""
from __future__ import annotations

import html
from datetime import date, timedelta

from flask_login import login_user
from icalendar import Calendar
from sqlalchemy import select

from core.database.models import User
from core.extensions import db
from core.plugin_host import gather
from core.records.merging import merge, undo
from core.records.models import Defender, Partner
from plugins.missions import services
from plugins.missions.models import Hearing, Mission, MissionDefender, MissionPartner, ReportText

from ...conftest import login, post_form
from ...records_helpers import add_defender, add_partner
from ...support.canaries import texts_of
from .helpers import add_mission

TODAY = date.today()
PUBLIC_WORDING = "Judicial observation (trial observation): Türkiye"  # a mission's type and country, in feeds


def _add_hearing(app, mission_id: int, held_on: date) -> None:
    with app.app_context():
        db.session.add(Hearing(mission_id=mission_id, held_on=held_on))
        db.session.commit()


def test_mission_dates_and_hearings_reach_the_upcoming_page_dashboard_and_calendar_feed(app, make_user):
    officer = make_user("case_officer")
    open_id = add_mission(app, officer, title="Trial of the Izmir lawyers", start=TODAY + timedelta(days=5),
                          end=TODAY + timedelta(days=7), status="preparing")
    secret_id = add_mission(app, officer, title="Hearing of the witness Z", confidentiality="restricted",
                            start=TODAY + timedelta(days=9), end=TODAY + timedelta(days=9))
    cancelled = add_mission(app, officer, title="Cancelled visit", start=TODAY + timedelta(days=3),
                            status="cancelled")
    _add_hearing(app, open_id, TODAY + timedelta(days=6))
    _add_hearing(app, secret_id, TODAY + timedelta(days=9))
    _add_hearing(app, cancelled, TODAY + timedelta(days=3))
    client = app.test_client()
    login(client, officer)
    page = html.unescape(client.get("/upcoming").get_data(as_text=True))
    assert "Mission begins: Trial of the Izmir lawyers" in page and "Hearing: Trial of the Izmir lawyers" in page
    assert "Mission ends: Trial of the Izmir lawyers" in page and "Cancelled visit" not in page
    dashboard = html.unescape(client.get("/").get_data(as_text=True))
    assert "Hearings in the next 30 days" in dashboard and "Trial of the Izmir lawyers" in dashboard
    address = post_form(client, "/upcoming/feed").get_data(as_text=True).split(
        'id="feed-address" class="user-select-all fs-6">')[1].split("<")[0].replace("http://127.0.0.1:5000", "")
    anonymous = app.test_client()
    feed = anonymous.get(address)
    calendar = Calendar.from_ical(feed.data)  # a valid iCalendar file
    summaries = sorted(str(event["summary"]) for event in calendar.walk("VEVENT"))
    assert f"Hearing: {PUBLIC_WORDING}" in summaries and summaries.count("Confidential deadline") == 2
    assert b"Izmir lawyers" not in feed.data  # a working title stays in the organisation
    assert b"witness" not in feed.data and f"/missions/{secret_id}".encode() not in feed.data
    assert anonymous.get("/calendar/not-a-token.ics").status_code == 404
    other = app.test_client()
    login(other, make_user("case_officer", email="other@example.org"))
    assert "witness" not in other.get("/upcoming").get_data(as_text=True)


def test_a_missions_working_title_never_reaches_a_calendar_feed(app, make_user):
    """The title staff gave the mission may name people: the feed leaves the organisation, so it names the mission
    by its type and countries; staff still see the working title on their upcoming page."""
    officer = make_user("case_officer")
    mission_id = add_mission(app, officer, title="Observation of the Demirtaş trial", start=TODAY + timedelta(days=4),
                             end=TODAY + timedelta(days=6))
    _add_hearing(app, mission_id, TODAY + timedelta(days=5))
    client = app.test_client()
    login(client, officer)
    assert "Mission begins: Observation of the Demirtaş trial" in html.unescape(
        client.get("/upcoming").get_data(as_text=True))
    address = post_form(client, "/upcoming/feed").get_data(as_text=True).split(
        'id="feed-address" class="user-select-all fs-6">')[1].split("<")[0].replace("http://127.0.0.1:5000", "")
    feed = app.test_client().get(address)
    summaries = sorted(str(event["summary"]) for event in Calendar.from_ical(feed.data).walk("VEVENT"))
    assert summaries == [f"Hearing: {PUBLIC_WORDING}", f"Mission begins: {PUBLIC_WORDING}",
                         f"Mission ends: {PUBLIC_WORDING}"]
    assert "Demirta" not in " ".join(texts_of(feed.data))


def test_dashboard_widget_lists_missions_in_the_field(app, make_user):
    officer = make_user("case_officer")
    add_mission(app, officer, title="Solidarity visit to Nairobi", kind="solidarity", countries=("KEN",),
                start=TODAY, end=TODAY + timedelta(days=2), status="in_field")
    client = app.test_client()
    login(client, officer)
    page = html.unescape(client.get("/").get_data(as_text=True))
    widget = page[page.index('id="missions-in-field"'):]
    assert "Solidarity visit to Nairobi" in widget.split("</ul>")[0]


def test_defender_timeline_shows_missions_and_published_reports(app, make_user):
    officer = make_user("case_officer")
    defender_id = add_defender(app, "Ayşe Yılmaz", country="TUR")
    mission_id = add_mission(app, officer, title="Trial of <b>Ayşe</b>", start=date(2026, 3, 2),
                             status="report_published", report_published_on=date(2026, 5, 1))
    hidden = add_mission(app, make_user("coordinator"), title="Secret relocation visit", confidentiality="restricted")
    with app.app_context():
        db.session.add_all([MissionDefender(mission_id=mission_id, defender_id=defender_id, on_trial=True),
                            MissionDefender(mission_id=hidden, defender_id=defender_id)])
        db.session.commit()
    client = app.test_client()
    login(client, officer)
    page = client.get(f"/defenders/{defender_id}").get_data(as_text=True)
    assert "Trial observed: Trial of &lt;b&gt;Ayşe&lt;/b&gt;" in page and "<b>Ayşe</b>" not in page  # escaped
    assert "Mission report published" in page and "Secret relocation visit" not in page
    with app.app_context():  # the hearings observed follow, in their order, under one kind of step
        db.session.add_all([Hearing(mission_id=mission_id, held_on=date(2026, 3, 3), outcome="adjourned"),
                            Hearing(mission_id=mission_id, held_on=date(2026, 4, 9), outcome="verdict"),
                            Hearing(mission_id=hidden, held_on=date(2026, 3, 4))])
        db.session.commit()
    page = html.unescape(client.get(f"/defenders/{defender_id}?kind=mission").get_data(as_text=True))
    timeline = page.split('id="timeline"')[1].split("</ol>")[0]
    assert [timeline.index(step) for step in ("Mission report published", "Hearing observed (Verdict)",
                                              "Hearing observed (Adjourned)", "Trial observed")] == sorted(
        timeline.index(step) for step in ("Mission report published", "Hearing observed (Verdict)",
                                          "Hearing observed (Adjourned)", "Trial observed"))
    assert timeline.count("Hearing observed") == 2 and timeline.count('data-kind="mission"') == 4


def test_global_search_finds_missions_by_title_objectives_and_findings(app, make_user):
    officer = make_user("case_officer")
    mission_id = add_mission(app, officer, title="Support to Honduran land defenders", kind="support",
                             countries=("HND",))
    add_mission(app, make_user("coordinator"), title="Support hidden", confidentiality="restricted")
    client = app.test_client()
    login(client, officer)
    post_form(client, f"/missions/{mission_id}/report", {"title_es": "Defensoras de la tierra",
                                                          "findings_es": "Criminalización sistemática en Tocoa."})
    for words in ("honduran", "tocoa", "criminalizacion", "defenso tierra"):
        page = html.unescape(client.get(f"/search?q={words}").get_data(as_text=True))
        assert "Support to Honduran land defenders" in page, words
    assert "Support hidden" not in client.get("/search?q=support").get_data(as_text=True)


def test_merging_defenders_and_partners_moves_mission_links_and_can_be_undone(app, make_user):
    officer = make_user("case_officer")
    first, second = add_mission(app, officer), add_mission(app, officer, title="Second trial")
    source, target = add_defender(app, "Aylin Kaya"), add_defender(app, "Aylin Kaya Demir")
    old_partner, new_partner = add_partner(app, "Izmir Bar"), add_partner(app, "Izmir Bar Association")
    with app.app_context():
        db.session.add_all([MissionDefender(mission_id=first, defender_id=source, on_trial=True),
                            MissionDefender(mission_id=second, defender_id=source),
                            MissionDefender(mission_id=second, defender_id=target),
                            MissionPartner(mission_id=first, partner_id=old_partner)])
        db.session.commit()
    with app.test_request_context():
        login_user(db.session.get(User, make_user("admin", email="admin2@example.org").id))
        entry = merge("defender", db.session.get(Defender, source), db.session.get(Defender, target))
        links = sorted(db.session.execute(select(MissionDefender.mission_id, MissionDefender.defender_id)).all())
        assert links == [(first, target), (second, target)]
        merge("partner", db.session.get(Partner, old_partner), db.session.get(Partner, new_partner))
        assert db.session.scalar(select(MissionPartner.partner_id)) == new_partner
        undo(entry)
        links = sorted(db.session.execute(select(MissionDefender.mission_id, MissionDefender.defender_id)).all())
        assert links == [(first, source), (second, source), (second, target)]


def test_bulletin_and_annual_report_sections_hold_nothing_confidential(app, make_user):
    officer = make_user("case_officer")
    public = add_mission(app, officer, title="Trial of Ayşe Yılmaz (internal title)", start=date(2026, 3, 2),
                         end=date(2026, 3, 4), status="report_published", report_published_on=date(2026, 3, 20))
    add_mission(app, officer, title="Relocation of Mehmet", kind="support", confidentiality="restricted",
                start=date(2026, 3, 5), end=date(2026, 3, 6), status="closed")
    add_mission(app, officer, title="Never happened", start=date(2026, 3, 10), status="cancelled")
    with app.app_context():
        db.session.add(ReportText(mission_id=public, language="en", title="A trial without guarantees",
                                  summary="Unfair.", findings=""))
        db.session.commit()
        sections = gather.bulletin_sections(2026, 3, "fr")
        annual = gather.annual_report_sections(2026, "es")
    keys = {s.key: s for s in sections}
    assert set(keys) >= {"missions", "mission_reports"}
    item = keys["missions"].items[0]
    assert len(keys["missions"].items) == 1 and item.place == "Turquie" and item.key == f"mission:{public}"
    assert item.kind == "Mission d'observation judiciaire" and item.text == "Unfair."
    assert item.title == "A trial without guarantees" and item.fallback is True and item.language == "en"
    text = repr(sections) + repr(annual)
    assert "Mehmet" not in text and "Relocation" not in text and "internal title" not in text
    assert "Never happened" not in text
    assert [s.key for s in annual if s.key == "missions"] == ["missions"] and len(annual[0].items) == 1


def test_demo_data_adds_missions_at_every_step(app):
    from core.records import demo as core_demo
    from plugins.missions.demo import load

    with app.app_context():
        core_demo.load(1)
        assert load(2) == 24
        db.session.commit()
        statuses = set(db.session.scalars(select(Mission.status)))
        assert len(statuses) >= 5
        assert db.session.scalar(select(Hearing.id).limit(1)) is not None
        mission = db.session.scalar(select(Mission).where(Mission.status == "report_published").limit(1))
        assert mission is not None and mission.report_languages() == ["en", "es", "fr"]  # reports in the three languages
        assert services.budget_summary(mission).planned_total > 0
