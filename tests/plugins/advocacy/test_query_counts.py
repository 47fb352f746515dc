"""The advocacy pages cost the same number of SQL statements with a few actions as with thousands, and
defenders, answers, links and sessions added to an action or a mechanism do not add statements."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from core.extensions import db
from core.records.demo import load as load_core_demo
from plugins.advocacy.demo import load as load_advocacy
from plugins.advocacy.models import ActionDefender, AdvocacyAction, Answer, MechanismSession

from ...conftest import login, post_form
from ...records_helpers import add_defender
from ..interventions.helpers import add_case
from .helpers import COMMUNICATION_DETAILS, add_action, mechanism_id


def test_pages_keep_their_statement_count_as_advocacy_grows(app, client, make_user, count_queries):
    officer = make_user("coordinator")
    login(client, officer)
    defender = add_defender(app, "Aylin Kaya")
    action_id = add_action(app, officer, defenders=(defender,), consent="given", details=COMMUNICATION_DETAILS,
                           sent_on=date.today() - timedelta(days=30), reply_expected_by=date.today() + timedelta(days=5))
    case_id = add_case(app, officer, title="Arrest of the Izmir lawyers")
    post_form(client, f"/links/advocacy_action/{action_id}", {"record_type": "case", "record_id": case_id})
    with app.app_context():
        sr_hrd = mechanism_id("un_sr_hrd")
    paths = ["/advocacy/", "/advocacy/?state=awaiting&system=un&type=urgent_appeal&country=TUR", "/advocacy/?q=izmir",
             f"/advocacy/{action_id}", f"/advocacy/{action_id}/edit", f"/advocacy/mechanisms/{sr_hrd}",
             "/advocacy/mechanisms/", "/advocacy/countries/", "/advocacy/countries/TUR", "/upcoming", "/",
             f"/defenders/{defender}", "/search?q=izmir"]

    def grow(n: int) -> None:
        """``n`` more defenders and answers on the action, and sessions of its mechanism."""
        with app.app_context():
            for i in range(n):
                db.session.add(ActionDefender(action_id=action_id, defender_id=add_defender(app, f"Defender {i}"),
                                              consent="given"))
                db.session.add(Answer(action_id=action_id, kind="acknowledgement",
                                      received_on=date.today() - timedelta(days=i % 20)))
                db.session.add(MechanismSession(mechanism_id=sr_hrd, title=f"Session {i}",
                                                starts_on=date.today() + timedelta(days=i - n // 2)))
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
        load_advocacy(100)
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(AdvocacyAction)) == 1_601
    many = counts()
    assert many == few, {path: (few[path], many[path]) for path in paths if few[path] != many[path]}
    assert max(many.values()) <= 10, many
    # What the pages read (issue 29): a mechanism's page its mechanism, sessions, page of actions, their results and
    # its counts (the list's total among them); a country's the same without mechanism and sessions, with the
    # mechanisms it went to; an action's its answers joined to it.
    assert (many[f"/advocacy/mechanisms/{sr_hrd}"], many["/advocacy/countries/TUR"], many[f"/advocacy/{action_id}"]) \
        == (6, 5, 8), many


def test_a_dossier_is_gathered_in_the_same_number_of_statements_for_few_or_many_cases(app, make_user, count_queries):
    from flask_login import login_user

    from core.database.models import User
    from plugins.advocacy import dossiers

    officer = make_user("coordinator")
    mechanism = None

    def gathered(count: int) -> tuple[int, int]:
        ids = []
        for i in range(count):
            defender = add_defender(app, f"Defender {count}-{i}", publication_name=f"D. {i}.")
            ids.append(add_case(app, officer, title=f"Case {count}-{i}", defenders=(defender,)))
            add_action(app, officer, title=f"Appeal {count}-{i}", defenders=(defender,), consent="given",
                       sent_on=date.today() - timedelta(days=3))
        with app.test_request_context():
            user = db.session.get(User, officer.id)
            login_user(user)
            wanted = dossiers.DossierRequest(mechanism or mechanism_id("un_sr_hrd"), "en", case_ids=tuple(ids))
            dossiers.gather_dossier(wanted, user)  # warm caches
            with count_queries() as statements:
                dossier = dossiers.gather_dossier(wanted, user)
            return len(statements), len(dossier.cases)

    few, many = gathered(2), gathered(25)
    assert few[1] == 2 and many[1] == 25
    assert few[0] == many[0], (few, many)
