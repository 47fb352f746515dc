"""Committee rules that always reach a decision: the members who may vote (active, not in conflict) make the
quorum; when fewer may vote than the quorum, the chair and admins are warned and the configured rule applies;
a vote is decided as soon as its result can no longer change; past its deadline the chair decides; the
decision and the history say who decided."""
from __future__ import annotations

import html
from datetime import timedelta

from sqlalchemy import select

from core.database.models import User, utcnow
from core.extensions import db
from plugins.assistance.models import GrantRequest, RequestEvent

from ...conftest import login, post_form
from .helpers import add_request, committee


def _client(app, user):
    client = app.test_client()
    login(client, user)
    return client


def _declare(client, request_id: int, conflict: bool = False):
    return post_form(client, f"/assistance/{request_id}/conflict", {"has_conflict": "y"} if conflict else {})


def _vote(client, request_id: int, choice: str):
    _declare(client, request_id)
    return post_form(client, f"/assistance/{request_id}/vote", {"choice": choice})


def _page(client, path: str) -> str:
    return html.unescape(client.get(path).get_data(as_text=True))


def _state(app, request_id: int):
    with app.app_context():
        grant = db.session.get(GrantRequest, request_id)
        return grant.status, [(d.kind, d.outcome, d.votes_for, d.votes_against) for d in grant.decisions]


def _history(app, request_id: int) -> list[tuple[str, int | None, bool]]:
    with app.app_context():
        return [(e.status, e.by_id, e.decision_id is not None) for e in db.session.scalars(
            select(RequestEvent).where(RequestEvent.request_id == request_id).order_by(RequestEvent.id))]


def test_a_committee_of_three_with_a_conflict_decides_with_the_default_rules(app, make_user):
    officer = make_user("case_officer")
    request_id = add_request(app, officer, assignees=(officer.id,))
    first, second, third = (_client(app, m) for m in committee(make_user))
    assert _declare(first, request_id, conflict=True).status_code == 302
    page = _page(second, f"/assistance/{request_id}")
    assert "of 2 members who may vote (quorum: 2)" in page
    assert "Members who may vote on this request: 2, fewer than the quorum of 3. The rule that applies: the " \
           "quorum falls to the members who may vote." in page
    assert _vote(second, request_id, "approve").status_code == 302
    assert _state(app, request_id)[0] == "submitted"
    assert _vote(third, request_id, "approve").status_code == 302
    assert _state(app, request_id) == ("approved", [("committee", "approved", 2, 0)])
    # The committee decided, not the member whose vote completed the count.
    assert _history(app, request_id)[-1] == ("approved", None, True)
    page = _page(_client(app, officer), f"/assistance/{request_id}")
    assert "Committee vote: Approved" in page and "by the committee" in page
    history = _page(_client(app, officer), f"/assistance/{request_id}/history")
    assert "Approved · the committee (2 for, 0 against, 0 abstaining)" in history
    assert "Member 2" not in history.split('id="history"')[1]


def test_conflicts_and_inactive_members_reduce_the_members_who_may_vote(app, make_user):
    request_id = add_request(app, make_user("case_officer"))
    members = committee(make_user, 5)
    clients = [_client(app, m) for m in members]
    _declare(clients[0], request_id, conflict=True)
    with app.app_context():
        db.session.get(User, members[1].id).active = False
        db.session.commit()
    page = _page(clients[2], f"/assistance/{request_id}")
    assert "0 for, 0 against, 0 abstaining, of 3 members who may vote (quorum: 3)" in page
    assert 'id="vote-rule"' not in page  # three may vote: the quorum holds
    _vote(clients[2], request_id, "approve")
    assert _state(app, request_id)[0] == "submitted"
    _vote(clients[3], request_id, "approve")  # 2 of 3 for it, but below the quorum of 3
    assert _state(app, request_id)[0] == "submitted"
    with app.app_context():  # a member leaves the committee behind the app's back: a page view changes nothing
        db.session.get(User, members[4].id).active = False
        db.session.commit()
    _page(clients[2], f"/assistance/{request_id}")
    assert _state(app, request_id)[0] == "submitted"
    with app.app_context():
        db.session.get(User, members[4].id).active = True
        db.session.commit()
        leaving = db.session.get(User, members[4].id)
        form = {"email": leaving.email, "name": leaving.name, "roles": [role.id for role in leaving.roles]}
    admin = _client(app, make_user("admin", email="admin@example.org"))  # an admin deactivates them (the box
    assert post_form(admin, f"/admin/users/{members[4].id}", form).status_code == 302  # "active" left empty):
    assert _state(app, request_id) == ("approved", [("committee", "approved", 2, 0)])  # both who may vote approved
    assert "Committee vote: Approved" in _page(clients[2], f"/assistance/{request_id}")


def test_a_vote_is_decided_as_soon_as_its_result_cannot_change(app, make_user):
    officer = make_user("case_officer")
    approved, rejected = add_request(app, officer), add_request(app, officer)
    clients = [_client(app, m) for m in committee(make_user, 5)]
    for client in clients[:2]:
        _vote(client, approved, "approve")
    _vote(clients[2], approved, "reject")
    assert _state(app, approved)[0] == "submitted"  # 2-1: the two left could still make it 2-3
    _vote(clients[3], approved, "approve")
    assert _state(app, approved) == ("approved", [("committee", "approved", 3, 1)])  # 3 of 5: settled
    response = _vote(clients[4], approved, "reject")
    assert response.status_code == 422
    assert "The vote on this request is over: its result could no longer change, so it was decided without the " \
           "remaining votes." in html.unescape(response.get_data(as_text=True))
    for client in clients[:3]:
        _vote(client, rejected, "reject")
    assert _state(app, rejected) == ("rejected", [("committee", "rejected", 0, 3)])  # 3 against of 5: settled


def test_below_the_minimum_the_chair_is_warned_everywhere_and_decides(app, make_user):
    officer = make_user("case_officer")
    request_id = add_request(app, officer)
    members = committee(make_user, 3)
    for member in members[:2]:
        _declare(_client(app, member), request_id, conflict=True)
    warning = "Members who may vote on this request: 1, fewer than the quorum of 3 and the minimum of 2. The " \
              "rule that applies: the chair decides."
    chair = _client(app, make_user("coordinator", email="chair@example.org"))
    assert warning in _page(chair, f"/assistance/{request_id}")
    dashboard = _page(chair, "/")
    assert "Committee votes that need the chair" in dashboard and warning in dashboard
    admin = _client(app, make_user("admin", email="admin@example.org"))
    assert warning in _page(admin, "/assistance/committee") and warning in _page(admin, "/")
    assert "Committee votes that need the chair" not in _page(_client(app, officer), "/")
    member = _client(app, members[2])
    _vote(member, request_id, "approve")
    assert _state(app, request_id)[0] == "submitted"  # one vote is not a committee's decision
    response = post_form(chair, f"/assistance/{request_id}/decision", {"outcome": "approved", "amount": "1500",
                                                                       "reason": "Two members in conflict"})
    assert response.status_code == 302
    assert _state(app, request_id) == ("approved", [("casting", "approved", 0, 0)])
    page = _page(chair, f"/assistance/{request_id}")
    assert "Decision of the chair (the committee could not decide): Approved" in page
    assert "Approved · Test coordinator (Decision of the chair" in _page(chair, f"/assistance/{request_id}/history")
    assert "Committee votes that need the chair" not in _page(chair, "/")


def test_under_the_chair_rule_a_committee_short_of_its_quorum_is_decided_by_the_chair(app, make_user):
    app.config["ASSISTANCE_DEADLOCK_RULE"] = "chair"
    request_id = add_request(app, make_user("case_officer"))
    members = committee(make_user, 3)
    _declare(_client(app, members[0]), request_id, conflict=True)
    for member in members[1:]:
        _vote(_client(app, member), request_id, "approve")
    assert _state(app, request_id)[0] == "submitted"  # two of a quorum of three: the rule hands it to the chair
    chair = _client(app, make_user("coordinator"))
    page = _page(chair, f"/assistance/{request_id}")
    assert "fewer than the quorum of 3. The rule that applies: the chair decides." in page
    assert "Decide in the committee’s place" in page
    assert post_form(chair, f"/assistance/{request_id}/decision", {"outcome": "rejected"}).status_code == 302
    assert _state(app, request_id) == ("rejected", [("casting", "rejected", 0, 0)])


def test_the_chair_may_not_take_the_place_of_a_committee_that_can_decide(app, make_user):
    request_id = add_request(app, make_user("case_officer"))
    committee(make_user, 3)
    chair = _client(app, make_user("coordinator"))
    assert "Decide in the committee’s place" not in _page(chair, f"/assistance/{request_id}")
    response = post_form(chair, f"/assistance/{request_id}/decision", {"outcome": "approved", "amount": "100"})
    assert response.status_code == 422 and _state(app, request_id) == ("submitted", [])


def test_past_its_deadline_the_chair_is_asked_to_decide(app, make_user):
    request_id = add_request(app, make_user("case_officer"))
    members = committee(make_user, 3)
    _vote(_client(app, members[0]), request_id, "approve")
    chair = _client(app, make_user("coordinator"))
    with app.app_context():
        db.session.get(GrantRequest, request_id).vote_deadline = utcnow().date()
        db.session.commit()
    page = _page(chair, f"/assistance/{request_id}")
    assert "Vote by " in page and "has passed" not in page  # the deadline is today: not yet past
    assert "Committee votes that need the chair" not in _page(chair, "/")
    with app.app_context():
        db.session.get(GrantRequest, request_id).vote_deadline = utcnow().date() - timedelta(days=1)
        db.session.commit()
    page = _page(chair, f"/assistance/{request_id}")
    assert "has passed without a decision: the chair decides." in page and "Decide in the committee’s place" in page
    dashboard = _page(chair, "/")
    assert "Committee votes that need the chair" in dashboard and "has passed without a decision" in dashboard
    assert post_form(chair, f"/assistance/{request_id}/decision", {
        "outcome": "approved", "amount": "1200", "reason": "Deadline passed"}).status_code == 302
    assert _state(app, request_id) == ("approved", [("casting", "approved", 0, 0)])
    response = _vote(_client(app, members[1]), request_id, "approve")
    assert response.status_code == 422 and "This request has already been decided." in response.get_data(as_text=True)


def test_the_deadline_is_set_on_the_request_form(app, make_user):
    officer = make_user("case_officer")
    request_id = add_request(app, officer, submitted=False, assignees=(officer.id,))
    client = _client(app, officer)
    page = client.get(f"/assistance/{request_id}/edit").get_data(as_text=True)
    assert 'name="vote_deadline"' in page
    with app.app_context():
        grant = db.session.get(GrantRequest, request_id)
        form = {"defender_id": str(grant.defender_id), "grant_type": str(grant.grant_type_id), "urgency": "normal",
                "partner": "0", "situation": grant.situation, "justification": grant.justification,
                "lines-0-description": "Two laptops", "lines-0-amount": "1500", "lines-0-currency": "EUR",
                "confidentiality": "restricted", "assignees": str(officer.id)}
    deadline = utcnow().date() + timedelta(days=10)
    response = post_form(client, f"/assistance/{request_id}/edit", {**form, "vote_deadline": "someday"})
    assert response.status_code == 422  # told on the form, nothing saved
    for too_soon in (utcnow().date() - timedelta(days=30), utcnow().date() + timedelta(days=1)):
        response = post_form(client, f"/assistance/{request_id}/edit", {**form, "vote_deadline": too_soon.isoformat()})
        assert response.status_code == 422 and "must be at least two days from today" in html.unescape(
            response.get_data(as_text=True))  # a deadline already passed would let the chair decide alone
    assert post_form(client, f"/assistance/{request_id}/edit",
                     {**form, "vote_deadline": deadline.isoformat()}).status_code == 302
    with app.app_context():
        assert db.session.get(GrantRequest, request_id).vote_deadline == deadline


def test_a_deadline_that_came_too_close_is_refused_when_the_request_is_sent(app, make_user):
    """Set long ago (or in the past behind the form's back), a deadline would hand the vote to the chair the day
    the request reaches the committee: sending it is refused until a later one (or none) is set."""
    officer = make_user("case_officer")
    request_id = add_request(app, officer, submitted=False, assignees=(officer.id,))
    with app.app_context():
        db.session.get(GrantRequest, request_id).vote_deadline = utcnow().date()
        db.session.commit()
    response = post_form(_client(app, officer), f"/assistance/{request_id}/submit")
    assert "must be at least two days from today" in html.unescape(response.get_data(as_text=True)) or \
        "must be at least two days from today" in html.unescape(
            _client(app, officer).get(f"/assistance/{request_id}").get_data(as_text=True))
    assert _state(app, request_id)[0] == "draft"


def test_past_its_deadline_the_chair_does_not_replace_the_ratification_of_an_emergency(app, make_user):
    officer = make_user("case_officer")
    request_id = add_request(app, officer, urgency="emergency")
    committee(make_user, 3)
    chair = _client(app, make_user("coordinator"))
    assert post_form(chair, f"/assistance/{request_id}/decision", {
        "outcome": "approved", "amount": "900", "reason": "Evacuation tonight"}).status_code == 302
    with app.app_context():
        grant = db.session.get(GrantRequest, request_id)
        assert grant.awaiting_ratification
        grant.vote_deadline = utcnow().date() - timedelta(days=1)
        db.session.commit()
    assert "Decide in the committee’s place" not in _page(chair, f"/assistance/{request_id}")  # the committee's
    # to ratify still (a reasoned revision stays the chair's, as for any decision)
