"""Links between plugins' records, owned by the core (core.records.links): the "records concerned" panel on a
mission's and an advocacy action's page, the search of linkable records, linking and unlinking at
/links/<type>/<id>, who may do it, the audit trail, and restricted records neither shown nor offered."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from core.audit.models import AuditEntry
from core.extensions import db
from plugins.advocacy.models import ActionRecordLink
from plugins.missions.models import MissionRecordLink

from .conftest import csrf_token, login, post_form
from .plugins.advocacy.helpers import add_action
from .plugins.interventions.helpers import add_case
from .plugins.missions.helpers import add_mission
from .records_helpers import add_defender

# (record type, its page, how to add one, its link model, the panel's title)
OWNERS = {
    "mission": ("/missions/{}", add_mission, MissionRecordLink, "Records concerned"),
    "advocacy_action": ("/advocacy/{}", add_action, ActionRecordLink, "Cases and missions concerned"),
}


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _panel(page: str) -> str:
    """The "records concerned" panel: from its heading to the next heading."""
    start = page.index('id="records"')
    end = page.find("<h2", start)
    return page[start : end if end > 0 else None]


def _unlink_paths(page: str) -> list[str]:
    return re.findall(r'action="(/links/[a-z_]+/\d+/\d+/remove)"', page)


def _owner(app, kind: str, author, **fields) -> int:
    return OWNERS[kind][1](app, author, **fields)


@pytest.mark.parametrize("kind", sorted(OWNERS))
def test_a_record_links_and_unlinks_a_case_from_its_page(app, client, make_user, kind):
    officer = make_user("case_officer")
    login(client, officer)
    case_id = add_case(app, officer, title="Arrest of the Izmir lawyers")
    owner_id = _owner(app, kind, officer)
    path, _add, model, title = OWNERS[kind]
    page = _text(client.get(path.format(owner_id)))
    panel = _panel(page)
    assert title in page and "No record linked yet." in panel
    assert f'action="/links/{kind}/{owner_id}/find"' in panel

    found = _text(client.get(f"/links/{kind}/{owner_id}/find?record_type=case&words=izmir"))
    assert "Arrest of the Izmir lawyers" in found[found.index('id="found-records"') :]
    assert f'action="/links/{kind}/{owner_id}"' in found
    response = post_form(client, f"/links/{kind}/{owner_id}", {"record_type": "case", "record_id": case_id})
    assert response.status_code == 302 and response.location.endswith(path.format(owner_id) + "#records")
    assert (
        post_form(
            client,
            f"/links/{kind}/{owner_id}",  # linking twice changes nothing
            {"record_type": "case", "record_id": case_id},
        ).status_code
        == 302
    )

    panel = _panel(_text(client.get(path.format(owner_id))))
    assert f'href="/interventions/{case_id}"' in panel and "Arrest of the Izmir lawyers" in panel
    found = _text(client.get(f"/links/{kind}/{owner_id}/find?record_type=case&words=izmir"))
    assert "Arrest of the Izmir lawyers" not in found[found.index('id="found-records"') :]  # linked already
    with app.app_context():
        assert [(link.owner_id, link.record_type, link.record_id) for link in db.session.scalars(select(model))] == [
            (owner_id, "case", case_id)
        ]
        linked = db.session.scalars(
            select(AuditEntry).where(
                AuditEntry.record_type == kind, AuditEntry.record_id == owner_id, AuditEntry.action == "update"
            )
        ).all()
        linked = [entry for entry in linked if "record_links" in entry.changes]
        assert [entry.changes["record_links"] for entry in linked] == [[[], [f"case {case_id}"]]]
        assert linked[0].user_id == officer.id

    [unlink] = _unlink_paths(panel)
    response = post_form(client, unlink)
    assert response.status_code == 302 and response.location.endswith("#records")
    assert "No record linked yet." in _panel(_text(client.get(path.format(owner_id))))
    with app.app_context():
        assert db.session.scalars(select(model)).all() == []
        entries = db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.record_type == kind, AuditEntry.record_id == owner_id, AuditEntry.action == "update")
            .order_by(AuditEntry.id)
        ).all()
        assert entries[-1].changes.get("record_links") == [[f"case {case_id}"], []]
    assert post_form(client, unlink).status_code == 400  # gone already


@pytest.mark.parametrize(
    "role, may_link",
    [("admin", True), ("coordinator", True), ("case_officer", True), ("readonly", False), ("committee", False)],
)
@pytest.mark.parametrize("kind", sorted(OWNERS))
def test_who_may_link_and_unlink(app, make_user, kind, role, may_link):
    """The record type's edit permission decides, on every route; a viewer who may not edit sees the links
    without the buttons and the search, and is refused (403) if they post anyway."""
    author = make_user("coordinator")
    case_id = add_case(app, author, title="Arrest of the Izmir lawyers")
    other_case = add_case(app, author, title="Raid on the Izmir bar")
    owner_id = _owner(app, kind, author)
    with app.app_context():
        model = OWNERS[kind][2]
        link = model(owner_id=owner_id, record_type="case", record_id=case_id)
        db.session.add(link)
        db.session.commit()
        link_id = link.id
    client = app.test_client()
    login(client, make_user(role))
    token = csrf_token(client, "/account/")
    find = client.get(f"/links/{kind}/{owner_id}/find?record_type=case&words=raid")
    linked = client.post(
        f"/links/{kind}/{owner_id}", data={"csrf_token": token, "record_type": "case", "record_id": other_case}
    )
    unlinked = client.post(f"/links/{kind}/{owner_id}/{link_id}/remove", data={"csrf_token": token})
    if may_link:
        assert (find.status_code, linked.status_code, unlinked.status_code) == (200, 302, 302)
        expected = [(other_case,)]
    else:
        assert (find.status_code, linked.status_code, unlinked.status_code) == (403, 403, 403)
        expected = [(case_id,)]
    with app.app_context():
        assert db.session.execute(select(model.record_id)).all() == expected
    if role == "readonly":  # may see the record, not edit it
        panel = _panel(_text(client.get(OWNERS[kind][0].format(owner_id))))
        assert "Arrest of the Izmir lawyers" in panel
        assert "/links/" not in panel and "Remove" not in panel


def test_links_need_the_form_token(app, client, make_user):
    officer = make_user("coordinator")
    login(client, officer)
    case_id = add_case(app, officer)
    mission_id = add_mission(app, officer)
    assert (
        client.post(f"/links/mission/{mission_id}", data={"record_type": "case", "record_id": case_id}).status_code
        == 400
    )
    with app.app_context():
        assert db.session.scalars(select(MissionRecordLink)).all() == []


def test_restricted_records_are_neither_offered_nor_named(app, client, make_user):
    """A restricted case its author did not assign to the officer: not found by the search, not linkable by a
    forged form; once its author links it, the officer sees an unnamed row without a button, and cannot
    remove it."""
    author, officer = make_user("coordinator"), make_user("case_officer")
    hidden = add_case(app, author, title="Arrest of a hidden lawyer", confidentiality="restricted")
    shown = add_case(app, author, title="Arrest of a known lawyer")
    mission_id = add_mission(app, author)
    login(client, officer)
    found = _text(client.get(f"/links/mission/{mission_id}/find?record_type=case&words=lawyer"))
    found = found[found.index('id="found-records"') :]
    assert "Arrest of a known lawyer" in found and "hidden lawyer" not in found
    assert (
        post_form(client, f"/links/mission/{mission_id}", {"record_type": "case", "record_id": hidden}).status_code
        == 400
    )

    by_author = app.test_client()
    login(by_author, author)
    for case_id in (hidden, shown):
        assert (
            post_form(
                by_author, f"/links/mission/{mission_id}", {"record_type": "case", "record_id": case_id}
            ).status_code
            == 302
        )
    assert "Arrest of a hidden lawyer" in _panel(_text(by_author.get(f"/missions/{mission_id}")))
    page = _text(client.get(f"/missions/{mission_id}"))
    panel = _panel(page)
    assert "hidden lawyer" not in page and f"/interventions/{hidden}" not in page
    assert "A record you may not see, or of a plugin that is disabled" in panel
    assert len(_unlink_paths(panel)) == 1  # the known case's only
    with app.app_context():
        hidden_link = db.session.scalar(select(MissionRecordLink.id).where(MissionRecordLink.record_id == hidden))
    assert post_form(client, f"/links/mission/{mission_id}/{hidden_link}/remove").status_code == 400
    with app.app_context():
        assert db.session.get(MissionRecordLink, hidden_link) is not None


def test_a_restricted_owner_stays_hidden_and_other_kinds_are_refused(app, client, make_user):
    author, officer = make_user("coordinator"), make_user("case_officer")
    case_id = add_case(app, author)
    secret = add_mission(app, author, confidentiality="restricted")
    mission_id = add_mission(app, author)
    action_id = add_action(app, author)
    login(client, officer)
    assert client.get(f"/links/mission/{secret}/find?record_type=case&words=arrest").status_code == 404
    assert (
        post_form(client, f"/links/mission/{secret}", {"record_type": "case", "record_id": case_id}).status_code == 404
    )
    # A mission links cases only; records without links, and unknown types, have no link routes.
    assert (
        post_form(
            client, f"/links/mission/{mission_id}", {"record_type": "advocacy_action", "record_id": action_id}
        ).status_code
        == 400
    )
    defender = add_defender(app, "Aylin Kaya")
    assert client.get(f"/links/defender/{defender}/find?record_type=case&words=arrest").status_code == 404
    assert client.get(f"/links/nothing/{mission_id}/find").status_code == 404


def test_the_search_page_of_a_restricted_owner_is_audited_as_a_view(app, client, make_user):
    """The link search names its owner: opening it for a restricted record writes a view row, as its own page
    does; an internal record's does not."""
    author = make_user("coordinator")
    secret = add_mission(app, author, confidentiality="restricted")
    internal = add_mission(app, author)
    login(client, author)

    def views(mission_id: int) -> int:
        with app.app_context():
            return len(
                db.session.scalars(
                    select(AuditEntry).where(
                        AuditEntry.record_type == "mission",
                        AuditEntry.record_id == mission_id,
                        AuditEntry.action == "view",
                    )
                ).all()
            )

    assert client.get(f"/links/mission/{secret}/find?record_type=case&words=arrest").status_code == 200
    assert client.get(f"/links/mission/{internal}/find?record_type=case&words=arrest").status_code == 200
    assert (views(secret), views(internal)) == (1, 0)
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.record_id == secret, AuditEntry.action == "view"))
        assert entry.user_id == author.id
