"""Publishers at the same moment on PostgreSQL: every number is given once, none is skipped."""
from __future__ import annotations

import re
import threading

import pytest

from core.database.models import User
from core.extensions import db
from plugins.interventions import services
from plugins.interventions.models import Action

from .helpers import add_action, add_case

PUBLISHERS = 8


@pytest.fixture
def postgresql_app(app):
    if not str(app.config["SQLALCHEMY_DATABASE_URI"]).startswith("postgresql"):
        pytest.skip("row locks and concurrent transactions are tested on PostgreSQL")
    return app


def test_concurrent_publishers_get_unique_gapless_codes(postgresql_app, make_user):
    app = postgresql_app
    coordinator = make_user("coordinator")
    countries = ["TUR", "TUR", "TUR", "EGY", "EGY", "COL"]
    actions = [add_action(app, add_case(app, coordinator, country=country, verified=True), coordinator)
               for country in countries]
    shared_case = add_case(app, coordinator, country="COL", verified=True)
    actions += [add_action(app, shared_case, coordinator), add_action(app, shared_case, coordinator, kind="follow_up")]
    assert len(actions) == PUBLISHERS
    barrier, errors = threading.Barrier(PUBLISHERS), []

    def publish(action_id):
        try:
            with app.app_context():
                user = db.session.get(User, coordinator.id)
                action = db.session.get(Action, action_id)
                barrier.wait(timeout=10)
                services.publish(action, user)
                db.session.remove()
        except Exception as error:  # reported below: a thread's failure must fail the test
            errors.append(repr(error))

    threads = [threading.Thread(target=publish, args=(action_id,)) for action_id in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with app.app_context():
        codes = [db.session.get(Action, action_id).reference for action_id in actions]
    parsed = [re.fullmatch(r"([A-Z]{3}) (\d{3}) / \d{4} / OBS (\d{3})(?:\.(\d))?", code).groups() for code in codes]
    main_codes = [p for p in parsed if p[3] is None]
    assert sorted(int(p[2]) for p in main_codes) == list(range(1, len(countries) + 2))  # 7 cases, no gap
    for country, count in (("TUR", 3), ("EGY", 2), ("COL", 2)):
        assert sorted(int(p[1]) for p in main_codes if p[0] == country) == list(range(1, count + 1))
    shared = sorted(codes[-2:])
    assert shared[1] == f"{shared[0]}.1"  # the shared case was numbered once; its second action is ".1"
