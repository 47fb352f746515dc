"""An advocacy action's defenders through the core's links (tests/test_defender_links.py): each link carries
the defender's consent to the submission, recorded by the plugin; a restricted defender an officer may not see
is neither unlinked nor has their consent recorded (404, as for a defender not linked)."""
from __future__ import annotations

from sqlalchemy import select

from core.extensions import db
from plugins.advocacy.models import ActionDefender

from ...conftest import login, post_form
from ...records_helpers import add_defender
from .helpers import add_action


def _links(app, action_id: int) -> list[tuple[int, str]]:
    with app.app_context():
        rows = db.session.execute(select(ActionDefender.defender_id, ActionDefender.consent).where(
            ActionDefender.action_id == action_id))
        return [tuple(row) for row in rows]


def test_an_officer_not_assigned_cannot_unlink_a_restricted_defender(app, client, make_user):
    coordinator, officer = make_user("coordinator"), make_user("case_officer")
    hidden = add_defender(app, "Hidden Kaya", confidentiality="restricted", assignees=(coordinator.id,))
    action_id = add_action(app, coordinator, defenders=(hidden,), consent="refused")
    login(client, officer)
    assert post_form(client, f"/links/advocacy_action/{action_id}/defenders/{hidden}/remove").status_code == 404
    assert post_form(client, f"/advocacy/{action_id}/consent",
                     {"defender_id": hidden, "consent": "given"}).status_code == 404
    assert _links(app, action_id) == [(hidden, "refused")]


def test_a_linked_defender_starts_without_consent_which_the_plugin_records(app, client, make_user):
    officer = make_user("case_officer")
    action_id = add_action(app, officer)
    aylin, omar = add_defender(app, "Aylin Kaya"), add_defender(app, "Omar Haddad")
    login(client, officer)
    assert post_form(client, f"/links/advocacy_action/{action_id}/defenders", {"defender_id": aylin}).status_code \
        == 302
    assert _links(app, action_id) == [(aylin, "")]
    assert "Not asked yet" in client.get(f"/advocacy/{action_id}").get_data(as_text=True)
    assert post_form(client, f"/advocacy/{action_id}/consent",
                     {"defender_id": aylin, "consent": "given"}).status_code == 302
    assert post_form(client, f"/advocacy/{action_id}/consent",  # not linked
                     {"defender_id": omar, "consent": "given"}).status_code == 404
    assert _links(app, action_id) == [(aylin, "given")]
