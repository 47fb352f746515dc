"""Who sees which record is one rule, ``visible``; ``can_see`` is that rule asked of one loaded record."""
from sqlalchemy import select

from core.database.models import User
from core.extensions import db
from core.records.models import Defender, Partner
from core.records.visibility import can_see, visible
from tests.records_helpers import add_defender, add_partner


def test_each_user_sees_their_own_records_and_can_see_agrees(app, make_user):
    assigned, other, admin = make_user("case_officer"), make_user("case_officer"), make_user("admin")
    add_defender(app, "Hidden Person", confidentiality="restricted", assignees=(assigned.id,))
    add_defender(app, "Visible Person")
    with app.app_context():
        seen = {}
        for name, user in (("assigned", assigned), ("other", other), ("admin", admin), ("other again", other)):
            user = db.session.get(User, user.id)
            seen[name] = list(db.session.scalars(select(Defender.name).where(visible(Defender, user))
                                                 .order_by(Defender.name)))
            each = sorted(d.name for d in db.session.scalars(select(Defender)) if can_see(d, user))
            assert each == seen[name], name
    assert seen["assigned"] == seen["admin"] == ["Hidden Person", "Visible Person"]
    assert seen["other"] == seen["other again"] == ["Visible Person"]


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


def test_an_assignment_opens_only_the_record_of_its_type(app, make_user):
    """An assignment to a partner does not open the restricted defender that has the same id."""
    user = make_user("case_officer")
    defender_id = add_defender(app, "Hidden Defender", confidentiality="restricted")
    partner_id = add_partner(app, "Open Partner", confidentiality="restricted", assignees=(user.id,))
    with app.app_context():
        while partner_id < defender_id:  # give the partner the defender's id
            partner_id = add_partner(app, f"Partner {partner_id}", confidentiality="restricted", assignees=(user.id,))
        user = db.session.get(User, user.id)
        defender = db.session.get(Defender, defender_id)
        partner = db.session.get(Partner, defender_id)
        assert partner is not None and partner.confidentiality == "restricted"  # the same id, of another type
        assert can_see(partner, user) and not can_see(defender, user)
        assert db.session.scalar(select(Defender.id).where(Defender.id == defender_id, visible(Defender, user))) is None
        assert db.session.scalar(select(Partner.id).where(Partner.id == defender_id, visible(Partner, user))) \
            == defender_id


def test_a_statement_built_once_for_a_viewer_answers_each_user_with_their_own_records(app, make_user):
    """``visible(model, viewer(user))`` is the same rule with the user's id as the bind parameter ``viewer_id``:
    one statement built per kind of viewer (admin or not) serves users one after another, each with their own
    records, and cannot run without the asker's id."""
    import pytest
    from sqlalchemy.exc import StatementError

    from core.database.statements import built_once
    from core.records.visibility import Viewer, viewer

    @built_once
    def names(who: Viewer):
        return select(Defender.name).where(visible(Defender, who)).order_by(Defender.name)

    assigned, other, admin = make_user("case_officer"), make_user("case_officer"), make_user("admin")
    add_defender(app, "Hidden Person", confidentiality="restricted", assignees=(assigned.id,))
    add_defender(app, "Visible Person")
    with app.app_context():
        seen = {}
        for name, user in (("assigned", assigned), ("other", other), ("admin", admin), ("other again", other),
                           ("assigned again", assigned)):
            user = db.session.get(User, user.id)
            seen[name] = list(db.session.scalars(names(viewer(user)), {"viewer_id": user.id}))
            assert seen[name] == list(db.session.scalars(select(Defender.name).where(visible(Defender, user))
                                                         .order_by(Defender.name))), name
        assert names(viewer(db.session.get(User, assigned.id))) is names(viewer(db.session.get(User, other.id)))
        with pytest.raises(StatementError, match="viewer_id"):
            db.session.scalars(names(Viewer(admin=False))).all()
    assert seen["assigned"] == seen["assigned again"] == seen["admin"] == ["Hidden Person", "Visible Person"]
    assert seen["other"] == seen["other again"] == ["Visible Person"]
