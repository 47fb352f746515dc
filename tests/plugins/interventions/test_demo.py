"""Demo cases load after the core's defenders, numbered as publication numbers them; a real publication
continues the sequence."""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import func, select

from core.database.models import User
from core.extensions import db
from plugins.interventions import services
from plugins.interventions.models import Action, Case, CaseDefender, Outcome

from .helpers import add_action, add_case


def test_demo_cases_are_linked_numbered_and_continued(app, make_user):
    result = app.test_cli_runner().invoke(args=["demo-data", "--scale", "1"])
    assert result.exit_code == 0, result.output
    assert "400 intervention cases" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Case)) == 400
        assert db.session.scalar(select(func.count(func.distinct(CaseDefender.case_id)))) == 400
        codes = list(db.session.scalars(select(Action.reference).where(Action.reference.is_not(None))))
        assert codes and len(codes) == len(set(codes))
        assert all(re.fullmatch(r"[A-Z]{3} \d{3} / \d{4} / OBS \d{3}(\.\d+)?", code) for code in codes)
        outcomes = db.session.execute(select(Outcome.case_id, Outcome.occurred_on, Action.published_at).join(
            Action, (Action.case_id == Outcome.case_id) & (Action.sequence == 0))).all()
        assert len(outcomes) > 50  # what became of many defenders, after the appeal and never in the future
        assert all(published.date() < occurred <= date.today() for _case, occurred, published in outcomes)
        latest_year = max(db.session.scalars(select(Case.year).where(Case.year.is_not(None))))
        highest = db.session.scalar(select(func.max(Case.obs_number)).where(Case.year == latest_year))
    coordinator = make_user("coordinator")
    action_id = add_action(app, add_case(app, coordinator, verified=True), coordinator)
    with app.app_context():
        action = services.publish(db.session.get(Action, action_id), db.session.get(User, coordinator.id))
        if action.case.year == latest_year:
            assert action.case.obs_number == highest + 1
