"""Partner organisations linked to plugins' records, owned by the core (core.records.links) as defenders' links
are: the search on a mission's page, linking and unlinking at /links/<type>/<id>/partners, the owner's audit
trail, who may do it, and restricted partners neither offered, linked, unlinked nor named for staff who may not
see them (404 or 400, nothing changed, nothing audited)."""

from __future__ import annotations

import html
import re

from sqlalchemy import select

from core.audit.models import AuditEntry
from core.extensions import db
from plugins.missions.models import MissionPartner

from .conftest import csrf_token, login, post_form
from .plugins.missions.helpers import add_mission
from .records_helpers import add_partner


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _section(page: str, marker: str) -> str:
    """The list opened by ``id="<marker>"`` ("" when the page has none)."""
    if f'id="{marker}"' not in page:
        return ""
    start = page.index(f'id="{marker}"')
    return page[start : page.index("</ul>", start)]


def _links(app, mission_id: int) -> list[tuple[int, str]]:
    with app.app_context():
        rows = db.session.execute(select(MissionPartner.partner_id, MissionPartner.role).where(
            MissionPartner.mission_id == mission_id).order_by(MissionPartner.partner_id))
        return [(partner_id, role) for partner_id, role in rows]


def _link_changes(app, mission_id: int) -> list[tuple[int, list]]:
    """The mission's audit entries that changed its partner links, oldest first: (user, [before, after])."""
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).where(
            AuditEntry.record_type == "mission", AuditEntry.record_id == mission_id, AuditEntry.action == "update",
        ).order_by(AuditEntry.id)).all()
        return [(entry.user_id, entry.changes["partner_links"]) for entry in entries
                if "partner_links" in entry.changes]


def test_a_partner_is_found_linked_with_a_role_and_unlinked_from_the_mission_page(app, client, make_user):
    officer = make_user("case_officer")
    login(client, officer)
    mission_id = add_mission(app, officer)
    bar = add_partner(app, "Izmir Bar Association", country="TUR")
    page = _text(client.get(f"/missions/{mission_id}?find_partner=izmir"))
    assert "Izmir Bar Association" in _section(page, "found-partners")
    assert f'action="/links/mission/{mission_id}/partners"' in page and 'name="role"' in page

    response = post_form(client, f"/links/mission/{mission_id}/partners", {"partner_id": bar, "role": "Host"})
    assert response.status_code == 302 and response.location.endswith(f"/missions/{mission_id}#partners")
    page = _text(client.get(response.location))
    assert "Izmir Bar Association is now linked." in page
    assert "Izmir Bar Association" in _section(page, "mission-partners") and "Host" in page
    assert _links(app, mission_id) == [(bar, "Host")]
    assert post_form(client, f"/links/mission/{mission_id}/partners",
                     {"partner_id": bar, "role": "Interpreter"}).status_code == 302
    assert _links(app, mission_id) == [(bar, "Interpreter")]  # linked once; its role changed
    assert "Izmir Bar" not in _section(_text(client.get(f"/missions/{mission_id}?find_partner=izmir")),
                                       "found-partners")  # linked already
    [(user_id, (before, after))] = _link_changes(app, mission_id)
    assert user_id == officer.id and before == [] and [label.split(" (")[0] for label in after] == [f"partner {bar}"]

    [unlink] = re.findall(rf'action="(/links/mission/{mission_id}/partners/\d+/remove)"', page)
    assert unlink == f"/links/mission/{mission_id}/partners/{bar}/remove"
    response = post_form(client, unlink)
    assert response.status_code == 302 and response.location.endswith("#partners")
    page = _text(client.get(response.location))
    assert "Izmir Bar Association is no longer linked." in page and _section(page, "mission-partners") == ""
    assert _links(app, mission_id) == []
    (user_id, (before, after)) = _link_changes(app, mission_id)[-1]
    assert user_id == officer.id and [label.split(" (")[0] for label in before] == [f"partner {bar}"]
    assert after == []
    assert post_form(client, unlink).status_code == 404  # not linked any more


def test_a_partner_the_user_may_not_see_is_neither_offered_linked_named_nor_unlinked(app, client, make_user):
    """A restricted partner not assigned to the officer: not found by the search, not linked by a forged form
    (400), not named on the page and, once linked by the assigned coordinator, not unlinked (404, as for a
    partner that does not exist): nothing changes and nothing is audited. The same partner, assigned, is found."""
    coordinator, officer = make_user("coordinator"), make_user("case_officer")
    mission_id = add_mission(app, coordinator)
    hidden = add_partner(app, "Hidden Lawyers Network", confidentiality="restricted", assignees=(coordinator.id,))
    add_partner(app, "Assigned Lawyers Network", confidentiality="restricted", assignees=(officer.id,))
    login(client, officer)
    found = _section(_text(client.get(f"/missions/{mission_id}?find_partner=lawyers")), "found-partners")
    assert "Assigned Lawyers Network" in found and "Hidden" not in found
    assert post_form(client, f"/links/mission/{mission_id}/partners", {"partner_id": hidden}).status_code == 400
    assert _links(app, mission_id) == []

    by_coordinator = app.test_client()
    login(by_coordinator, coordinator)
    assert post_form(by_coordinator, f"/links/mission/{mission_id}/partners",
                     {"partner_id": hidden, "role": "Host"}).status_code == 302
    audited = len(_link_changes(app, mission_id))
    page = _text(client.get(f"/missions/{mission_id}"))
    assert "Hidden Lawyers" not in page and f"/partners/{hidden}" not in page
    for partner_id in (hidden, 999999):  # restricted and not assigned, or not there: the same answer
        assert post_form(client, f"/links/mission/{mission_id}/partners/{partner_id}/remove").status_code == 404
    assert post_form(client, f"/links/mission/{mission_id}/partners",
                     {"partner_id": hidden, "role": "Changed"}).status_code == 400  # its role neither
    assert _links(app, mission_id) == [(hidden, "Host")]
    assert len(_link_changes(app, mission_id)) == audited


def test_who_may_link_and_unlink_partners(app, make_user):
    """The mission's edit permission decides: a read-only user sees the linked partner without the search or
    the button, and is refused (403) if they post anyway; posting needs the form token; a restricted mission
    the user is not assigned to is not there (404); a record type that links no partners has no such route."""
    coordinator = make_user("coordinator")
    mission_id = add_mission(app, coordinator)
    secret_id = add_mission(app, coordinator, confidentiality="restricted")
    bar, ngo = add_partner(app, "Izmir Bar Association"), add_partner(app, "Kenya Rights Network")
    editor = app.test_client()
    login(editor, coordinator)
    post_form(editor, f"/links/mission/{mission_id}/partners", {"partner_id": bar})

    reader = app.test_client()
    login(reader, make_user("readonly"))
    page = _text(reader.get(f"/missions/{mission_id}?find_partner=kenya"))
    assert "Izmir Bar Association" in _section(page, "mission-partners")
    assert 'id="found-partners"' not in page and f"/partners/{bar}/remove" not in page
    assert post_form(reader, f"/links/mission/{mission_id}/partners", {"partner_id": ngo}).status_code == 403
    assert post_form(reader, f"/links/mission/{mission_id}/partners/{bar}/remove").status_code == 403

    assert editor.post(f"/links/mission/{mission_id}/partners", data={"partner_id": ngo}).status_code == 400
    token = csrf_token(editor, "/account/")
    assert editor.post(f"/links/mission/{mission_id}/partners/{bar}/remove").status_code == 400
    assert [partner for partner, _role in _links(app, mission_id)] == [bar]

    officer = app.test_client()
    login(officer, make_user("case_officer"))
    assert post_form(officer, f"/links/mission/{secret_id}/partners", {"partner_id": ngo}).status_code == 404
    assert post_form(editor, f"/links/case/{mission_id}/partners", {"partner_id": ngo}).status_code == 404
    assert editor.post(f"/links/mission/{mission_id}/partners",
                       data={"csrf_token": token, "partner_id": ngo}).status_code == 302


def test_a_forged_number_too_large_for_the_database_is_a_bad_request(app, client, make_user):
    officer = make_user("case_officer")
    login(client, officer)
    mission_id = add_mission(app, officer)
    for target, field in (("partners", "partner_id"), ("defenders", "defender_id")):
        response = post_form(client, f"/links/mission/{mission_id}/{target}", {field: str(10**20)})
        assert response.status_code == 400, target
    assert _links(app, mission_id) == []
