"""One way to open a record and one way to keep the loaded records a user may see, through every page.

``visible_record`` (``core.records.registry``) opens a record for a page: 404 for one the user may not see, and
one audit row for each view of a restricted record, whichever plugin's page shows it. ``visible_ids``
(``core.records.visibility``) keeps the records a page has loaded that the user may see, in one query.
"""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from core.audit.models import AuditEntry
from core.extensions import db
from plugins.missions.models import MissionDefender

from .conftest import login, post_form
from .plugins.advocacy.helpers import add_action as add_advocacy_action
from .plugins.assistance.helpers import add_request
from .plugins.interventions.helpers import add_action as add_case_action
from .plugins.interventions.helpers import add_case
from .plugins.missions.helpers import add_mission
from .records_helpers import add_defender, add_partner


def _restricted(app, kind: str, author, assigned) -> dict[str, int]:
    """A restricted record of ``kind`` assigned to ``assigned`` (its id, and the ids its pages need)."""
    mine = (assigned.id,)
    if kind == "defender":
        return {"id": add_defender(app, "Hidden Witness", confidentiality="restricted", assignees=mine)}
    if kind == "partner":
        return {"id": add_partner(app, "Hidden Network", confidentiality="restricted", assignees=mine)}
    if kind == "case":
        case_id = add_case(app, author, title="Secret detention", confidentiality="restricted", assignees=mine)
        return {"id": case_id, "action": add_case_action(app, case_id, author)}
    if kind == "mission":
        return {"id": add_mission(app, author, title="Secret visit", confidentiality="restricted", assignees=mine)}
    if kind == "advocacy_action":
        return {"id": add_advocacy_action(app, author, title="Secret appeal", confidentiality="restricted",
                                          assignees=mine)}
    assert kind == "grant_request"  # restricted by default; a draft, so that its form opens
    return {"id": add_request(app, author, submitted=False, assignees=mine)}


#: Every page that shows one restricted record, by the record type its audit row names.
RECORD_PAGES = [
    ("defender", "/defenders/{id}"),
    ("defender", "/defenders/{id}/edit"),
    ("partner", "/partners/{id}"),
    ("partner", "/partners/{id}/edit"),
    ("case", "/interventions/{id}"),
    ("case", "/interventions/{id}/edit"),
    ("case", "/interventions/actions/{action}"),  # an action's page shows its case
    ("case", "/interventions/{id}/outcomes"),
    ("case", "/interventions/{id}/verification"),
    ("mission", "/missions/{id}"),
    ("mission", "/missions/{id}/edit"),
    ("mission", "/missions/{id}/budget"),
    ("mission", "/missions/{id}/trial"),
    ("mission", "/missions/{id}/report"),
    ("mission", "/missions/{id}/delegates"),
    ("mission", "/links/mission/{id}/find"),
    ("advocacy_action", "/advocacy/{id}"),
    ("advocacy_action", "/advocacy/{id}/edit"),
    ("advocacy_action", "/links/advocacy_action/{id}/find"),
    ("grant_request", "/assistance/{id}"),
    ("grant_request", "/assistance/{id}/edit"),
]


def _views(app, kind: str, record_id: int) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry.user_id).where(
            AuditEntry.action == AuditEntry.VIEW, AuditEntry.record_type == kind, AuditEntry.record_id == record_id)))


@pytest.mark.parametrize(("kind", "page"), RECORD_PAGES, ids=[page for _kind, page in RECORD_PAGES])
def test_each_view_of_a_restricted_record_writes_one_audit_row_and_others_get_404(app, make_user, client_as,
                                                                               kind, page):
    author = make_user("coordinator", email="author@example.org")
    assigned = make_user("coordinator", email="assigned@example.org")
    ids = _restricted(app, kind, author, assigned)
    path = page.format(**ids)

    outsider = client_as("coordinator", email="outsider@example.org")
    assert outsider.get(path).status_code == 404
    assert _views(app, kind, ids["id"]) == []

    insider = app.test_client()
    login(insider, assigned)
    assert insider.get(path).status_code == 200
    assert _views(app, kind, ids["id"]) == [assigned.id]
    assert insider.get(path).status_code == 200
    assert _views(app, kind, ids["id"]) == [assigned.id, assigned.id]


def test_a_page_that_opens_its_record_twice_writes_one_row(app, make_user):
    """A form that fails shows the page again, reading the mission anew: still one view."""
    assigned = make_user("coordinator")
    mission_id = add_mission(app, assigned, title="Secret visit", confidentiality="restricted",
                             assignees=(assigned.id,))
    client = app.test_client()
    login(client, assigned)
    assert post_form(client, f"/missions/{mission_id}/step", {"target": "no_such_step"}).status_code == 422
    assert len(_views(app, "mission", mission_id)) == 1


def test_the_committee_opens_a_submitted_request_by_its_wider_rule(app, make_user, client_as):
    """A record type's own rule (``RecordType(may_see=...)``) is the one ``visible_record`` applies."""
    officer = make_user("case_officer")
    request_id = add_request(app, officer)
    draft_id = add_request(app, officer, submitted=False)
    member = client_as("committee")
    assert member.get(f"/assistance/{request_id}").status_code == 200
    assert member.get(f"/assistance/{draft_id}").status_code == 404
    assert len(_views(app, "grant_request", request_id)) == 1


def _link_hidden_defenders(app, kind: str, record_id: int, count: int) -> None:
    """``count`` restricted defenders, assigned to nobody, linked to the record."""
    from plugins.advocacy.models import ActionDefender
    from plugins.interventions.models import CaseDefender

    links = {"case": (CaseDefender, "case_id"), "mission": (MissionDefender, "mission_id"),
             "advocacy_action": (ActionDefender, "action_id")}
    model, column = links[kind]
    ids = [add_defender(app, f"Hidden Person {record_id} {i}", confidentiality="restricted") for i in range(count)]
    with app.app_context():
        db.session.add_all(model(**{column: record_id, "defender_id": defender_id}) for defender_id in ids)
        db.session.commit()


def _record(app, kind: str, author, title: str) -> int:
    if kind == "case":
        return add_case(app, author, title=title)
    if kind == "mission":
        return add_mission(app, author, title=title, start=date.today())
    return add_advocacy_action(app, author, title=title)


#: Record pages naming linked defenders, and their statements (before issue 28 the mission and advocacy pages
#: asked once per restricted defender: 13, 10 and 13 with six of them).
DEFENDER_PAGES = [("case", "/interventions/{}", 5), ("mission", "/missions/{}", 8), ("mission", "/missions/{}/trial", 5),
                  ("advocacy_action", "/advocacy/{}", 8)]


@pytest.mark.parametrize(("kind", "page", "most"), DEFENDER_PAGES, ids=[page for _k, page, _m in DEFENDER_PAGES])
def test_a_page_asks_once_which_of_its_restricted_defenders_the_user_may_see(app, make_user, count_queries,
                                                                            kind, page, most):
    """One restricted defender or six: the page costs the same statements, and names none of them."""
    officer = make_user("coordinator")
    few, many = _record(app, kind, officer, "Few hidden"), _record(app, kind, officer, "Many hidden")
    _link_hidden_defenders(app, kind, few, 1)
    _link_hidden_defenders(app, kind, many, 6)
    client = app.test_client()
    login(client, officer)
    counts = {}
    for record_id in (few, many):
        client.get(page.format(record_id))  # warm per-process caches (country names)
        with count_queries() as statements:
            response = client.get(page.format(record_id))
        assert response.status_code == 200
        assert "Hidden Person" not in response.get_data(as_text=True)
        counts[record_id] = len(statements)
    assert counts[few] == counts[many] <= most, counts


#: The statements each list page costs a user assigned to restricted records (issue 28: unchanged or lower).
LIST_PAGES = {"/defenders/": 3, "/partners/": 4, "/interventions/": 4, "/missions/": 5, "/advocacy/": 5,
              "/assistance/": 3}


def test_list_pages_cost_no_more_statements(app, make_user, count_queries):
    officer = make_user("coordinator")
    other = make_user("coordinator", email="other@example.org")
    for assignees in ((officer.id,), (other.id,)):
        add_defender(app, "Hidden Witness", confidentiality="restricted", assignees=assignees)
        add_partner(app, "Hidden Network", confidentiality="restricted", assignees=assignees)
        add_case(app, officer, title="Secret detention", confidentiality="restricted", assignees=assignees)
        add_mission(app, officer, title="Secret visit", confidentiality="restricted", assignees=assignees)
        add_advocacy_action(app, officer, title="Secret appeal", confidentiality="restricted", assignees=assignees)
        add_request(app, officer, assignees=assignees)
    client = app.test_client()
    login(client, officer)
    counts = {}
    for path in LIST_PAGES:
        client.get(path)  # warm per-process caches (country names)
        with count_queries() as statements:
            assert client.get(path).status_code == 200, path
        counts[path] = len(statements)
    assert all(counts[path] <= LIST_PAGES[path] for path in LIST_PAGES), counts
