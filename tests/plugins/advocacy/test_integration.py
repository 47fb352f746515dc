"""What advocacy gives the rest of the platform: sessions, deadlines and expected replies on the upcoming page,
the dashboard and calendar feeds; defender timelines; global search; merges; demo data."""
from __future__ import annotations

import html
from datetime import date, timedelta

from flask_login import login_user
from icalendar import Calendar
from sqlalchemy import func, select

from core.database.models import User
from core.disclosure import Guard
from core.extensions import db
from core.plugin_host import gather
from core.records.merging import merge, undo
from core.records.models import Defender
from plugins.advocacy.models import ActionDefender, ActionRecordLink, AdvocacyAction, Answer, MechanismSession

from ...conftest import login, post_form
from ...records_helpers import add_defender
from .helpers import add_action, mechanism_id

TODAY = date.today()


def _page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _add_session(app, key: str, title: str, starts_on: date, ends_on: date | None = None, kind: str = "session"):
    with app.app_context():
        db.session.add(MechanismSession(mechanism_id=mechanism_id(key), kind=kind, title=title, starts_on=starts_on,
                                        ends_on=ends_on))
        db.session.commit()


def test_sessions_deadlines_and_replies_reach_the_upcoming_page_dashboard_and_feed(app, make_user):
    officer = make_user("case_officer")
    _add_session(app, "un_hrc", "64th session", TODAY + timedelta(days=10), TODAY + timedelta(days=40))
    _add_session(app, "un_upr", "Submissions on Türkiye", TODAY + timedelta(days=5), kind="deadline")
    _add_session(app, "au_achpr", "Ordinary session next year", TODAY + timedelta(days=200))
    add_action(app, officer, title="Appeal on the Izmir lawyers", sent_on=TODAY - timedelta(days=20),
               reply_expected_by=TODAY + timedelta(days=8))
    add_action(app, officer, title="Communication on witness Z", confidentiality="restricted",
               sent_on=TODAY - timedelta(days=20), reply_expected_by=TODAY + timedelta(days=9))
    client = app.test_client()
    login(client, officer)
    page = _page(client.get("/upcoming?days=90"))
    for text in ("Session opens, HRC: 64th session", "Session closes, HRC: 64th session",
                 "Deadline, UPR: Submissions on Türkiye", "Reply expected: Appeal on the Izmir lawyers",
                 "Reply expected: Communication on witness Z"):
        assert text in page, text
    assert "Ordinary session next year" not in page
    dashboard = _page(client.get("/"))
    dates = dashboard[dashboard.index('id="advocacy-dates"'):]
    dates = dates[:dates.index("</ul>")]
    assert dates.index("Submissions on Türkiye") < dates.index("64th session") and "Ordinary session" not in dates
    address = post_form(client, "/upcoming/feed").get_data(as_text=True).split(
        'id="feed-address" class="user-select-all fs-6">')[1].split("<")[0].replace("http://127.0.0.1:5000", "")
    feed = app.test_client().get(address)
    summaries = sorted(str(event["summary"]) for event in Calendar.from_ical(feed.data).walk("VEVENT"))
    assert "Deadline, UPR: Submissions on Türkiye" in summaries and "Confidential deadline" in summaries
    assert b"witness" not in feed.data
    # The feed leaves the organisation (calendar apps and their clouds): an internal title never goes in it.
    assert "Reply expected: […]" in summaries and b"Izmir lawyers" not in feed.data
    other = app.test_client()
    login(other, make_user("case_officer", email="other@example.org"))
    page = _page(other.get("/upcoming?days=90"))
    assert "witness" not in page and "64th session" in page


def test_defender_timeline_shows_actions_and_answers(app, make_user):
    officer = make_user("case_officer")
    defender = add_defender(app, "Aylin Kaya")
    action_id = add_action(app, officer, title="Appeal on Aylin Kaya", defenders=(defender,), consent="given",
                           sent_on=date(2026, 3, 4))
    add_action(app, officer, title="Statement draft", kind="oral_statement", mechanism="un_hrc",
               defenders=(defender,))
    with app.app_context():
        db.session.add(Answer(action_id=action_id, kind="state_reply", received_on=date(2026, 5, 2)))
        db.session.commit()
    client = app.test_client()
    login(client, officer)
    page = _page(client.get(f"/defenders/{defender}"))
    assert "Sent to SR HRD: Appeal on Aylin Kaya" in page and "Answer: State reply" in page
    assert "Drafted for HRC: Statement draft" in page
    assert page.index("Answer: State reply") < page.index("Sent to SR HRD")  # newest first


def test_global_search_finds_actions_and_mechanisms(app, make_user):
    officer = make_user("case_officer")
    add_action(app, officer, title="Allegation letter on the Minsk journalists", kind="allegation_letter")
    client = app.test_client()
    login(client, officer)
    page = _page(client.get("/search?q=minsk journ"))
    assert "Allegation letter on the Minsk journalists" in page and "Advocacy action" in page
    page = _page(client.get("/search?q=arbitrary detention"))
    assert "Working Group on Arbitrary Detention" in page and "Mechanism" in page


def test_global_search_lists_the_newest_actions_and_the_matching_mechanisms_together(app, make_user):
    """Actions and mechanisms are read in one statement, each with its own share: the ten newest actions (and a
    link to the rest), and the mechanisms whose names hold the words."""
    officer = make_user("case_officer")
    ids = [add_action(app, officer, title=f"Letter {number} to the Human Rights Council") for number in range(12)]
    client = app.test_client()
    login(client, officer)
    page = _page(client.get("/search?q=human rights council"))
    listed = [number for number in range(12) if f"Letter {number} to the Human Rights Council" in page]
    assert listed == list(range(2, 12)) and len(ids) == 12  # the ten newest
    assert ">Human Rights Council</a>" in page and "Mechanism" in page
    assert "only the 10 newest are shown" in page and "/advocacy/?q=human+rights+council" in page


def test_merging_defenders_moves_action_links_and_can_be_undone(app, make_user):
    officer = make_user("case_officer")
    source, target = add_defender(app, "Aylin Kaya"), add_defender(app, "Aylin Kaya Demir")
    first = add_action(app, officer, defenders=(source,), consent="given")
    second = add_action(app, officer, title="Second", defenders=(source, target))
    with app.test_request_context():
        login_user(db.session.get(User, make_user("admin", email="admin2@example.org").id))
        entry = merge("defender", db.session.get(Defender, source), db.session.get(Defender, target))
        links = sorted(db.session.execute(select(ActionDefender.action_id, ActionDefender.defender_id,
                                                 ActionDefender.consent)).all())
        assert links == [(first, target, "given"), (second, target, "")]
        undo(entry)
        links = sorted(db.session.execute(select(ActionDefender.action_id, ActionDefender.defender_id)).all())
        assert links == [(first, source), (second, source), (second, target)]


def test_demo_data_adds_actions_at_every_stage_and_dated_sessions(app):
    with app.app_context():
        messages = gather.load_demo_data(2)  # the advocacy demo runs last: it links the others' records
        assert messages[-1] == "32 advocacy actions"
        db.session.commit()
        linked = set(db.session.scalars(select(ActionRecordLink.record_type)))
        assert linked == {"case", "mission"}
        count = lambda *where: db.session.scalar(select(func.count()).select_from(AdvocacyAction).where(*where))  # noqa: E731
        assert count() == 32
        assert count(AdvocacyAction.sent_on.is_(None)) > 0 and count(AdvocacyAction.sent_on.is_not(None)) > 0
        assert count(AdvocacyAction.reply_expected_by < TODAY) > 0
        assert db.session.scalar(select(func.count()).select_from(Answer)) > 0
        assert db.session.scalar(select(func.count()).select_from(MechanismSession).where(
            MechanismSession.starts_on > TODAY)) >= 5


def test_bulletin_and_annual_report_print_only_what_mechanisms_made_public(app, make_user):
    officer = make_user("case_officer")
    consenting = add_defender(app, "Ana Pérez", country="COL", consent_to_publish=True)
    anonymous = add_defender(app, "Beatriz Secreta", country="COL", publication_name="B. S.")
    hidden = add_defender(app, "Carlos Oculto", country="COL", confidentiality="restricted")
    public = add_action(app, officer, title="Request on Ana and Beatriz (internal title)", kind="precautionary_measures",
                        mechanism="oas_iachr_pm", country="COL", defenders=(consenting, anonymous, hidden),
                        sent_on=date(2026, 2, 1), text="Confidential text of the request")
    add_action(app, officer, title="Restricted appeal on Mehmet", confidentiality="restricted",
               sent_on=date(2026, 2, 3))
    add_action(app, officer, title="Appeal not yet public", sent_on=date(2026, 3, 1))
    with app.app_context():
        action = db.session.get(AdvocacyAction, public)
        action.made_public_on, action.reference = date(2026, 3, 10), "MC-812-26"
        db.session.add(Answer(action_id=public, kind="measures_granted", received_on=date(2026, 3, 10)))
        restricted = db.session.scalar(select(AdvocacyAction).where(AdvocacyAction.title.like("Restricted%")))
        restricted.made_public_on = date(2026, 3, 12)
        db.session.commit()
        bulletin = gather.bulletin_sections(2026, 3, "es")
        annual = gather.annual_report_sections(2026, "fr")
        april = gather.bulletin_sections(2026, 4, "en")
    section = next(s for s in bulletin if s.key == "advocacy")
    assert section.title == "Incidencia ante los órganos intergubernamentales" and len(section.items) == 1
    item = section.items[0]
    assert item.title == "Comisión Interamericana de Derechos Humanos: medidas cautelares"
    assert item.kind == "Solicitud de medidas cautelares" and item.place == "Colombia"
    assert item.reference == "MC-812-26" and item.when == date(2026, 3, 10)
    # names as they are: the core's guard prints the publishable name of those who did not consent
    assert item.details == ("Medidas cautelares otorgadas", "Defensores concernidos: Ana Pérez, Beatriz Secreta")
    with app.test_request_context():
        assert Guard(None, external=True).release(list(item.details)) == [
            "Medidas cautelares otorgadas", "Defensores concernidos: Ana Pérez, B. S."]
    french = next(s for s in annual if s.key == "advocacy").items[0]
    assert french.kind == "Demande de mesures conservatoires"
    text = repr(bulletin) + repr(annual)
    for secret in ("Carlos", "Mehmet", "internal title", "Confidential text", "not yet public"):
        assert secret not in text, secret
    assert not [s for s in april if s.key == "advocacy"]
