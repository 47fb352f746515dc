"""Who is told about a grant request, in the app and by email (through the job queue, and a real rq worker
with Redis), and that nothing about the beneficiary leaves in a message."""
from __future__ import annotations

import html
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis as redis_client
from sqlalchemy import select

from core.extensions import db
from core.notifications.models import Notification, OutboxMessage

from ...conftest import REDIS_URL, login, post_form, require_service
from ...records_helpers import add_defender
from .helpers import add_request, committee

ROOT = Path(__file__).resolve().parents[3]


def _kinds(app, user_id: int) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(Notification.kind).where(Notification.user_id == user_id)
                                       .order_by(Notification.id)))


def _mail(app) -> list[tuple[str, str, str, str]]:
    with app.app_context():
        return [(m.recipient, m.subject, m.body, m.status)
                for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


def _submit_through_the_app(app, officer, urgency: str = "normal") -> int:
    defender = add_defender(app, "Aylin Kaya", country="TUR")
    request_id = add_request(app, officer, defender=defender, urgency=urgency, submitted=False)
    client = app.test_client()
    login(client, officer)
    assert post_form(client, f"/assistance/{request_id}/submit", {}).status_code == 302
    return request_id


def test_the_committee_is_told_of_a_request_and_emails_name_nobody(app, make_user):
    officer, outsider, reader = make_user("case_officer"), make_user("case_officer"), make_user("readonly")
    coordinator = make_user("coordinator")
    members = committee(make_user)
    request_id = _submit_through_the_app(app, officer)
    for member in members:
        assert _kinds(app, member.id) == ["grant_submitted"]
    for user in (officer, outsider, reader, coordinator):  # the author acted; the others may not see it
        assert _kinds(app, user.id) == []
    mails = _mail(app)
    assert sorted(m[0] for m in mails) == sorted(m.email for m in members)
    for recipient, subject, body, status in mails:
        assert subject == "[Observatory] A grant request awaits your vote"
        assert f"/assistance/{request_id}" in body and status == "held"  # no mail server: kept in the outbox
        assert "Aylin" not in body and "Kaya" not in body and "laptop" not in body.lower()
    client = app.test_client()
    login(client, members[0])
    page = html.unescape(client.get("/notifications").get_data(as_text=True))
    assert f"Grant request #{request_id} was sent to the committee: your vote is awaited." in page
    assert "Aylin" not in page


def test_an_emergency_also_reaches_whoever_may_decide_it_alone(app, make_user):
    chair, members = make_user("coordinator"), committee(make_user, 2)
    _submit_through_the_app(app, make_user("case_officer"), urgency="emergency")
    assert _kinds(app, chair.id) == ["grant_emergency"]
    assert all(_kinds(app, m.id) == ["grant_emergency"] for m in members)
    assert {m[1] for m in _mail(app)} == {"[Observatory] An emergency grant request awaits a decision"}


def test_questions_answers_and_decisions_reach_the_people_concerned(app, make_user):
    officer, colleague = make_user("case_officer"), make_user("case_officer")
    members = committee(make_user)
    request_id = add_request(app, officer, assignees=(colleague.id,))
    asker = app.test_client()
    login(asker, members[0])
    assert post_form(asker, f"/assistance/{request_id}/questions",
                     {"question": "Which laptops?"}).status_code == 302
    assert _kinds(app, officer.id) == _kinds(app, colleague.id) == ["grant_question"]
    requester = app.test_client()
    login(requester, officer)
    with app.app_context():
        from plugins.assistance.models import Question

        question_id = db.session.scalar(select(Question.id).where(Question.request_id == request_id))
    assert post_form(requester, f"/assistance/{request_id}/questions/{question_id}",
                     {"answer": "Two refurbished ones."}).status_code == 302
    assert _kinds(app, members[0].id)[-1] == "grant_answer"
    assert post_form(requester, f"/assistance/{request_id}/submit", {}).status_code == 302
    for member in members:
        client = app.test_client()
        login(client, member)
        post_form(client, f"/assistance/{request_id}/conflict", {})
        assert post_form(client, f"/assistance/{request_id}/vote", {"choice": "approve"}).status_code == 302
    assert _kinds(app, officer.id)[-1] == _kinds(app, colleague.id)[-1] == "grant_decided"


def test_the_chairs_emergency_decision_is_put_to_the_committee(app, make_user):
    chair, officer = make_user("coordinator"), make_user("case_officer")
    members = committee(make_user)
    request_id = add_request(app, officer, urgency="emergency")
    client = app.test_client()
    login(client, chair)
    assert post_form(client, f"/assistance/{request_id}/decision", {
        "outcome": "approved", "amount": "1200", "reason": "Imminent arrest"}).status_code == 302
    assert all(_kinds(app, m.id)[-1] == "grant_ratify" for m in members)
    assert _kinds(app, officer.id) == ["grant_decided"]
    assert _kinds(app, chair.id).count("grant_ratify") == 0  # the chair acted


def test_a_member_chooses_no_emails_and_reads_the_notice_in_french(app, make_user):
    member = committee(make_user, 1)[0]
    client = app.test_client()
    login(client, member)
    page = client.get("/account/notifications").get_data(as_text=True)
    assert "Grant requests sent to the committee" in page and "Emergency decisions to ratify" in page
    assert post_form(client, "/account/notifications", {
        "grant_submitted_in_app": "y", "reminder_days": "3"}).status_code == 302
    request_id = _submit_through_the_app(app, make_user("case_officer"))
    assert _kinds(app, member.id) == ["grant_submitted"] and _mail(app) == []
    post_form(client, "/language", {"locale": "fr"})
    page = html.unescape(client.get("/notifications").get_data(as_text=True))
    assert f"La demande d’aide n° {request_id} a été transmise au comité" in page


@pytest.mark.redis
def test_committee_emails_go_through_a_real_worker(make_app, make_user, database_url, tmp_path):
    require_service(REDIS_URL is not None, "Redis (OBSERVATORY_TEST_REDIS_URL)")
    connection = redis_client.Redis.from_url(REDIS_URL)
    queue_name = f"observatory-test-{os.getpid()}-{time.time_ns()}"
    app = make_app(REDIS_URL=REDIS_URL, RQ_QUEUE=queue_name)
    members = committee(make_user)
    _submit_through_the_app(app, make_user("case_officer"))
    assert {m[3] for m in _mail(app)} == {"sending"}  # queued for the worker, not sent by the web process
    assert connection.llen(f"rq:queue:{queue_name}") == len(members)
    env = {**os.environ, "OBSERVATORY_ENV": "testing", "OBSERVATORY_DATABASE_URL": database_url,
           "OBSERVATORY_REDIS_URL": REDIS_URL, "OBSERVATORY_RQ_QUEUE": queue_name, "PYTHONPATH": str(ROOT)}
    worker = subprocess.run([sys.executable, "-m", "core.cli", "worker", "--burst"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120)
    assert worker.returncode == 0, worker.stderr[-2000:]
    mails = _mail(app)
    assert sorted(m[0] for m in mails) == sorted(m.email for m in members)
    assert {m[3] for m in mails} == {"held"}  # the worker ran each job; without a mail server they wait here
    connection.delete(f"rq:queue:{queue_name}")


def test_a_request_sent_outside_a_web_request_still_links_to_its_page(app, make_user):
    from core.database.models import User
    from plugins.assistance import services
    from plugins.assistance.models import GrantRequest

    member, officer = committee(make_user, 1)[0], make_user("case_officer")
    request_id = add_request(app, officer, submitted=False)
    with app.app_context():  # a job or the command line: no web request to build links from
        services.submit(db.session.get(GrantRequest, request_id), db.session.get(User, officer.id))
        [note] = db.session.scalars(select(Notification).where(Notification.user_id == member.id)).all()
        assert note.url == f"/assistance/{request_id}"
