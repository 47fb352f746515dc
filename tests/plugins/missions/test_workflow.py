"""The mission workflow: each step by who may take it, postponing and resuming, cancelling with a reason,
publishing only a written report; and the permission each role holds."""
from __future__ import annotations

import html

import pytest
from sqlalchemy import select

from core.database.models import User
from core.extensions import db
from plugins.missions import services
from plugins.missions.models import Mission, MissionStep

from ...conftest import login, post_form
from .helpers import add_mission


def _status(app, mission_id: int) -> str:
    with app.app_context():
        return db.session.get(Mission, mission_id).status


def _step(client, mission_id: int, target: str, reason: str = ""):
    return post_form(client, f"/missions/{mission_id}/step", {"target": target, "reason": reason})


def test_a_mission_goes_from_proposal_to_closure_with_who_took_each_step(app, make_user):
    coordinator, officer = make_user("coordinator"), make_user("case_officer", email="officer@example.org")
    mission_id = add_mission(app, officer)
    lead, staff = app.test_client(), app.test_client()
    login(lead, coordinator)
    login(staff, officer)
    assert _step(staff, mission_id, "approved").status_code == 422  # approval needs the coordinator permission
    assert _status(app, mission_id) == "proposed"
    assert _step(lead, mission_id, "approved").status_code == 302
    for target in ("preparing", "in_field", "report_drafting"):
        assert _step(staff, mission_id, target).status_code == 302, target
    response = _step(lead, mission_id, "report_published")
    assert response.status_code == 422  # no report yet
    assert "Write the report" in html.unescape(response.get_data(as_text=True))
    post_form(staff, f"/missions/{mission_id}/report", {"title_fr": "Rapport", "summary_fr": "Résumé."})
    assert _step(staff, mission_id, "report_published").status_code == 422  # publishing needs the coordinator
    assert _step(lead, mission_id, "report_published").status_code == 302
    assert _step(staff, mission_id, "closed").status_code == 302
    with app.app_context():
        mission = db.session.get(Mission, mission_id)
        assert mission.status == "closed" and mission.report_published_on is not None
        steps = [(s.to_status, s.by_id) for s in mission.steps]
    assert steps == [("approved", coordinator.id), ("preparing", officer.id), ("in_field", officer.id),
                     ("report_drafting", officer.id), ("report_published", coordinator.id), ("closed", officer.id)]
    page = html.unescape(lead.get(f"/missions/{mission_id}").get_data(as_text=True))
    assert "Closed" in page and coordinator.name in page


def test_postponing_needs_a_reason_and_resuming_returns_where_it_was(app, client, make_user):
    coordinator = make_user("coordinator")
    mission_id = add_mission(app, coordinator, status="preparing")
    login(client, coordinator)
    response = _step(client, mission_id, "postponed", "  ")
    assert response.status_code == 422 and "Give the reason." in response.get_data(as_text=True)
    assert _status(app, mission_id) == "preparing"
    assert _step(client, mission_id, "postponed", "Visas refused").status_code == 302
    assert "Visas refused" in client.get(f"/missions/{mission_id}").get_data(as_text=True)
    assert _step(client, mission_id, "in_field").status_code == 422  # not from "postponed"
    assert _step(client, mission_id, "preparing").status_code == 302  # resume
    assert _status(app, mission_id) == "preparing"


def test_cancelling_needs_the_coordinator_and_a_reason_and_ends_the_workflow(app, make_user):
    officer, coordinator = make_user("case_officer"), make_user("coordinator", email="lead@example.org")
    mission_id = add_mission(app, officer, status="approved")
    staff, lead = app.test_client(), app.test_client()
    login(staff, officer)
    login(lead, coordinator)
    assert _step(staff, mission_id, "cancelled", "Too dangerous").status_code == 422
    assert _step(lead, mission_id, "cancelled", "").status_code == 422
    assert _step(lead, mission_id, "cancelled", "Too dangerous").status_code == 302
    assert _step(lead, mission_id, "preparing").status_code == 422
    with app.app_context():
        assert db.session.scalar(select(MissionStep.reason)) == "Too dangerous"


def test_step_buttons_follow_the_users_permissions(app, make_user):
    officer = make_user("case_officer")
    mission_id = add_mission(app, officer)
    with app.test_request_context():
        mission = db.session.get(Mission, mission_id)
        as_officer = {s.target for s in services.available_steps(mission, db.session.get(User, officer.id))}
        lead = make_user("coordinator")
        as_lead = {s.target for s in services.available_steps(mission, db.session.get(User, lead.id))}
        reader = make_user("readonly")
        as_reader = services.available_steps(mission, db.session.get(User, reader.id))
    assert as_officer == {"postponed"} and as_lead == {"approved", "postponed", "cancelled"} and as_reader == []


@pytest.mark.parametrize("role, view, edit, approve", [
    ("admin", 200, 200, True), ("coordinator", 200, 200, True), ("case_officer", 200, 200, False),
    ("readonly", 200, 403, False), ("committee", 403, 403, False)])
def test_role_matrix_on_mission_pages(app, make_user, role, view, edit, approve):
    author = make_user("coordinator", email="author@example.org")
    mission_id = add_mission(app, author)
    client = app.test_client()
    login(client, make_user(role))
    for path in ("/missions/", f"/missions/{mission_id}", f"/missions/{mission_id}/budget",
                 f"/missions/{mission_id}/trial", f"/missions/{mission_id}/report"):
        assert client.get(path).status_code == view, path
    for path in ("/missions/new", f"/missions/{mission_id}/edit", f"/missions/{mission_id}/hearings/new"):
        assert client.get(path).status_code == edit, path
    response = _step(client, mission_id, "approved")
    assert (response.status_code == 302) is approve
    if view == 200 and edit == 403:
        for path, data in ((f"/missions/{mission_id}/budget", {"kind": "planned", "category": "travel",
                                                                "amount": "10", "currency": "EUR"}),
                           (f"/missions/{mission_id}/report", {"title_en": "x", "summary_en": "y"}),
                           (f"/missions/{mission_id}/delegates", {"user": "0", "name": "X", "kind": "lawyer"})):
            assert post_form(client, path, data).status_code == 403, path
