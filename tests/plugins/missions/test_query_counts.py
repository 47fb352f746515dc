"""The mission pages cost the same number of SQL statements with a few missions as with thousands, and
hearings, delegates or budget lines added to a mission do not add statements."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from core.extensions import db
from core.records.demo import load as load_core_demo
from plugins.missions.demo import load as load_missions
from plugins.missions.models import BudgetLine, Delegate, Hearing, Mission, MissionDefender, Recommendation

from ...conftest import login, post_form
from ...records_helpers import add_defender
from ..interventions.helpers import add_case
from .helpers import add_mission


def test_pages_keep_their_statement_count_as_missions_and_hearings_grow(app, client, make_user, count_queries):
    officer = make_user("coordinator")
    login(client, officer)
    defender = add_defender(app, "Aylin Kaya")
    mission_id = add_mission(app, officer, start=date.today() + timedelta(days=3), status="in_field")
    post_form(client, f"/missions/{mission_id}/report", {"title_en": "Report", "summary_en": "Summary"})
    post_form(client, f"/links/mission/{mission_id}/defenders", {"defender_id": defender, "on_trial": "y"})
    post_form(client, f"/missions/{mission_id}/delegates", {"user": officer.id, "kind": "staff"})
    post_form(client, f"/missions/{mission_id}/step", {"target": "report_drafting"})  # a step, by a user
    post_form(client, f"/missions/{mission_id}/recommendations", {"text": "Release them", "addressee_kind": "state"})
    with app.app_context():
        observer = db.session.scalar(select(Delegate.id))
        recommendation = db.session.scalar(select(Recommendation.id))
    post_form(client, f"/missions/{mission_id}/recommendations/{recommendation}",
              {"status": "partly", "noted_on": "2027-01-05"})
    case_id = add_case(app, officer, title="Arrest of the trial's defendants")
    post_form(client, f"/links/mission/{mission_id}", {"record_type": "case", "record_id": case_id})
    paths = ["/missions/", "/missions/?type=trial_observation&region=europe_central_asia&status=in_field",
             "/missions/?q=trial", f"/missions/{mission_id}", f"/missions/{mission_id}/budget",
             f"/missions/{mission_id}/trial", f"/missions/{mission_id}/report", "/upcoming", "/",
             f"/defenders/{defender}", "/search?q=trial"]

    def grow(n: int) -> None:
        """``n`` more hearings, delegates, budget lines and defenders on the mission."""
        with app.app_context():
            for i in range(n):
                db.session.add_all([
                    Hearing(mission_id=mission_id, held_on=date.today() + timedelta(days=i), observer_id=observer),
                    Delegate(mission_id=mission_id, name=f"Expert {i}", kind="expert"),
                    BudgetLine(mission_id=mission_id, kind="actual", category="travel", amount=10, currency="EUR",
                               rate=1)])
                db.session.add(MissionDefender(mission_id=mission_id, defender_id=add_defender(app, f"Defender {i}")))
            db.session.commit()

    def counts():
        found = {}
        for path in paths:
            client.get(path)  # warm per-process caches (country names)
            with count_queries() as statements:
                assert client.get(path).status_code == 200, path
            found[path] = len(statements)
        return found

    grow(2)
    few = counts()
    grow(40)
    with app.app_context():
        load_core_demo(1)
        load_missions(100)
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(Mission)) == 1_201
        assert db.session.scalar(select(func.count()).select_from(Hearing)) > 800
    many = counts()
    assert many == few, {path: (few[path], many[path]) for path in paths if few[path] != many[path]}
    assert max(many.values()) <= 10, many
