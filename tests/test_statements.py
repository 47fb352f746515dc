"""Statements built once and shared by every request keep each user's view of restricted records apart."""
from sqlalchemy import select

from core.database.models import User
from core.database.statements import built_once
from core.extensions import db
from core.records.models import Defender
from core.records.visibility import is_admin, viewer, visible, visible_to_viewer
from tests.records_helpers import add_defender

builds = []


@built_once
def _names(admin: bool):
    builds.append(admin)
    return select(Defender.name).where(visible_to_viewer(Defender, admin)).order_by(Defender.name)


def test_one_statement_serves_each_user_their_own_records(app, make_user):
    assigned, other, admin = make_user("case_officer"), make_user("case_officer"), make_user("admin")
    add_defender(app, "Hidden Person", confidentiality="restricted", assignees=(assigned.id,))
    add_defender(app, "Visible Person")
    with app.app_context():
        seen = {}
        for name, user in (("assigned", assigned), ("other", other), ("admin", admin), ("other again", other)):
            user = db.session.get(User, user.id)
            statement = _names(is_admin(user))
            seen[name] = list(db.session.scalars(statement, viewer(user)))
            assert seen[name] == list(db.session.scalars(select(Defender.name).where(visible(Defender, user))
                                                         .order_by(Defender.name))), name
    assert seen["assigned"] == seen["admin"] == ["Hidden Person", "Visible Person"]
    assert seen["other"] == seen["other again"] == ["Visible Person"]
    assert sorted(builds) == [False, True]  # built once for staff, once for admins
    assert _names(False) is _names(False)


def test_a_list_of_ids_travels_as_one_parameter(app):
    """``among_ids`` takes any number of ids in one parameter: the statement's SQL stays the same whatever the
    list's length (``in_([...])`` would make SQLAlchemy write it again around the list at each execution)."""
    from core.database.statements import among_ids

    ids = [add_defender(app, name) for name in ("Ana", "Bea", "Cem", "Dan")]
    with app.app_context():
        postgresql = db.engine.dialect.name == "postgresql"
        statement = select(Defender.name).where(among_ids(Defender.id, "ids", postgresql)).order_by(Defender.name)
        assert "POSTCOMPILE" not in str(statement.compile(dialect=db.engine.dialect))
        assert "POSTCOMPILE" in str(select(Defender.name).where(Defender.id.in_(ids)).compile(dialect=db.engine.dialect))
        assert list(db.session.scalars(statement, {"ids": ids[1:3]})) == ["Bea", "Cem"]
        assert list(db.session.scalars(statement, {"ids": []})) == []
        assert list(db.session.scalars(statement, {"ids": ids * 50})) == ["Ana", "Bea", "Cem", "Dan"]


def test_visible_among_keeps_each_record_type_apart(app, make_user):
    """An assignment to a partner does not open the restricted defender that has the same id."""
    from core.records.models import Partner
    from core.records.visibility import visible_among, visible_records
    from tests.records_helpers import add_partner

    user = make_user("case_officer")
    defender_id = add_defender(app, "Hidden Defender", confidentiality="restricted")
    partner_id = add_partner(app, "Open Partner", confidentiality="restricted", assignees=(user.id,))
    with app.app_context():
        while partner_id < defender_id:  # give the partner the defender's id
            partner_id = add_partner(app, f"Partner {partner_id}", confidentiality="restricted", assignees=(user.id,))
        assert partner_id >= defender_id
        defender = db.session.get(Defender, defender_id)
        partners = list(db.session.scalars(select(Partner).where(Partner.id.in_([partner_id, defender_id]))))
        assert defender_id in {partner.id for partner in partners}  # the same id, of another type
        seen = visible_among({"defender": [defender], "partner": partners}, db.session.get(User, user.id))
        assert seen["defender"] == [] and {p.id for p in seen["partner"]} == {p.id for p in partners}
        assert visible_records([defender], db.session.get(User, user.id)) == []
