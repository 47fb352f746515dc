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


def test_lists_of_ids_and_fixed_values_keep_the_statements_sql_fixed(app):
    """``among_ids`` takes any number of ids in one parameter, ``one_of``/``none_of`` a list fixed in the code:
    neither makes SQLAlchemy rewrite the statement's SQL at each execution (an "expanding" parameter)."""
    from sqlalchemy.sql import compiler

    from core.statements import among_ids, none_of, one_of

    ids = [add_defender(app, name) for name in ("Ana", "Bea", "Cem", "Dan")]
    rewritten = []
    original = compiler.SQLCompiler._process_parameters_for_postcompile

    def spy(self, *args, **kwargs):
        rewritten.append(self.string)
        return original(self, *args, **kwargs)

    with app.app_context():
        postgresql = db.engine.dialect.name == "postgresql"
        statement = select(Defender.name).where(among_ids(Defender.id, "ids", postgresql),
                                                one_of(Defender.confidentiality, ("internal", "public")),
                                                none_of(Defender.name, ("Dan", "Eve"))).order_by(Defender.name)
        compiler.SQLCompiler._process_parameters_for_postcompile = spy
        try:
            assert list(db.session.scalars(statement, {"ids": ids[1:]})) == ["Bea", "Cem"]
            assert list(db.session.scalars(statement, {"ids": []})) == []
            assert list(db.session.scalars(statement, {"ids": ids * 50})) == ["Ana", "Bea", "Cem"]
            assert rewritten == []
            db.session.scalars(select(Defender.name).where(Defender.id.in_(ids)))  # what the spy would see
            assert len(rewritten) == 1
        finally:
            compiler.SQLCompiler._process_parameters_for_postcompile = original


def test_a_join_in_this_order_is_read_from_its_left_table_on_sqlite(app):
    """SQLite's CROSS JOIN keeps the order written; other databases get a plain join, with the same rows."""
    from sqlalchemy.dialects import postgresql, sqlite

    from core.records.models import Country
    from core.statements import join_in_this_order

    add_defender(app, "Ana Demir", country="TUR")
    statement = select(Defender.name, Country.alpha3).select_from(
        join_in_this_order(Defender, Country, Country.id == Defender.country_id))
    assert " CROSS JOIN core_countries ON " in str(statement.compile(dialect=sqlite.dialect()))
    assert " CROSS JOIN " not in str(statement.compile(dialect=postgresql.dialect()))
    with app.app_context():
        assert db.session.execute(statement).all() == [("Ana Demir", "TUR")]


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


def test_constants_are_written_into_the_sql_and_quoted(app):
    """``constant`` puts a value fixed in the code into the SQL itself (no bind parameter to convert at each
    execution), quoted so that a quote in it cannot end the string; anything but a string or an integer is
    refused, so a request's value cannot be passed by mistake as if it were one."""
    import pytest
    from sqlalchemy import union_all

    from core.statements import constant

    add_defender(app, "O'Brien")
    with app.app_context():
        arms = union_all(select(constant("it's").label("kind"), constant(7).label("n")),
                         select(constant("plain"), constant(-2)))
        compiled = arms.compile(dialect=db.engine.dialect)
        assert compiled.params == {}
        assert sorted(db.session.execute(arms).all()) == [("it's", 7), ("plain", -2)]
        named = select(Defender.name).where(Defender.name == constant("O'Brien"))
        assert db.session.scalars(named).all() == ["O'Brien"]
        for wrong in (True, 1.5, None, b"x"):
            with pytest.raises(TypeError):
                constant(wrong)


def test_a_statement_built_once_is_found_in_the_compiled_cache_by_a_key_hashed_once(app, make_user):
    """A statement kept for reuse carries its cache key with the hash computed once (SQLAlchemy would hash the
    whole key at each execution), equal to the key it replaces: the statement's compiled SQL is found again
    in SQLAlchemy's cache, and its rows are the same."""
    from core.statements import _HashedOnce

    user = make_user("case_officer")
    add_defender(app, "Ana")
    with app.app_context():
        statement = _names(False)
        key = statement._generate_cache_key()
        assert isinstance(key.key, _HashedOnce)
        assert key.key == tuple(key.key) and hash(key.key) == hash(tuple(key.key))
        connection = db.session.connection()
        results = [connection.execute(statement, viewer(db.session.get(User, user.id))) for _ in range(3)]
        assert [result.all() for result in results] == [[("Ana",)]] * 3
        assert results[-1].context.cache_hit == db.engine.dialect.CACHE_HIT
        # a statement derived from it (as a list derives its count and its page) has a key of its own
        derived = statement.with_only_columns(Defender.id).limit(5)
        assert derived._generate_cache_key().key != key.key
        assert not isinstance(derived._generate_cache_key().key, _HashedOnce)
        assert [type(value) for value in connection.execute(derived, viewer(db.session.get(User, user.id))).scalars()] \
            == [int]
