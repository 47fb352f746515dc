"""Verification, the action workflow and who may take each step, the consent check, and what a
published case contributes to the defender's file, the dashboard and merges."""
from __future__ import annotations

import html
from datetime import timedelta

from sqlalchemy import select

from core.audit.models import AuditEntry
from core.database.models import utcnow
from core.extensions import db
from plugins.interventions.models import Action, Case, CaseDefender

from ...conftest import login, post_form
from ...records_helpers import add_defender, add_partner
from .helpers import add_action, add_case

DRAFT = {"type": "urgent_appeal", "title_en": "Turkey: arbitrary detention of A. K.",
         "body_en": "The Observatory has been informed of the arbitrary detention of A. K., a lawyer.",
         "requested_en": "Release A. K.", "title_fr": "", "body_fr": "", "requested_fr": "",
         "title_es": "", "body_es": "", "requested_es": ""}


def _status(app, action_id):
    with app.app_context():
        action = db.session.get(Action, action_id)
        return action.status, action.reference


def test_verification_needs_a_consultation_then_is_recorded(app, client, make_user):
    officer = make_user("case_officer")
    login(client, officer)
    case_id = add_case(app, officer)
    partner = add_partner(app, "Human Rights Association", country="TUR")
    today = utcnow().date().isoformat()
    response = post_form(client, f"/interventions/{case_id}/verification", {"decision": "verified", "decided_on": today})
    assert response.status_code == 422
    assert "Record at least one partner consultation" in response.get_data(as_text=True)
    assert post_form(client, f"/interventions/{case_id}/consultations", {
        "partner": partner, "consulted_on": today, "answer": "confirmed", "notes": "Lawyer confirmed"}).status_code == 302
    bad = post_form(client, f"/interventions/{case_id}/consultations", {"partner": "99999", "consulted_on": "soon",
                                                                         "answer": "maybe"})
    assert bad.status_code == 422 and "Not a valid choice" in bad.get_data(as_text=True)
    assert post_form(client, f"/interventions/{case_id}/verification", {
        "decision": "verified", "decided_on": today, "note": "Two sources"}).status_code == 302
    page = client.get(f"/interventions/{case_id}").get_data(as_text=True)
    assert "Verification: Verified" in page and "Human Rights Association" in page and "Lawyer confirmed" in page


def test_only_a_coordinator_overrides_and_the_reason_is_audited(app, client, make_user):
    officer, coordinator = make_user("case_officer"), make_user("coordinator")
    case_id = add_case(app, officer)
    login(client, officer)
    assert post_form(client, f"/interventions/{case_id}/override", {"reason": "Urgent"}).status_code == 403
    boss = app.test_client()
    login(boss, coordinator)
    empty = post_form(boss, f"/interventions/{case_id}/override", {"reason": "  "})
    assert empty.status_code == 422 and "This field is required." in empty.get_data(as_text=True)
    assert post_form(boss, f"/interventions/{case_id}/override", {
        "reason": "Life in danger; partners unreachable"}).status_code == 302
    with app.app_context():
        assert db.session.get(Case, case_id).verification == "overridden"
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.record_type == "case",
                                                           AuditEntry.action == "update"))
        assert entry.changes["verification"] == ["pending", "overridden"]
        assert entry.changes["verification_note"][1] == "Life in danger; partners unreachable"
        assert entry.user_id == coordinator.id


def test_the_workflow_from_draft_to_published_and_who_may_do_what(app, client, make_user):
    officer, coordinator, reader = make_user("case_officer"), make_user("coordinator"), make_user("readonly")
    case_id = add_case(app, officer, verified=True, defenders=(add_defender(app, "Aylin Kaya", publication_name="A. K."),))
    login(client, officer)
    response = post_form(client, f"/interventions/{case_id}/actions/new", DRAFT)
    assert response.status_code == 302
    action_id = int(response.location.rsplit("/", 1)[1])
    page = client.get(response.location).get_data(as_text=True)
    assert "Missing languages: French, Spanish" in page
    # An officer sends for review but may neither approve nor publish.
    assert post_form(client, f"/interventions/actions/{action_id}/step", {"step": "approve"}).status_code == 422
    assert post_form(client, f"/interventions/actions/{action_id}/step", {"step": "submit"}).status_code == 302
    assert _status(app, action_id) == ("in_review", None)
    reader_client = app.test_client()
    login(reader_client, reader)
    assert post_form(reader_client, f"/interventions/actions/{action_id}/step", {"step": "publish"}).status_code == 403
    assert reader_client.get(f"/interventions/actions/{action_id}").status_code == 200
    boss = app.test_client()
    login(boss, coordinator)
    assert post_form(boss, f"/interventions/actions/{action_id}/step", {"step": "publish"}).status_code == 422
    assert post_form(boss, f"/interventions/actions/{action_id}/step", {"step": "approve"}).status_code == 302
    assert client.get(f"/interventions/actions/{action_id}/edit").status_code == 302  # approved: locked
    response = post_form(boss, f"/interventions/actions/{action_id}/step", {"step": "publish"})
    assert response.status_code == 302
    status, code = _status(app, action_id)
    assert status == "published" and code.startswith("TUR 001 / ") and code.endswith("OBS 001")
    assert code in html.unescape(boss.get(f"/interventions/actions/{action_id}").get_data(as_text=True))
    assert post_form(boss, f"/interventions/actions/{action_id}/step", {"step": "return"}).status_code == 422


def test_an_unverified_case_cannot_be_published(app, client, make_user):
    coordinator = make_user("coordinator")
    case_id = add_case(app, coordinator)
    action_id = add_action(app, case_id, coordinator)
    login(client, coordinator)
    response = post_form(client, f"/interventions/actions/{action_id}/step", {"step": "publish"})
    assert response.status_code == 422 and "The case is not verified" in html.unescape(response.get_data(as_text=True))
    assert _status(app, action_id) == ("approved", None)


def test_publication_is_blocked_while_a_non_consenting_defender_is_named(app, client, make_user):
    coordinator = make_user("coordinator")
    hidden = add_defender(app, "Aylin Kaya", publication_name="A. K.", aliases="Ayline Kaya")
    named = add_defender(app, "Emre Demir", consent_to_publish=True, publication_name="")
    case_id = add_case(app, coordinator, verified=True, defenders=(hidden, named))
    login(client, coordinator)
    for text in ("Lawyer AYLIN KAYA was arrested.", "Ms Kaya, Aylin was arrested.", "Ayline Kaya was arrested."):
        action_id = add_action(app, case_id, coordinator, body_fr=text, title_fr="Turquie")
        page = html.unescape(client.get(f"/interventions/actions/{action_id}").get_data(as_text=True))
        assert "Aylin Kaya → A. K." in page
        response = post_form(client, f"/interventions/actions/{action_id}/step", {"step": "publish"})
        assert response.status_code == 422 and "“A. K.”" in html.unescape(response.get_data(as_text=True))
        assert _status(app, action_id) == ("approved", None)
    fine = add_action(app, case_id, coordinator, body_en="A. K. and Emre Demir were arrested.")
    assert post_form(client, f"/interventions/actions/{fine}/step", {"step": "publish"}).status_code == 302
    assert _status(app, fine)[0] == "published"


def test_the_consent_warning_does_not_unmask_a_restricted_defender(app, client, make_user):
    """An officer who may not see a restricted defender's record writes the alias they know: the warning asks
    for the name to publish without telling who is behind the alias."""
    coordinator, officer = make_user("coordinator"), make_user("case_officer")
    hidden = add_defender(app, "Selin Gizemli", publication_name="S. G.", aliases="Kartal",
                          confidentiality="restricted", assignees=(coordinator.id,))
    case_id = add_case(app, coordinator, verified=True, defenders=(hidden,), assignees=(officer.id,))
    action_id = add_action(app, case_id, officer, body_en="The blogger Kartal was detained.")
    login(client, officer)
    page = html.unescape(client.get(f"/interventions/actions/{action_id}").get_data(as_text=True))
    assert "a defender whose record you may not see → S. G." in page and "Selin" not in page
    assigned = app.test_client()
    login(assigned, coordinator)
    page = html.unescape(assigned.get(f"/interventions/actions/{action_id}").get_data(as_text=True))
    assert "Selin Gizemli → S. G." in page


def test_bad_action_input_is_explained_and_nothing_is_saved(app, client, make_user):
    officer = make_user("case_officer")
    case_id = add_case(app, officer)
    login(client, officer)
    response = post_form(client, f"/interventions/{case_id}/actions/new", {
        **DRAFT, "title_en": "", "title_fr": "Titre seul", "type": "tweet"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Not a valid choice" in page
    response = post_form(client, f"/interventions/{case_id}/actions/new", {**DRAFT, "title_en": "", "title_fr": "T"})
    assert "A title needs its text in the same language." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Action.id)) is None


def test_case_events_reach_the_defender_file_and_the_dashboard(app, client, make_user):
    officer = make_user("case_officer")
    defender = add_defender(app, "Aylin Kaya", publication_name="A. K.")
    late = add_case(app, officer, title="Old report", defenders=(defender,),
                    received_at=utcnow() - timedelta(hours=60))
    add_case(app, officer, title="Fresh report", received_at=utcnow() - timedelta(hours=2))
    login(client, officer)
    page = client.get(f"/defenders/{defender}").get_data(as_text=True)
    assert "Report received: Old report" in page and f"/interventions/{late}" in page
    dashboard = client.get("/").get_data(as_text=True)
    widget = dashboard[dashboard.index('id="awaiting-verification"'):]
    assert widget.index("Old report") < widget.index("Fresh report")
    assert "waiting more than 48 hours" in widget.split("Fresh report")[0]
    assert "waiting more than" not in widget.split("Fresh report")[1].split("</li>")[0]


def test_merging_defenders_moves_their_cases_and_undo_puts_them_back(app, client, make_user):
    admin, officer = make_user("admin"), make_user("case_officer")
    keep = add_defender(app, "Aylin Kaya", publication_name="A. K.")
    duplicate = add_defender(app, "Aylin Kaya", publication_name="A. K.")
    shared = add_case(app, officer, defenders=(keep, duplicate))
    own = add_case(app, officer, defenders=(duplicate,))
    login(client, admin)
    assert post_form(client, f"/merge/defender/{duplicate}", {"target": str(keep), "confirm": "1"}).status_code == 302
    with app.app_context():
        links = set(db.session.execute(select(CaseDefender.case_id, CaseDefender.defender_id)).all())
    assert links == {(shared, keep), (own, keep)}
    with app.app_context():
        entry_id = db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "merge"))
    assert post_form(client, f"/merge/undo/{entry_id}", {}).status_code == 302
    with app.app_context():
        links = set(db.session.execute(select(CaseDefender.case_id, CaseDefender.defender_id)).all())
    assert links == {(shared, keep), (shared, duplicate), (own, duplicate)}


def test_the_verification_delay_is_configurable(make_app, make_user, monkeypatch):
    from core.plugin_host.plugins import host

    monkeypatch.setenv("OBSERVATORY_INTERVENTIONS_VERIFICATION_HOURS", "72")
    app = make_app()
    assert app.config["INTERVENTIONS_VERIFICATION_HOURS"] == 72
    officer = make_user("case_officer")
    add_case(app, officer, title="Two days old", received_at=utcnow() - timedelta(hours=60))
    client = app.test_client()
    login(client, officer)
    assert "waiting more than" not in client.get("/").get_data(as_text=True)
    monkeypatch.setenv("OBSERVATORY_INTERVENTIONS_VERIFICATION_HOURS", "soon")
    broken = make_app()  # a bad value is reported on the plugins page and the default applies
    assert broken.config["INTERVENTIONS_VERIFICATION_HOURS"] == 48
    assert "VERIFICATION_HOURS" in " ".join(host(broken).plugins["interventions"].errors)
