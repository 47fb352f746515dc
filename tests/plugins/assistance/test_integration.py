"""What material assistance gives the platform: defender timelines and search for those allowed, dashboard
widgets, report deadlines, anonymised counts for publications, demo data."""
from __future__ import annotations

import html
from datetime import date, timedelta

from sqlalchemy import func, select

from core.database.models import utcnow
from core.extensions import db
from core.plugin_host import gather
from core.publications.annual import report as annual_report
from core.records.demo import load as load_core_demo
from plugins.assistance import permissions, services
from plugins.assistance.demo import load as load_requests
from plugins.assistance.models import GrantRequest, Vote

from ...conftest import login, post_form
from ...records_helpers import add_defender
from .helpers import add_request, committee


def _approve(app, make_user, request_id: int, members=None) -> None:
    for member in members or committee(make_user, 3):
        client = app.test_client()
        login(client, member)
        post_form(client, f"/assistance/{request_id}/conflict", {})
        post_form(client, f"/assistance/{request_id}/vote", {"choice": "approve"})


def test_timeline_and_search_show_requests_only_to_those_allowed(app, make_user):
    officer = make_user("case_officer")
    defender = add_defender(app, "Aylin Kaya", country="TUR")
    request_id = add_request(app, officer, defender=defender)
    _approve(app, make_user, request_id)
    assigned = app.test_client()
    login(assigned, officer)
    page = html.unescape(assigned.get(f"/defenders/{defender}").get_data(as_text=True))
    assert f"Grant request #{request_id}: Replacement of equipment" in page and f"#{request_id} approved" in page
    assert f"Grant request #{request_id}" in html.unescape(assigned.get("/search?q=aylin").get_data(as_text=True))
    assert f"Grant request #{request_id}" in html.unescape(assigned.get("/search?q=kay+ayl").get_data(as_text=True))
    assert "Grant request" not in html.unescape(assigned.get("/search?q=aylin+mehmet").get_data(as_text=True))
    for role, email in (("case_officer", "other@example.org"), ("readonly", "ro@example.org")):
        client = app.test_client()
        login(client, make_user(role, email=email))
        assert "Grant request" not in client.get(f"/defenders/{defender}").get_data(as_text=True), role
        assert "Grant request" not in client.get("/search?q=aylin").get_data(as_text=True), role


def test_search_lists_the_newest_requests_whose_beneficiary_matches_each_once(app, make_user):
    """From the beneficiaries' name words to their requests: the ten newest, whichever word of the name
    matched, a beneficiary with two matching words listed once, the other words of the search applied too."""
    officer = make_user("case_officer")
    beneficiaries = [add_defender(app, name, country="TUR") for name in ("Kaya Demir", "Kayaba Ali", "Kaya Kayaba Cem")]
    stranger = add_defender(app, "Okaya Emre", country="TUR")
    requests = [(add_request(app, officer, defender=beneficiaries[i % 3]), i % 3) for i in range(12)]
    add_request(app, officer, defender=stranger)
    client = app.test_client()
    login(client, officer)

    def listed(query):
        page = html.unescape(client.get(f"/search?q={query}").get_data(as_text=True))
        return [int(part.split("<")[0]) for part in page.split("Grant request #")[1:]]

    newest = sorted((request_id for request_id, _who in requests), reverse=True)
    assert sorted(listed("kaya"), reverse=True) == newest[:10]
    assert sorted(listed("kayab"), reverse=True) == sorted((r for r, who in requests if who), reverse=True)
    assert sorted(listed("cem kaya"), reverse=True) == sorted((r for r, who in requests if who == 2), reverse=True)
    assert listed("emre kaya") == [] and listed("nobody") == []


def test_the_dashboard_shows_the_earliest_reports_due_and_the_upcoming_page_all_of_them(app, make_user):
    """The dashboard asks the plugins for its few earliest dates only; the upcoming page still lists every one."""
    from core.builtin import WIDGET_ROWS

    officer = make_user("case_officer")
    due = {}
    for days in range(WIDGET_ROWS + 2, 0, -1):  # the latest registered first
        request_id = add_request(app, officer)
        due[request_id] = date.today() + timedelta(days=days)
    with app.app_context():
        for request_id, day in due.items():
            grant = db.session.get(GrantRequest, request_id)
            grant.status, grant.report_due_on = GrantRequest.APPROVED, day
        db.session.commit()
    client = app.test_client()
    login(client, officer)
    earliest = sorted(due, key=due.get)
    dashboard = html.unescape(client.get("/").get_data(as_text=True))
    listed = [int(part.split("<")[0]) for part in dashboard.split("Report due on grant request #")[1:]]
    assert listed == earliest[:WIDGET_ROWS]
    upcoming = html.unescape(client.get("/upcoming").get_data(as_text=True))
    assert [int(part.split("<")[0]) for part in upcoming.split("Report due on grant request #")[1:]] == earliest


def test_reports_due_reach_the_upcoming_page_and_feed_of_those_allowed_only(app, make_user):
    officer = make_user("case_officer")
    request_id = add_request(app, officer)
    _approve(app, make_user, request_id)
    with app.app_context():
        db.session.get(GrantRequest, request_id).report_due_on = date.today() + timedelta(days=5)
        db.session.commit()
    client = app.test_client()
    login(client, officer)
    assert f"Report due on grant request #{request_id}" in html.unescape(client.get("/upcoming").get_data(as_text=True))
    address = post_form(client, "/upcoming/feed").get_data(as_text=True).split(
        'id="feed-address" class="user-select-all fs-6">')[1].split("<")[0].replace("http://127.0.0.1:5000", "")
    feed = app.test_client().get(address).get_data(as_text=True)
    assert "Confidential deadline" in feed and "grant request" not in feed.lower()
    for role, email in (("case_officer", "other@example.org"), ("readonly", "ro@example.org")):
        other = app.test_client()
        login(other, make_user(role, email=email))
        assert "grant request" not in other.get("/upcoming").get_data(as_text=True).lower(), role
        assert "grant request" not in other.get("/").get_data(as_text=True).lower(), role


def test_dashboard_widgets_for_members_staff_and_coordinators(app, make_user):
    officer, lead = make_user("case_officer"), make_user("coordinator", email="lead@example.org")
    waiting = add_request(app, officer, urgency="emergency")
    overdue = add_request(app, officer, budget="10000")
    _approve(app, make_user, overdue)
    with app.app_context():
        db.session.get(GrantRequest, overdue).report_due_on = date.today() - timedelta(days=3)
        db.session.commit()
    member = app.test_client()
    login(member, make_user("committee", email="new-member@example.org"))
    page = html.unescape(member.get("/").get_data(as_text=True))
    mine = page.split('id="waiting-for-me"')[1].split("</section>")[0]  # the member's vote waits for them
    assert "Your vote" in mine and f'href="/assistance/{waiting}"' in mine and f"Grant request #{waiting}<" in mine
    assert "link-danger" in mine  # an emergency
    assert "Grant requests waiting for my vote" not in page  # once only: no panel of its own
    staff = app.test_client()
    login(staff, officer)
    page = html.unescape(staff.get("/").get_data(as_text=True))
    assert "Grant reports overdue" in page and f"Request #{overdue}" in page.split("Grant reports overdue")[1]
    coordinator = app.test_client()
    login(coordinator, lead)
    page = html.unescape(coordinator.get("/").get_data(as_text=True))
    assert "€1,500.00 allocated of €10,000.00." in page and "<meter" in page
    both = app.test_client()  # a member who is also staff: the two lists, read together, each with its own
    login(both, make_user("committee", "case_officer", email="member-and-officer@example.org"))
    page = html.unescape(both.get("/").get_data(as_text=True))
    votes = page.split('id="waiting-for-me"')[1].split("</section>")[0]
    reports = page.split('id="overdue-reports"')[1].split("</ul>")[0]
    assert f"Grant request #{waiting}<" in votes and f"Grant request #{overdue}<" not in votes
    assert f"Request #{overdue}<" in reports and f"Request #{waiting}<" not in reports


def test_publications_give_anonymised_counts_only(app, make_user):
    officer = make_user("case_officer")
    first = add_request(app, officer, defender=add_defender(app, "Zeynep Gizli", country="TUR"))
    second = add_request(app, officer, defender=add_defender(app, "Juan Pérez", country="COL"), grant_type="legal_fees",
                         amount="2500")
    add_request(app, officer, defender=add_defender(app, "Never Approved", country="KEN"))
    members = committee(make_user, 3)
    _approve(app, make_user, first, members)
    _approve(app, make_user, second, members)  # the same committee of three: its majority decides
    now = utcnow()
    with app.app_context():
        sections = gather.annual_report_sections(now.year, "fr")
        assert not [s for s in gather.bulletin_sections(now.year, now.month, "fr") if s.key == "assistance"]
    assistance = [s for s in sections if s.key == "assistance"]
    assert len(assistance) == 1
    types, regions = assistance[0].items
    assert dict(zip(types.figures.categories, types.figures.values))["Remplacement de matériel (détruit ou saisi)"] == 1
    assert {("Amériques", 1), ("Europe et Asie centrale", 1)} <= set(zip(regions.figures.categories,
                                                                          regions.figures.values))
    with app.test_request_context():  # as published: small counts withheld, in the reader's typography
        published = str(annual_report(now.year, "fr"))
    assert "Amériques : moins de 5" in published and "Amériques : 1" not in published
    text = repr(sections)
    for secret in ("Zeynep", "Gizli", "Pérez", "Never", "1500", "2500", "Türkiye", "Colombie"):
        assert secret not in text, secret


def test_demo_data_adds_requests_at_every_step(app):
    with app.app_context():
        load_core_demo(1)
        assert load_requests(2) == 20
        db.session.commit()
        statuses = set(db.session.scalars(select(GrantRequest.status)))
        assert {"draft", "submitted", "approved", "closed"} <= statuses
        assert db.session.scalar(select(func.count()).select_from(Vote)) > 0
        assert set(db.session.scalars(select(GrantRequest.confidentiality))) == {"restricted"}
        assert max(db.session.scalars(select(GrantRequest.created_at))) < utcnow() - timedelta(days=3)
    with app.test_request_context():  # a committee that can decide with the default rules, votes under way
        assert services.rules().quorum == 3 and len(permissions.committee_members()) >= 3
        submitted = db.session.scalars(select(GrantRequest).where(GrantRequest.status == "submitted")).all()
        states = [services.standing(grant) for grant in submitted]
        assert states and all(state.quorum is not None and state.tally.cast == 1 for state in states)
        assert {state.tally.eligible for state in states} == {2, 3}  # with and without a conflict
