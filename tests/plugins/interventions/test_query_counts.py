"""The main pages of the plugin cost the same number of SQL statements with 10 cases as with 10,000."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from core.extensions import db
from core.records.demo import load as load_core_demo
from core.records.models import Partner
from plugins.interventions.demo import load as load_cases
from plugins.interventions.models import Action, Case, Consultation

from ...conftest import login
from ...records_helpers import add_defender
from .helpers import add_action, add_case, publish


def test_pages_keep_their_statement_count_from_10_to_10000_cases(app, client, make_user, count_queries):
    officer = make_user("coordinator")
    login(client, officer)
    defender = add_defender(app, "Aylin Kaya", publication_name="A. K.")
    case_id = add_case(app, officer, defenders=(defender,), verified=True)
    action_id = add_action(app, case_id, officer)
    publish(app, action_id, officer)
    for i in range(9):
        add_case(app, officer, title=f"Detention case {i}", country=["TUR", "KEN", "COL"][i % 3])
    # What waits for the coordinator: an action to review, a case of theirs whose partners have not answered.
    add_action(app, add_case(app, officer, title="Appeal to review", verified=True), officer, status=Action.IN_REVIEW)
    silent = add_case(app, officer, title="Partners silent", assignees=(officer.id,))
    with app.app_context():
        db.session.add(Consultation(case_id=silent, partner_id=db.session.scalar(select(Partner.id).limit(1)),
                                    consulted_on=date.today() - timedelta(days=9), answer="no_answer"))
        db.session.commit()
    paths = ["/interventions/", "/interventions/?region=europe_central_asia&verification=verified&action_type=urgent_appeal",
             "/interventions/?q=detention", "/interventions/?action_stage=in_review&action_type=urgent_appeal",
             f"/interventions/{case_id}", f"/interventions/actions/{action_id}",
             "/search?q=detention", "/", f"/defenders/{defender}"]

    def counts():
        found = {}
        for path in paths:
            client.get(path)  # warm per-process caches (country names)
            with count_queries() as statements:
                assert client.get(path).status_code == 200, path
            found[path] = len(statements)
        return found

    def waiting() -> str:
        return client.get("/").get_data(as_text=True).split('id="waiting-for-me"')[1].split("</section>")[0]

    few = counts()
    assert "To review" in waiting() and "Verification overdue" in waiting() and "See all" not in waiting()
    with app.app_context():
        load_core_demo(1)
        load_cases(25)
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(Case)) == 10_012
        assert db.session.scalar(select(func.count()).select_from(Action)) > 5_000
    many = counts()
    assert many == few
    # Five of the many actions waiting for review, and the whole list of them a click away, filtered in the database.
    assert waiting().count(">To review</span>") == 5
    assert 'href="/interventions/?action_stage=in_review">See all (To review)' in waiting()
    assert max(many.values()) <= 10, many
