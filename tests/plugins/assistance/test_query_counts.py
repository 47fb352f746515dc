"""The request list, a request's page and the committee page keep their number of SQL statements as requests,
votes, questions and budget lines grow."""
from __future__ import annotations

from core.database.models import User
from core.extensions import db
from plugins.assistance import services
from plugins.assistance.models import GrantRequest

from ...conftest import login
from .helpers import add_request, committee


def test_pages_keep_their_statement_count(app, make_user, count_queries):
    officer = make_user("coordinator")
    members = committee(make_user, 8)
    first = add_request(app, officer)
    client = app.test_client()
    login(client, members[0])
    paths = ["/assistance/", "/assistance/?status=submitted&urgency=normal", f"/assistance/{first}",
             "/assistance/committee", f"/assistance/{first}/history"]

    def grow(start: int, stop: int) -> None:
        """More requests, and more declarations and votes on the first one."""
        for i in range(start, stop):
            add_request(app, officer, urgency="emergency" if i % 2 else "normal")
        with app.app_context():
            for member in members[1 + start:1 + stop][:2]:
                user = db.session.get(User, member.id)
                services.declare(first, user, False)
                services.vote(first, user, "abstain", f"Comment {member.id}")

    def counts():
        found = {}
        for path in paths:
            client.get(path)
            with count_queries() as statements:
                assert client.get(path).status_code == 200, path
            found[path] = len(statements)
        return found

    grow(0, 1)
    few = counts()
    grow(1, 31)
    with app.app_context():
        assert db.session.get(GrantRequest, first).status == "submitted" and len(
            db.session.get(GrantRequest, first).votes) == 3
    many = counts()
    assert many == few, {p: (few[p], many[p]) for p in paths}
    # The request page reads the request with its creator and its three short lists (budget lines, other funders,
    # decisions) joined, the committee's three lists (votes, declarations, questions) one query each, the view's
    # audit row, the committee, the beneficiary's other requests, the attachments and the assigned staff: 10, as
    # every main page; its history has its own page.
    assert max(many.values()) <= 10, many
