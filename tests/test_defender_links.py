"""Defenders linked to plugins' records, owned by the core (core.records.links): the search on an intervention
case's, a mission's and an advocacy action's page, linking and unlinking at /links/<type>/<id>/defenders, the
owner's audit trail, who may do it, and restricted defenders neither offered, linked, nor unlinked by staff who
may not see them. Each plugin's own rule is tested in tests/plugins/<name>/."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from core.audit.models import AuditEntry
from core.extensions import db
from plugins.advocacy.models import ActionDefender
from plugins.interventions.models import CaseDefender
from plugins.missions.models import MissionDefender

from .conftest import csrf_token, login, post_form
from .plugins.advocacy.helpers import add_action
from .plugins.interventions.helpers import add_case
from .plugins.missions.helpers import add_mission
from .records_helpers import add_defender

# (record type, its page, how to add one, its link model and owner column, the owner's relationship, list id)
OWNERS = {
    "case": ("/interventions/{}", add_case, CaseDefender, "case_id", "links", "case-defenders"),
    "mission": ("/missions/{}", add_mission, MissionDefender, "mission_id", "defender_links", "mission-defenders"),
    "advocacy_action": ("/advocacy/{}", add_action, ActionDefender, "action_id", "defender_links",
                        "action-defenders"),
}


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _found(page: str) -> str:
    """The list of defenders the search found."""
    start = page.index('id="found-defenders"')
    return page[start : page.index("</ul>", start)]


def _linked(page: str, kind: str) -> str:
    """The list of linked defenders ("" when there is none)."""
    marker = f'id="{OWNERS[kind][5]}"'
    if marker not in page:
        return ""
    start = page.index(marker)
    return page[start : page.index("</ul>", start)]


def _defender_ids(app, kind: str, owner_id: int) -> list[int]:
    _path, _add, model, column, _rel, _list = OWNERS[kind]
    with app.app_context():
        return list(db.session.scalars(select(model.defender_id).where(getattr(model, column) == owner_id)))


def _link_changes(app, kind: str, owner_id: int) -> list[list]:
    """The owner's audit entries that changed its links to defenders, oldest first: [before, after] each."""
    relationship = OWNERS[kind][4]
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).where(
            AuditEntry.record_type == kind, AuditEntry.record_id == owner_id, AuditEntry.action == "update",
        ).order_by(AuditEntry.id)).all()
        return [(entry.user_id, entry.changes[relationship]) for entry in entries if relationship in entry.changes]


@pytest.mark.parametrize("kind", sorted(OWNERS))
def test_a_defender_is_found_linked_and_unlinked_from_the_record_page(app, client, make_user, kind):
    officer = make_user("case_officer")
    login(client, officer)
    path, add = OWNERS[kind][0], OWNERS[kind][1]
    owner_id = add(app, officer)
    aylin = add_defender(app, "Aylin Kaya", country="TUR")
    page = _text(client.get(path.format(owner_id) + "?find=kaya"))
    assert "Aylin Kaya" in _found(page)
    assert f'action="/links/{kind}/{owner_id}/defenders"' in page

    response = post_form(client, f"/links/{kind}/{owner_id}/defenders", {"defender_id": aylin})
    assert response.status_code == 302 and response.location.endswith(path.format(owner_id) + "#defenders")
    page = _text(client.get(response.location))
    assert "Aylin Kaya is now linked." in page and "Aylin Kaya" in _linked(page, kind)
    assert _defender_ids(app, kind, owner_id) == [aylin]
    assert post_form(client, f"/links/{kind}/{owner_id}/defenders", {"defender_id": aylin}).status_code == 302
    assert _defender_ids(app, kind, owner_id) == [aylin]  # linking twice changes nothing
    assert "Aylin Kaya" not in _found(_text(client.get(path.format(owner_id) + "?find=kaya")))  # linked already
    [(user_id, (before, after))] = _link_changes(app, kind, owner_id)
    assert user_id == officer.id and before == [] and [label.split(" (")[0] for label in after] == [f"defender {aylin}"]

    [unlink] = re.findall(rf'action="(/links/{kind}/{owner_id}/defenders/\d+/remove)"', page)
    assert unlink == f"/links/{kind}/{owner_id}/defenders/{aylin}/remove"
    response = post_form(client, unlink)
    assert response.status_code == 302 and response.location.endswith("#defenders")
    page = _text(client.get(response.location))
    assert "Aylin Kaya is no longer linked." in page and "Aylin Kaya" not in _linked(page, kind)
    assert _defender_ids(app, kind, owner_id) == []
    (user_id, (before, after)) = _link_changes(app, kind, owner_id)[-1]
    assert user_id == officer.id and [label.split(" (")[0] for label in before] == [f"defender {aylin}"]
    assert after == []
    assert post_form(client, unlink).status_code == 404  # not linked any more


@pytest.mark.parametrize("kind", sorted(OWNERS))
def test_a_defender_the_user_may_not_see_is_neither_offered_linked_nor_unlinked(app, client, make_user, kind):
    """A restricted defender not assigned to the officer: not found by the search, not linked by a forged form
    (400), and, once linked by the assigned coordinator, not unlinked (404, as for a defender that does not
    exist): nothing changes and nothing is audited. The same defender, assigned, is found."""
    coordinator, officer = make_user("coordinator"), make_user("case_officer")
    path, add = OWNERS[kind][0], OWNERS[kind][1]
    owner_id = add(app, coordinator)
    hidden = add_defender(app, "Hidden Kaya", confidentiality="restricted", assignees=(coordinator.id,))
    add_defender(app, "Assigned Kaya", confidentiality="restricted", assignees=(officer.id,))
    login(client, officer)
    found = _found(_text(client.get(path.format(owner_id) + "?find=kaya")))
    assert "Assigned Kaya" in found and "Hidden" not in found
    assert post_form(client, f"/links/{kind}/{owner_id}/defenders", {"defender_id": hidden}).status_code == 400
    assert _defender_ids(app, kind, owner_id) == []

    by_coordinator = app.test_client()
    login(by_coordinator, coordinator)
    assert post_form(by_coordinator, f"/links/{kind}/{owner_id}/defenders", {"defender_id": hidden}).status_code \
        == 302
    audited = len(_link_changes(app, kind, owner_id))
    page = _text(client.get(path.format(owner_id)))
    assert "Hidden Kaya" not in page and f"/defenders/{hidden}" not in page
    for defender_id in (hidden, 999999):  # restricted and not assigned, or not there: the same answer
        assert post_form(client, f"/links/{kind}/{owner_id}/defenders/{defender_id}/remove").status_code == 404
    assert _defender_ids(app, kind, owner_id) == [hidden]
    assert len(_link_changes(app, kind, owner_id)) == audited


@pytest.mark.parametrize("kind", sorted(OWNERS))
def test_who_may_link_and_unlink_defenders(app, make_user, kind):
    """The record type's edit permission decides: a read-only user sees the linked defender without the search
    or the button, and is refused (403) if they post anyway; posting needs the form token; a restricted record
    the user is not assigned to is not there (404)."""
    coordinator = make_user("coordinator")
    path, add = OWNERS[kind][0], OWNERS[kind][1]
    owner_id = add(app, coordinator)
    secret_id = add(app, coordinator, confidentiality="restricted")
    aylin, omar = add_defender(app, "Aylin Kaya"), add_defender(app, "Omar Haddad")
    editor = app.test_client()
    login(editor, coordinator)
    post_form(editor, f"/links/{kind}/{owner_id}/defenders", {"defender_id": aylin})

    reader = app.test_client()
    login(reader, make_user("readonly"))
    page = _text(reader.get(path.format(owner_id) + "?find=haddad"))
    assert "Aylin Kaya" in _linked(page, kind)
    assert 'id="found-defenders"' not in page and "/defenders/" + str(aylin) + "/remove" not in page
    assert post_form(reader, f"/links/{kind}/{owner_id}/defenders", {"defender_id": omar}).status_code == 403
    assert post_form(reader, f"/links/{kind}/{owner_id}/defenders/{aylin}/remove").status_code == 403

    assert editor.post(f"/links/{kind}/{owner_id}/defenders", data={"defender_id": omar}).status_code == 400
    token = csrf_token(editor, "/account/")
    assert editor.post(f"/links/{kind}/{owner_id}/defenders/{aylin}/remove").status_code == 400
    assert _defender_ids(app, kind, owner_id) == [aylin]

    officer = app.test_client()
    login(officer, make_user("case_officer"))
    assert post_form(officer, f"/links/{kind}/{secret_id}/defenders", {"defender_id": omar}).status_code == 404
    assert editor.post(f"/links/{kind}/{owner_id}/defenders",
                       data={"csrf_token": token, "defender_id": omar}).status_code == 302


def test_records_that_do_not_link_defenders_have_no_defender_routes(app, client, make_user):
    login(client, make_user("coordinator"))
    defender = add_defender(app, "Aylin Kaya")
    assert post_form(client, f"/links/defender/{defender}/defenders", {"defender_id": defender}).status_code == 404
    assert post_form(client, f"/links/nothing/{defender}/defenders/{defender}/remove").status_code == 404
