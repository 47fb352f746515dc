"""Replies due on one's own advocacy actions wait for them on the dashboard (*Waiting for me*)."""
from __future__ import annotations

import html
from datetime import date, timedelta

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
