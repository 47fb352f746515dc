"""The reference-code rules: country numbering, the Observatory's yearly numbering, follow-up suffixes."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from core.database.models import User
from core.extensions import db
from plugins.interventions import codes, services
from plugins.interventions.models import Action, Case

from .helpers import add_action, add_case


def test_the_code_format():
    assert codes.format_code("TUR", 1, "0124", 5) == "TUR 001 / 0124 / OBS 005"
    assert codes.format_code("EGY", 5, "1117", 114, 1) == "EGY 005 / 1117 / OBS 114.1"
    assert codes.month_year(datetime(2024, 1, 31)) == "0124"


def _publish_at(app, case_id, user, moment, kind="urgent_appeal"):
    action_id = add_action(app, case_id, user, kind=kind)
    with app.app_context():
        case = db.session.get(Case, case_id)
        codes.number_case(case, moment)
        action = db.session.get(Action, action_id)
        action.sequence = sum(1 for a in case.actions if a.status == Action.PUBLISHED)
        action.reference, action.status = codes.code_for(case, action.sequence), Action.PUBLISHED
        db.session.commit()
        return action.reference


def test_numbers_per_country_and_year_restart_each_year(app, make_user):
    user = make_user("coordinator")
    jan = datetime(2024, 1, 15, tzinfo=timezone.utc)
    turkey_1, turkey_2 = add_case(app, user, country="TUR"), add_case(app, user, country="TUR")
    egypt = add_case(app, user, country="EGY")
    assert _publish_at(app, turkey_1, user, jan) == "TUR 001 / 0124 / OBS 001"
    assert _publish_at(app, egypt, user, datetime(2024, 3, 2, tzinfo=timezone.utc)) == "EGY 001 / 0324 / OBS 002"
    assert _publish_at(app, turkey_2, user, datetime(2024, 11, 30, tzinfo=timezone.utc)) == "TUR 002 / 1124 / OBS 003"
    next_year = add_case(app, user, country="TUR")
    assert _publish_at(app, next_year, user, datetime(2025, 2, 1, tzinfo=timezone.utc)) == "TUR 001 / 0225 / OBS 001"


def test_follow_ups_keep_the_code_and_add_a_suffix(app, make_user):
    user = make_user("coordinator")
    case_id = add_case(app, user, country="COL")
    first = _publish_at(app, case_id, user, datetime(2026, 5, 4, tzinfo=timezone.utc))
    assert first == "COL 001 / 0526 / OBS 001"
    later = datetime(2027, 1, 9, tzinfo=timezone.utc)  # a follow-up in another year keeps the first code
    assert _publish_at(app, case_id, user, later, "follow_up") == f"{first}.1"
    assert _publish_at(app, case_id, user, later, "closing") == f"{first}.2"


def test_publishing_numbers_the_case_once_and_private_letters_get_no_code(app, make_user):
    coordinator = make_user("coordinator")
    case_id = add_case(app, coordinator, verified=True)
    letter = add_action(app, case_id, coordinator, kind="private_letter")
    appeal = add_action(app, case_id, coordinator)
    follow = add_action(app, case_id, coordinator, kind="follow_up")
    with app.app_context():
        user = db.session.get(User, coordinator.id)
        assert services.publish(db.session.get(Action, letter), user).reference is None
        year = datetime.now(timezone.utc).year % 100
        code = services.publish(db.session.get(Action, appeal), user).reference
        assert code.startswith("TUR 001 / ") and code.endswith(f"{year:02d} / OBS 001")
        assert services.publish(db.session.get(Action, follow), user).reference == f"{code}.1"
        assert db.session.get(Case, case_id).reference == code


def test_a_failed_publication_leaves_no_gap(app, make_user):
    coordinator = make_user("coordinator")
    unverified = add_case(app, coordinator)
    verified = add_case(app, coordinator, verified=True)
    blocked = add_action(app, unverified, coordinator)
    good = add_action(app, verified, coordinator)
    with app.app_context():
        user = db.session.get(User, coordinator.id)
        with pytest.raises(services.WorkflowError):
            services.publish(db.session.get(Action, blocked), user)
        assert services.publish(db.session.get(Action, good), user).reference.endswith("OBS 001")
