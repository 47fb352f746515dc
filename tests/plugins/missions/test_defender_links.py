"""A mission's defenders through the core's links (tests/test_defender_links.py): the missions plugin's own
rule (a defender linked on trial, or not), and a restricted defender an officer may not see stays linked."""
from __future__ import annotations

import html

from sqlalchemy import select

from core.extensions import db
from plugins.missions.models import MissionDefender

from ...conftest import login, post_form
from ...records_helpers import add_defender
from .helpers import add_mission


def _links(app, mission_id: int) -> list[tuple[int, bool]]:
    with app.app_context():
        rows = db.session.execute(select(MissionDefender.defender_id, MissionDefender.on_trial).where(
            MissionDefender.mission_id == mission_id))
        return [tuple(row) for row in rows]


def test_an_officer_not_assigned_cannot_unlink_a_restricted_defender(app, client, make_user):
    coordinator, officer = make_user("coordinator"), make_user("case_officer")
    hidden = add_defender(app, "Hidden Kaya", confidentiality="restricted", assignees=(coordinator.id,))
    mission_id = add_mission(app, coordinator)
    by_coordinator = app.test_client()
    login(by_coordinator, coordinator)
    assert post_form(by_coordinator, f"/links/mission/{mission_id}/defenders",
                     {"defender_id": hidden, "on_trial": "y"}).status_code == 302
    login(client, officer)
    assert post_form(client, f"/links/mission/{mission_id}/defenders/{hidden}/remove").status_code == 404
    assert _links(app, mission_id) == [(hidden, True)]


def test_a_defender_is_linked_on_trial_or_not(app, client, make_user):
    officer = make_user("case_officer")
    mission_id = add_mission(app, officer)  # a trial observation: "on trial" is ticked for each defender found
    aylin = add_defender(app, "Aylin Kaya")
    login(client, officer)
    found = html.unescape(client.get(f"/missions/{mission_id}?find=kaya").get_data(as_text=True))
    found = found[found.index('id="found-defenders"'):]
    assert f'id="on-trial-{aylin}" value="y" checked' in found
    assert post_form(client, f"/links/mission/{mission_id}/defenders",
                     {"defender_id": aylin, "on_trial": "y"}).status_code == 302
    assert _links(app, mission_id) == [(aylin, True)]
    page = html.unescape(client.get(f"/missions/{mission_id}").get_data(as_text=True))
    listed = page[page.index('id="mission-defenders"'):]
    assert "Aylin Kaya" in listed and "On trial" in listed[:listed.index("</ul>")]
    # Linked again without the box ticked: the same link, no longer on trial.
    assert post_form(client, f"/links/mission/{mission_id}/defenders", {"defender_id": aylin}).status_code == 302
    assert _links(app, mission_id) == [(aylin, False)]
