"""Statements built once and shared by every request keep each user's view of restricted records apart."""
from sqlalchemy import select

from core.extensions import db
from core.models import User
from core.records.models import Defender
from core.records.visibility import is_admin, viewer, visible, visible_to_viewer
from core.statements import built_once
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
