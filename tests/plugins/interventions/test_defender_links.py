"""A case's defenders through the core's links (tests/test_defender_links.py): the interventions plugin's own
rule (published actions keep a case's defenders), and a restricted defender an officer may not see stays linked."""
from __future__ import annotations

import html

from sqlalchemy import select

from core.audit.models import AuditEntry
from core.extensions import db
from plugins.interventions.models import Action, CaseDefender

from ...conftest import login, post_form
from ...records_helpers import add_defender
from .helpers import add_action, add_case


def _linked(app, case_id: int) -> list[int]:
    with app.app_context():
        return sorted(db.session.scalars(select(CaseDefender.defender_id).where(CaseDefender.case_id == case_id)))


def _audited(app, case_id: int) -> int:
    with app.app_context():
        return len([entry for entry in db.session.scalars(select(AuditEntry).where(
            AuditEntry.record_type == "case", AuditEntry.record_id == case_id, AuditEntry.action == "update"))
            if "links" in entry.changes])


def test_an_officer_not_assigned_cannot_unlink_a_restricted_defender(app, client, make_user):
    coordinator, officer = make_user("coordinator"), make_user("case_officer")
    hidden = add_defender(app, "Hidden Kaya", confidentiality="restricted", assignees=(coordinator.id,))
    case_id = add_case(app, coordinator, defenders=(hidden,))
    login(client, officer)
    assert post_form(client, f"/links/case/{case_id}/defenders/{hidden}/remove").status_code == 404
    assert _linked(app, case_id) == [hidden] and _audited(app, case_id) == 0


def test_defenders_of_a_case_with_published_actions_stay_linked(app, client, make_user):
    officer = make_user("case_officer")
    aylin, omar = add_defender(app, "Aylin Kaya"), add_defender(app, "Omar Haddad")
    case_id = add_case(app, officer, defenders=(aylin, omar))
    action_id = add_action(app, case_id, officer)  # approved, not published: the defenders may still go
    login(client, officer)
    assert post_form(client, f"/links/case/{case_id}/defenders/{omar}/remove").status_code == 302
    assert _linked(app, case_id) == [aylin] and _audited(app, case_id) == 1
    with app.app_context():
        db.session.get(Action, action_id).status = Action.PUBLISHED
        db.session.commit()
    response = post_form(client, f"/links/case/{case_id}/defenders/{aylin}/remove", follow_redirects=True)
    page = html.unescape(response.get_data(as_text=True))
    assert "Defenders of a case with published actions stay linked: the publications name them." in page
    assert _linked(app, case_id) == [aylin] and _audited(app, case_id) == 1
