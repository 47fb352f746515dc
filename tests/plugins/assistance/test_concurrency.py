"""Committee members voting at the same moment on PostgreSQL: no vote lost, none counted twice, one decision."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from core.database.models import User
from core.extensions import db
from plugins.assistance import services
from plugins.assistance.models import Decision, Vote

from .helpers import add_request, committee

MEMBERS = 11


@pytest.fixture
def postgresql_app(app):
    if not str(app.config["SQLALCHEMY_DATABASE_URI"]).startswith("postgresql"):
        pytest.skip("row locks and concurrent transactions are tested on PostgreSQL")
    return app


def _run_at_once(app, calls):
    barrier, outcomes = threading.Barrier(len(calls)), []

    def run(member_id, choice):
        try:
            with app.app_context():
                member = db.session.get(User, member_id)
                barrier.wait(timeout=10)
                services.vote(request_id, member, choice)
                outcomes.append("voted")
        except services.RuleError as error:
            outcomes.append(str(error.message))
        except Exception as error:  # anything else fails the test below
            outcomes.append(f"ERROR {error!r}")
        finally:
            with app.app_context():
                db.session.remove()

    request_id = calls[0][0]
    calls = [(member_id, choice) for _, member_id, choice in calls]
    threads = [threading.Thread(target=run, args=call) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_simultaneous_votes_are_each_counted_once_and_decide_once(postgresql_app, make_user):
    app = postgresql_app
    request_id = add_request(app, make_user("case_officer"))
    members = committee(make_user, MEMBERS)
    with app.app_context():
        for member in members:
            services.declare(request_id, db.session.get(User, member.id), False)
    outcomes = _run_at_once(app, [(request_id, member.id, "approve") for member in members])
    assert not [o for o in outcomes if o.startswith("ERROR")], outcomes
    voted = outcomes.count("voted")
    # Six approvals of eleven decide, whatever the other five would say (not the first three to commit); the
    # later votes are refused, saying why.
    assert voted == 6
    assert outcomes.count("The vote on this request is over: its result could no longer change, so it was "
                          "decided without the remaining votes.") == MEMBERS - 6
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Vote)) == voted
        decisions = db.session.scalars(select(Decision)).all()
        assert [(d.kind, d.outcome, d.votes_for) for d in decisions] == [("committee", "approved", 6)]


def test_split_votes_at_once_wait_for_the_deciding_one(postgresql_app, make_user):
    """Eleven members at once, five for and six against: the result is known only at the sixth vote against
    (or never before the last votes): one decision, every vote before it counted once."""
    app = postgresql_app
    request_id = add_request(app, make_user("case_officer"))
    members = committee(make_user, MEMBERS)
    with app.app_context():
        for member in members:
            services.declare(request_id, db.session.get(User, member.id), False)
    choices = ["approve"] * 5 + ["reject"] * 6
    outcomes = _run_at_once(app, [(request_id, member.id, choice) for member, choice in zip(members, choices)])
    assert not [o for o in outcomes if o.startswith("ERROR")], outcomes
    with app.app_context():
        decisions = db.session.scalars(select(Decision)).all()
        assert len(decisions) == 1 and decisions[0].outcome == "rejected"
        assert decisions[0].votes_against == 6
        assert db.session.scalar(select(func.count()).select_from(Vote)) == outcomes.count("voted")


def test_one_member_voting_twice_at_once_is_counted_once(postgresql_app, make_user):
    app = postgresql_app
    request_id = add_request(app, make_user("case_officer"))
    member = committee(make_user, 1)[0]
    with app.app_context():
        services.declare(request_id, db.session.get(User, member.id), False)
    outcomes = _run_at_once(app, [(request_id, member.id, "approve"), (request_id, member.id, "reject")])
    assert sorted(outcomes) == ["You have already voted on this request.", "voted"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Vote)) == 1
