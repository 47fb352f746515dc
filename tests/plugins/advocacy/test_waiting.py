"""Replies due on one's own advocacy actions wait for them on the dashboard (*Waiting for me*)."""
from __future__ import annotations

import html
from datetime import date, timedelta

from tests.records_helpers import add_defender

from ...conftest import login
from .helpers import add_action


def _waiting(client) -> str:
    page = html.unescape(client.get("/").get_data(as_text=True))
    return page.split('id="waiting-for-me"')[1].split("</section>")[0]


def test_replies_due_wait_for_the_authors_and_staff_of_the_action(app, make_user):
    author, assigned, other = (make_user("case_officer", email=f"{who}@example.org")
                               for who in ("author", "assigned", "other"))
    today = date.today()
    soon = add_action(app, author, title="Communication on the Izmir lawyers", sent_on=today - timedelta(days=30),
                      reply_expected_by=today + timedelta(days=5), assignees=(assigned.id,))
    late = add_action(app, author, title="Appeal on the Van journalists", sent_on=today - timedelta(days=90),
                      reply_expected_by=today - timedelta(days=2))
    add_action(app, author, title="Statement for the next session", sent_on=today - timedelta(days=3),
               reply_expected_by=today + timedelta(days=40))
    clients = {}
    for user in (author, assigned, other):
        clients[user.email] = app.test_client()
        login(clients[user.email], user)

    mine = _waiting(clients["author@example.org"])
    assert "Reply due" in mine and f'href="/advocacy/{soon}"' in mine and f'href="/advocacy/{late}"' in mine
    assert "Communication on the Izmir lawyers" in mine and "Statement for the next session" not in mine
    assert mine.index("Van journalists") < mine.index("Izmir lawyers")  # the overdue one first
    assert mine.split("Van journalists")[0].rsplit("<li", 1)[1].count("text-danger") == 1
    theirs = _waiting(clients["assigned@example.org"])
    assert f'href="/advocacy/{soon}"' in theirs and f"/advocacy/{late}\"" not in theirs
    assert "Reply due" not in _waiting(clients["other@example.org"])


def test_the_dashboard_and_search_built_once_show_a_restricted_action_only_to_its_staff(app, make_user):
    """The dashboard's and the global search's statements are built once per kind of viewer and shared by every
    user: asked in turn, each sees only what they may (the restricted action's overdue reply on the dashboard, a
    restricted defender in the search)."""
    author, assigned, other = (make_user("case_officer", email=f"{who}@example.org")
                               for who in ("author", "assigned", "other"))
    today = date.today()
    secret = add_action(app, author, title="Quiet appeal on the Hakkari monitors", confidentiality="restricted",
                        sent_on=today - timedelta(days=60), reply_expected_by=today - timedelta(days=3),
                        assignees=(author.id, assigned.id))
    add_defender(app, "Zerrin Quietwater", confidentiality="restricted", assignees=(author.id, assigned.id))
    clients = {}
    for user in (author, assigned, other):
        clients[user.email] = app.test_client()
        login(clients[user.email], user)
    for _turn in range(2):
        for email, sees in (("other@example.org", False), ("assigned@example.org", True),
                            ("other@example.org", False), ("author@example.org", True)):
            overdue = html.unescape(clients[email].get("/").get_data(as_text=True)).split('id="advocacy-overdue"')
            assert (len(overdue) == 2 and f'href="/advocacy/{secret}"' in overdue[1].split("</ul>")[0]) is sees, email
            found = html.unescape(clients[email].get("/search?q=zerrin").get_data(as_text=True))
            assert ("Zerrin Quietwater" in found) is sees, email
