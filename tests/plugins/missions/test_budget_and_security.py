"""The budget in exact decimals, converted at each line's recorded rate, with its bad input; and the
restricted security assessment."""
from __future__ import annotations

import html
from decimal import Decimal

from sqlalchemy import func, select

from core.audit.models import AuditEntry
from core.extensions import db
from core.languages.money import converted
from plugins.missions import services
from plugins.missions.models import BudgetLine, Mission

from ...conftest import login, post_form
from .helpers import add_mission


def test_conversion_is_exact_and_rounded_half_up_to_the_currencys_minor_unit():
    assert converted(Decimal("0.10"), Decimal("1"), "EUR") + converted(
        Decimal("0.20"), Decimal("1"), "EUR") == Decimal("0.30")
    assert converted(Decimal("100.00"), Decimal("0.92345"), "EUR") == Decimal("92.35")
    assert converted(Decimal("100.00"), Decimal("0.92335"), "EUR") == Decimal("92.34")  # half up: .335 → .34
    assert converted(Decimal("1000.00"), Decimal("161.235"), "JPY") == Decimal("161235")
    assert converted(Decimal("2.50"), Decimal("0.4"), "KWD") == Decimal("1.000")


def test_planned_against_actual_in_the_reporting_currency(app, client, make_user):
    officer = make_user("case_officer")
    mission_id = add_mission(app, officer)
    login(client, officer)
    lines = [{"kind": "planned", "category": "travel", "amount": "1200.10", "currency": "EUR"},
             {"kind": "planned", "category": "accommodation", "amount": "850.50", "currency": "USD", "rate": "0.92"},
             {"kind": "actual", "category": "travel", "amount": "1100.05", "currency": "EUR", "spent_on": "2026-12-01"},
             {"kind": "actual", "category": "accommodation", "amount": "30000", "currency": "TRY",
              "rate": "0.02685", "description": "Hotel in Izmir"}]
    for line in lines:
        response = post_form(client, f"/missions/{mission_id}/budget", line)
        assert response.status_code == 302, html.unescape(response.get_data(as_text=True))[-3000:]
    with app.app_context():
        summary = services.budget_summary(db.session.get(Mission, mission_id))
    assert summary.planned == {"travel": Decimal("1200.10"), "accommodation": Decimal("782.46")}
    assert summary.actual == {"travel": Decimal("1100.05"), "accommodation": Decimal("805.50")}
    assert summary.planned_total == Decimal("1982.56") and summary.actual_total == Decimal("1905.55")
    assert summary.rows()[1] == ("accommodation", Decimal("782.46"), Decimal("805.50"), Decimal("-23.04"))
    page = html.unescape(client.get(f"/missions/{mission_id}/budget").get_data(as_text=True))
    assert "€1,982.56" in page and "€1,905.55" in page and "Hotel in Izmir" in page and "0.02685" in page


def test_amounts_are_read_the_users_way(app, make_user):
    officer = make_user("case_officer", email="fr@example.org")
    with app.app_context():
        db.session.get(type(officer), officer.id).locale = "fr"
        db.session.commit()
    mission_id = add_mission(app, officer)
    client = app.test_client()
    login(client, officer)
    response = post_form(client, f"/missions/{mission_id}/budget", {
        "kind": "planned", "category": "fees", "amount": "1 234,56", "currency": "USD", "rate": "0,5"})
    assert response.status_code == 302
    with app.app_context():
        line = db.session.scalar(select(BudgetLine))
        assert (line.amount, line.rate) == (Decimal("1234.56"), Decimal("0.5"))


def test_bad_budget_input_is_explained_and_nothing_is_saved(app, client, make_user):
    officer = make_user("case_officer")
    mission_id = add_mission(app, officer)
    login(client, officer)
    cases = [({"amount": "abc", "currency": "EUR"}, "Enter a number, such as 1250.50."),
             ({"amount": "-5", "currency": "EUR"}, "Enter an amount greater than zero."),
             ({"amount": "10.555", "currency": "EUR"}, "Use at most 2 decimals."),
             ({"amount": "1e20", "currency": "EUR"}, "This number is too large."),
             ({"amount": "10", "currency": "USD"}, "Give the rate from USD to EUR."),
             ({"amount": "10", "currency": "XXXX"}, "Not a valid choice"),
             ({"amount": "", "currency": "EUR"}, "Give the amount.")]
    for data, message in cases:
        response = post_form(client, f"/missions/{mission_id}/budget", {"kind": "actual", "category": "travel", **data})
        assert response.status_code == 422, data
        assert message in html.unescape(response.get_data(as_text=True)), message
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(BudgetLine)) == 0


def test_security_assessment_is_restricted_and_each_view_audited(app, make_user):
    officer = make_user("case_officer")
    assigned = make_user("case_officer", email="assigned@example.org")
    mission_id = add_mission(app, officer, assignees=(assigned.id,))
    author = app.test_client()
    login(author, officer)
    response = post_form(author, f"/missions/{mission_id}/security", {
        "risk_level": "high", "security_measures": "Safe house in Konak", "emergency_contacts": "+90 555 000 00 00"})
    assert response.status_code == 302
    other = app.test_client()
    login(other, make_user("case_officer", email="other@example.org"))
    assert other.get(f"/missions/{mission_id}/security").status_code == 403
    overview = other.get(f"/missions/{mission_id}").get_data(as_text=True)
    assert "Safe house" not in overview and f"/missions/{mission_id}/security" not in overview
    for role, email in (("coordinator", "lead@example.org"), ("readonly", "reader@example.org")):
        client = app.test_client()
        login(client, make_user(role, email=email))
        page = client.get(f"/missions/{mission_id}/security")
        assert page.status_code == (200 if role == "coordinator" else 403)
    insider = app.test_client()
    login(insider, assigned)
    assert "Safe house in Konak" in insider.get(f"/missions/{mission_id}/security").get_data(as_text=True)
    with app.app_context():
        views = db.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "view", AuditEntry.record_type == "mission"))
        assert views == 2  # the coordinator's and the assigned officer's


def test_changes_to_a_missions_parts_are_in_the_audit_trail(app, client, make_user):
    from core.records.models import Term
    from plugins.missions.models import Hearing

    officer = make_user("case_officer")
    mission_id = add_mission(app, officer)
    login(client, officer)
    with app.app_context():
        public = db.session.scalar(select(Term.id).where(Term.vocabulary == "fair_trial", Term.key == "public_hearing"))
    post_form(client, f"/missions/{mission_id}/budget", {"kind": "planned", "category": "travel", "amount": "100",
                                                         "currency": "EUR"})
    post_form(client, f"/missions/{mission_id}/delegates", {"user": "0", "name": "Maître Dupont", "kind": "lawyer"})
    post_form(client, f"/missions/{mission_id}/hearings/new", {"held_on": "2026-12-08", "observer": "0",
                                                               "outcome": "adjourned", f"answer-{public}": "respected"})
    with app.app_context():
        hearing_id = db.session.scalar(select(Hearing.id))
    post_form(client, f"/missions/{mission_id}/hearings/{hearing_id}", {
        "held_on": "2026-12-08", "observer": "0", "outcome": "adjourned", f"answer-{public}": "not_respected"})
    post_form(client, f"/missions/{mission_id}/report", {"title_en": "Report", "summary_en": "Unfair."})
    with app.app_context():
        rows = db.session.execute(select(AuditEntry.record_type, AuditEntry.action, AuditEntry.changes)
                                  .where(AuditEntry.user_id == officer.id)).all()
    kinds = {(row.record_type, row.action) for row in rows}
    assert {("mission_budget_line", "create"), ("mission_delegate", "create"), ("mission_hearing", "create"),
            ("mission_hearing", "update"), ("mission_report", "create")} <= kinds
    checklist = [row.changes["checklist"] for row in rows if "checklist" in row.changes]
    assert checklist[-1] == {str(public): ["respected", "not_respected"]}


def test_an_amount_written_another_languages_way_is_refused_not_misread(app, client, make_user):
    officer = make_user("case_officer")
    mission_id = add_mission(app, officer)
    login(client, officer)
    response = post_form(client, f"/missions/{mission_id}/budget", {"kind": "planned", "category": "travel",
                                                                    "amount": "1234,50", "currency": "EUR"})
    assert response.status_code == 422 and "Enter a number, such as 1250.50." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(BudgetLine)) == 0
