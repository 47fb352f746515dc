"""Work that waits is seen: the dashboard's *Waiting for me* (actions to review, verifications overdue), the
notice when an action is sent for review, the case list by action stage, and an action's header after it was
sent back to draft."""
from __future__ import annotations

import html
from datetime import date, timedelta

from sqlalchemy import select

from core.extensions import db
from core.notifications.models import Notification, OutboxMessage
from plugins.interventions.models import Action, Case, Consultation

from ...conftest import login, post_form
from .helpers import _partner, add_action, add_case


def _waiting(client) -> str:
    """The dashboard's *Waiting for me* list, as its user sees it."""
    page = html.unescape(client.get("/").get_data(as_text=True))
    return page.split('id="waiting-for-me"')[1].split("</section>")[0]


def test_an_action_sent_for_review_waits_for_the_coordinators_who_are_told_without_details(app, make_user):
    officer = make_user("case_officer")
    lead = make_user("coordinator", email="lead@example.org", name="Lead Coordinator")
    other_lead = make_user("coordinator", email="other-lead@example.org", name="Other Coordinator")
    case_id = add_case(app, officer, title="Arrest of Aylin Kaya in Izmir", verified=True)
    secret_id = add_case(app, officer, title="Secret detention file", confidentiality="restricted",
                         assignees=(officer.id, lead.id), verified=True)
    action_id = add_action(app, case_id, officer, status=Action.DRAFT)
    secret_action = add_action(app, secret_id, officer, status=Action.DRAFT)
    writer, boss, other = app.test_client(), app.test_client(), app.test_client()
    login(writer, officer)
    login(boss, lead)
    login(other, other_lead)
    assert "Nothing waits for you." in _waiting(boss)

    for sent in (action_id, secret_action):
        assert post_form(writer, f"/interventions/actions/{sent}/step", {"step": "submit"}).status_code == 302

    mine = _waiting(boss)
    assert "To review" in mine and f'href="/interventions/actions/{action_id}"' in mine
    assert "Urgent appeal — Arrest of Aylin Kaya in Izmir" in mine
    assert f'href="/interventions/actions/{secret_action}"' in mine
    theirs = _waiting(other)  # not assigned to the restricted case: neither the item nor a notice of it
    assert f'href="/interventions/actions/{action_id}"' in theirs
    assert f"/interventions/actions/{secret_action}" not in theirs and "Secret detention" not in theirs
    assert "To review" not in _waiting(writer)  # a case officer does not approve

    with app.app_context():
        notes = {(row.user_id, row.url) for row in db.session.scalars(
            select(Notification).where(Notification.kind == "case_review"))}
        assert notes == {(lead.id, f"/interventions/actions/{action_id}"),
                         (lead.id, f"/interventions/actions/{secret_action}"),
                         (other_lead.id, f"/interventions/actions/{action_id}")}
        mails = db.session.scalars(select(OutboxMessage).where(OutboxMessage.subject.contains("waits"))).all()
        assert sorted(mail.recipient for mail in mails) == ["lead@example.org", "lead@example.org",
                                                              "other-lead@example.org"]
        for mail in mails:  # something waits, and where: no name, no case text
            assert mail.subject == "[Observatory] Something waits for you in the Observatory"
            assert "/interventions/actions/" in mail.body
            for detail in ("Aylin", "Kaya", "Izmir", "Secret", "detention", "Arrest"):
                assert detail not in mail.subject + mail.body
    notices = html.unescape(boss.get("/notifications").get_data(as_text=True))
    assert "An action on Arrest of Aylin Kaya in Izmir was sent for review: it waits for you." in notices

    # Sent back to draft: the header tells the present state, and nothing waits any more.
    assert post_form(boss, f"/interventions/actions/{action_id}/step", {"step": "return"}).status_code == 302
    page = html.unescape(boss.get(f"/interventions/actions/{action_id}").get_data(as_text=True))
    header = page.split('id="action-status"')[1].split("</p>")[0]
    assert ">Draft<" in header and "Sent for review" not in header
    assert f"/interventions/actions/{action_id}\"" not in _waiting(boss)
    assert post_form(writer, f"/interventions/actions/{action_id}/step", {"step": "submit"}).status_code == 302
    assert post_form(boss, f"/interventions/actions/{action_id}/step", {"step": "approve"}).status_code == 302
    assert post_form(boss, f"/interventions/actions/{action_id}/step", {"step": "return"}).status_code == 302
    header = html.unescape(boss.get(f"/interventions/actions/{action_id}").get_data(as_text=True)) \
        .split('id="action-status"')[1].split("</p>")[0]
    assert ">Draft<" in header and "Approved on" not in header and "Sent for review" not in header


def test_a_verification_overdue_waits_for_the_officers_of_the_case(app, make_user):
    officer, colleague = make_user("case_officer"), make_user("case_officer", email="colleague@example.org")
    silent = add_case(app, officer, title="Partners silent for a week", assignees=(officer.id,))
    answered = add_case(app, officer, title="Partners answered", assignees=(officer.id,))
    recent = add_case(app, officer, title="Asked yesterday", assignees=(officer.id,))
    with app.app_context():
        partner = _partner(app)
        week_ago, yesterday = date.today() - timedelta(days=7), date.today() - timedelta(days=1)
        db.session.add_all([Consultation(case_id=silent, partner_id=partner, consulted_on=week_ago, answer="no_answer"),
                            Consultation(case_id=answered, partner_id=partner, consulted_on=week_ago,
                                         answer="confirmed"),
                            Consultation(case_id=recent, partner_id=partner, consulted_on=yesterday,
                                         answer="no_answer")])
        db.session.commit()
    mine, theirs = app.test_client(), app.test_client()
    login(mine, officer)
    login(theirs, colleague)
    waiting = _waiting(mine)
    assert "Verification overdue" in waiting and f'href="/interventions/{silent}"' in waiting
    assert "Partners answered" not in waiting and "Asked yesterday" not in waiting
    assert "Verification overdue" not in _waiting(theirs)  # not assigned to it

    with app.app_context():  # verified since: it waits no more
        db.session.get(Case, silent).verification = Case.VERIFIED
        db.session.commit()
    assert "Verification overdue" not in _waiting(mine)


def test_how_long_a_consultation_may_stay_unanswered_is_configurable(make_app, make_user, monkeypatch):
    monkeypatch.setenv("OBSERVATORY_INTERVENTIONS_CONSULTATION_DAYS", "10")
    app = make_app()
    assert app.config["INTERVENTIONS_CONSULTATION_DAYS"] == 10
    officer = make_user("case_officer", email="patient@example.org")
    case_id = add_case(app, officer, title="Partners silent for a week", assignees=(officer.id,))
    with app.app_context():
        db.session.add(Consultation(case_id=case_id, partner_id=_partner(app),
                                    consulted_on=date.today() - timedelta(days=7), answer="no_answer"))
        db.session.commit()
    client = app.test_client()
    login(client, officer)
    assert "Verification overdue" not in _waiting(client)
    monkeypatch.setenv("OBSERVATORY_INTERVENTIONS_CONSULTATION_DAYS", "later")
    assert make_app().config["INTERVENTIONS_CONSULTATION_DAYS"] == 3


def test_the_case_list_filters_by_action_stage(app, make_user):
    lead = make_user("coordinator")
    stages = {}
    for stage in (Action.DRAFT, Action.IN_REVIEW, Action.APPROVED):
        case_id = add_case(app, lead, title=f"Case with an action {stage}", verified=True)
        add_action(app, case_id, lead, status=stage, kind="press_release" if stage == Action.APPROVED
                   else "urgent_appeal")
        stages[stage] = case_id
    add_case(app, lead, title="Case without action")
    client = app.test_client()
    login(client, lead)

    def listed(query: str) -> set[int]:
        page = client.get(f"/interventions/?{query}")
        assert page.status_code == 200
        return {case_id for case_id in [*stages.values()] if f'href="/interventions/{case_id}"' in
                page.get_data(as_text=True)}

    assert listed("action_stage=in_review") == {stages[Action.IN_REVIEW]}
    assert listed("action_stage=draft") == {stages[Action.DRAFT]}
    assert listed("action_stage=approved&action_type=press_release") == {stages[Action.APPROVED]}
    assert listed("action_stage=approved&action_type=urgent_appeal") == set()  # the same action, both
    assert listed("action_stage=whatever") == set(stages.values())  # an unknown stage filters nothing
    page = client.get("/interventions/?action_stage=in_review").get_data(as_text=True)
    assert '<option value="in_review" selected>' in page and "Case without action" not in page
