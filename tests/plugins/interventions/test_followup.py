"""After publication: responses and impact, outcomes, closing and reopening, corrections of published texts."""
from __future__ import annotations

import html
from datetime import date

from sqlalchemy import select

from core.audit.models import AuditEntry
from core.extensions import db
from plugins.interventions.models import Action, Case, Correction

from ...conftest import login, post_form
from ...records_helpers import add_defender
from .helpers import add_action, add_case, publish


def _published(app, coordinator, **case):
    case_id = add_case(app, coordinator, verified=True, **case)
    action_id = add_action(app, case_id, coordinator)
    publish(app, action_id, coordinator)
    return case_id, action_id


def test_responses_and_impact_of_a_published_action(app, client, make_user):
    coordinator = make_user("coordinator")
    case_id, action_id = _published(app, coordinator)
    draft = add_action(app, case_id, coordinator, status="draft")
    login(client, coordinator)
    refused = post_form(client, f"/interventions/actions/{draft}/responses",
                        {"kind": "favourable", "received_on": "2026-11-25"})
    assert refused.status_code == 422 and "were published or sent" in refused.get_data(as_text=True)
    bad = post_form(client, f"/interventions/actions/{action_id}/responses", {"kind": "maybe", "received_on": ""})
    assert bad.status_code == 422 and "Give a date." in bad.get_data(as_text=True)
    assert post_form(client, f"/interventions/actions/{action_id}/responses", {
        "kind": "denial", "received_on": "2026-11-25", "notes": "The ministry calls her a terrorist"}).status_code == 302
    assert post_form(client, f"/interventions/actions/{action_id}/impact", {"impact": "negative"}).status_code == 302
    assert post_form(client, f"/interventions/actions/{action_id}/impact", {"impact": "huge"}).status_code == 422
    page = client.get(f"/interventions/actions/{action_id}").get_data(as_text=True)
    assert "Denial or counter-accusation: The ministry calls her a terrorist" in html.unescape(page)
    assert 'id="impact">Negative<' in page
    case_page = client.get(f"/interventions/{case_id}").get_data(as_text=True)
    assert "Response of the authorities: Denial or counter-accusation" in case_page
    assert "<td>EN</td>" in case_page  # the languages the action is written in


def test_outcomes_and_closing_with_a_reason(app, client, make_user):
    officer = make_user("case_officer")
    aylin, other = add_defender(app, "Aylin Kaya", publication_name="A. K."), add_defender(app, "Not In Case")
    case_id = add_case(app, officer, defenders=(aylin,))
    login(client, officer)
    wrong = post_form(client, f"/interventions/{case_id}/outcomes", {"kind": "released", "defender": other,
                                                                     "occurred_on": "2026-11-27"})
    assert wrong.status_code == 422 and "Not a valid choice" in wrong.get_data(as_text=True)
    assert post_form(client, f"/interventions/{case_id}/outcomes", {"kind": "released", "defender": aylin,
                                                                    "occurred_on": "2026-11-27",
                                                                    "notes": "Released on bail"}).status_code == 302
    empty = post_form(client, f"/interventions/{case_id}/close", {"reason": ""})
    assert empty.status_code == 422 and "This field is required." in empty.get_data(as_text=True)
    assert post_form(client, f"/interventions/{case_id}/close", {"reason": "Released, charges pending"}).status_code == 302
    assert post_form(client, f"/interventions/{case_id}/close", {"reason": "Again"}).status_code == 422
    page = html.unescape(client.get(f"/interventions/{case_id}").get_data(as_text=True))
    assert "Outcome: Released (Aylin Kaya)" in page and "Released on bail" in page
    assert "Case closed: Released, charges pending" in page
    assert post_form(client, f"/interventions/{case_id}/reopen", {"reason": "Arrested again"}).status_code == 302
    with app.app_context():
        assert db.session.get(Case, case_id).status == "open"
    assert "Case reopened: Arrested again" in client.get(f"/interventions/{case_id}").get_data(as_text=True)
    reader = app.test_client()
    login(reader, make_user("readonly"))
    assert post_form(reader, f"/interventions/{case_id}/close", {"reason": "x"}).status_code == 403


def test_a_published_text_changes_only_through_a_logged_correction(app, client, make_user):
    coordinator, officer = make_user("coordinator"), make_user("case_officer")
    hidden = add_defender(app, "Aylin Kaya", publication_name="A. K.")
    case_id, action_id = _published(app, coordinator, defenders=(hidden,))
    login(client, officer)
    assert client.get(f"/interventions/actions/{action_id}/edit").status_code == 302  # locked
    assert client.get(f"/interventions/actions/{action_id}/correct").status_code == 403
    boss = app.test_client()
    login(boss, coordinator)
    with app.app_context():
        action = db.session.get(Action, action_id)
        texts = {f"{part}_{lang}": getattr(action, f"{part}_{lang}") for part in ("title", "body", "requested")
                 for lang in ("en", "fr", "es")}
    unchanged = post_form(boss, f"/interventions/actions/{action_id}/correct", {**texts, "reason": "Typo"})
    assert unchanged.status_code == 422 and "Nothing was changed." in unchanged.get_data(as_text=True)
    naming = post_form(boss, f"/interventions/actions/{action_id}/correct", {
        **texts, "body_en": "Aylin Kaya, a lawyer, was arrested on 4 May.", "reason": "Date"})
    assert naming.status_code == 422 and "“A. K.”" in html.unescape(naming.get_data(as_text=True))
    response = post_form(boss, f"/interventions/actions/{action_id}/correct", {
        **texts, "body_en": "A. K., a lawyer, was arrested on 4 May.", "reason": "Wrong date of arrest"})
    assert response.status_code == 302
    with app.app_context():
        correction = db.session.scalar(select(Correction))
        assert (correction.field, correction.reason, correction.by_id) == ("body_en", "Wrong date of arrest",
                                                                           coordinator.id)
        assert "3 May" in correction.before and "4 May" in correction.after
        assert db.session.get(Action, action_id).reference.endswith("OBS 001")
        assert db.session.scalar(select(AuditEntry.changes).where(
            AuditEntry.record_type == "case_action", AuditEntry.action == "update").order_by(AuditEntry.id.desc()))
    page = client.get(f"/interventions/actions/{action_id}").get_data(as_text=True)
    assert "Wrong date of arrest" in page and "4 May" in page
    case_page = html.unescape(boss.get(f"/interventions/{case_id}").get_data(as_text=True))
    assert "Published text corrected: Wrong date of arrest" in case_page


def test_each_step_of_a_case_has_its_own_page_reached_from_the_case(app, client, make_user):
    officer, coordinator = make_user("case_officer"), make_user("coordinator")
    hidden = add_defender(app, "Hidden Witness", confidentiality="restricted")
    case_id = add_case(app, officer, defenders=(add_defender(app, "Aylin Kaya"), hidden))
    login(client, officer)
    case_page = client.get(f"/interventions/{case_id}").get_data(as_text=True)
    for step in ("outcomes", "close", "consultations", "verification"):
        assert f'href="/interventions/{case_id}/{step}"' in case_page, step
    assert f"/interventions/{case_id}/override" not in case_page  # a coordinator's step
    outcome = client.get(f"/interventions/{case_id}/outcomes").get_data(as_text=True)
    assert "Record an outcome" in outcome and "Aylin Kaya" in outcome and "Hidden Witness" not in outcome
    assert f'value="{date.today().isoformat()}"' in outcome
    assert "Close the case" in client.get(f"/interventions/{case_id}/close").get_data(as_text=True)
    verification = client.get(f"/interventions/{case_id}/verification").get_data(as_text=True)
    assert "No partner consulted yet." in verification and f'value="{date.today().isoformat()}"' in verification

    boss = app.test_client()
    login(boss, coordinator)
    assert f'href="/interventions/{case_id}/override"' in boss.get(f"/interventions/{case_id}").get_data(as_text=True)
    assert "Publish without verification" in boss.get(f"/interventions/{case_id}/override").get_data(as_text=True)
    verified_id = add_case(app, officer, verified=True)
    assert f"/interventions/{verified_id}/override" not in boss.get(f"/interventions/{verified_id}").get_data(
        as_text=True)
    refused = boss.get(f"/interventions/{verified_id}/override")
    assert refused.status_code == 302 and refused.location.endswith(f"/interventions/{verified_id}#verification")
    page = boss.get(f"/interventions/{verified_id}/verification").get_data(as_text=True)
    assert "Verifying Network" in page and '<option selected value="verified">' in page

    reader = app.test_client()
    login(reader, make_user("readonly"))
    read_only = reader.get(f"/interventions/{case_id}").get_data(as_text=True)
    assert "/outcomes" not in read_only and "/close" not in read_only and "/verification" not in read_only
