"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL alike."""
from __future__ import annotations

import re
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, select

from core.database.migrations_setup import include_object
from core.database.models import Role
from core.extensions import db

from .plugin_factory import install_plugin


def test_models_and_migrations_agree(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "include_object": include_object})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_migration_creates_the_builtin_roles(app):
    with app.app_context():
        roles = {role.name: role.require_2fa for role in db.session.scalars(select(Role))}
    assert roles == {"admin": True, "coordinator": False, "case_officer": False, "committee": True,
                     "readonly": False}


def _heads(app) -> set[str]:
    with app.app_context(), db.engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())


def _core_head() -> str:
    versions = Path(__file__).resolve().parent.parent / "core" / "migrations" / "versions"
    return max(re.search(r"^revision = ['\"](\w+)", path.read_text(), re.M).group(1) for path in versions.glob("*.py"))


def _applied(app) -> set[str]:
    """Every revision the database is at or past (a plugin head implies the core revision it depends on)."""
    with app.app_context():
        script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
        return {revision.revision for revision in script.iterate_revisions(_heads(app), "base")}, set(
            script.get_heads())


def test_db_upgrade_command_brings_the_database_to_every_head(app):
    applied, heads = _applied(app)
    assert _core_head() in heads and heads <= applied
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    applied, heads = _applied(app)
    assert heads <= applied


def test_db_commands_are_flask_migrates_with_an_upgrade_to_every_head(app):
    """Ours is a group of its own: Flask-Migrate's ``db upgrade`` still goes to "head" for any other app."""
    import flask_migrate.cli

    ours = app.cli.get_command(None, "db")
    assert ours is not flask_migrate.cli.db and set(ours.commands) == set(flask_migrate.cli.db.commands)
    assert {p.name: p.default for p in ours.commands["upgrade"].params}["revision"] == "heads"
    assert {p.name: p.default for p in flask_migrate.cli.upgrade.params}["revision"] == "head"
    result = app.test_cli_runner().invoke(args=["db", "heads"])
    assert result.exit_code == 0, result.output  # (Alembic prints to the real standard output)


PLUGIN_WITH_TABLE = '''
from core.plugin_host.hookspecs import hookimpl
from . import models

@hookimpl
def observatory_startup(app):
    pass
'''
PLUGIN_MODELS = '''
from sqlalchemy.orm import Mapped, mapped_column
from core.extensions import db

class Note(db.Model):
    __tablename__ = "notes_notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str]
'''
PLUGIN_MIGRATION = '''
"""notes table"""
import sqlalchemy as sa
from alembic import op

revision = "notes_0001"
down_revision = None
branch_labels = ("notes",)
depends_on = "core_0001"

def upgrade():
    op.create_table("notes_notes", sa.Column("id", sa.Integer(), primary_key=True),
                    sa.Column("text", sa.String(), nullable=False))

def downgrade():
    op.drop_table("notes_notes")
'''


def test_a_plugin_brings_its_own_migration_branch(tmp_path, monkeypatch, make_app):
    install_plugin(tmp_path / "site", monkeypatch, PLUGIN_WITH_TABLE, entry_name="notes", files={
        "models.py": PLUGIN_MODELS, "migrations/0001_notes.py": PLUGIN_MIGRATION})
    app = make_app()
    try:
        result = app.test_cli_runner().invoke(args=["db", "upgrade"])
        assert result.exit_code == 0, result.output
        applied, heads = _applied(app)
        assert "notes_0001" in heads and heads <= applied  # `db upgrade` took the plugin's branch too
        with app.app_context():
            assert "notes_notes" in inspect(db.engine).get_table_names()
    finally:
        with app.app_context():
            db.metadata.remove(db.metadata.tables["notes_notes"])  # the shared metadata outlives the app
            with db.engine.begin() as connection:
                connection.exec_driver_sql("DROP TABLE IF EXISTS notes_notes")
                connection.exec_driver_sql("DELETE FROM alembic_version WHERE version_num = 'notes_0001'")


def test_a_disabled_plugins_tables_are_never_proposed_for_dropping(app):
    with app.app_context(), db.engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE gone_plugin_data (id INTEGER PRIMARY KEY)")
        try:
            unfiltered = compare_metadata(MigrationContext.configure(connection), db.metadata)
            context = MigrationContext.configure(connection, opts={"include_object": include_object})
            filtered = compare_metadata(context, db.metadata)
        finally:
            connection.exec_driver_sql("DROP TABLE gone_plugin_data")
    assert ("remove_table", "gone_plugin_data") in [(d[0], getattr(d[1], "name", None)) for d in unfiltered]
    assert filtered == []


def test_nothing_is_deleted_with_a_defender_or_a_partner(app):
    """The migrated database's keys to defenders and partners never cascade: a merge moves the rows first, and
    a deletion that would take rows with it is refused rather than silently done."""
    with app.app_context(), db.engine.connect() as connection:
        inspector = inspect(connection)
        keys = {(table, fk["constrained_columns"][0]): (fk["options"].get("ondelete") or "").upper()
                for table in inspector.get_table_names() for fk in inspector.get_foreign_keys(table)
                if fk["referred_table"] in ("core_defenders", "core_partners")}
    assert keys[("core_defender_rights", "defender_id")] == "RESTRICT"
    assert keys[("interventions_case_defenders", "defender_id")] == "RESTRICT"
    assert keys[("missions_mission_partners", "partner_id")] == "RESTRICT"
    assert [key for key, ondelete in keys.items() if ondelete == "CASCADE"] == []


def test_the_family_index_migration_indexes_the_relatives_of_defenders_saved_before_it(app):
    """``core_0026`` writes every defender's address keys again with the family's: a relative saved before the
    address index held families is found without an administrator's reindex."""
    import importlib.util

    from alembic.operations import Operations
    from sqlalchemy import delete

    from core.disclosure import addresses
    from core.records.models import Defender, SearchToken

    from .records_helpers import add_defender

    path = Path(__file__).resolve().parent.parent / "core" / "migrations" / "versions" / "0026_family_index.py"
    spec = importlib.util.spec_from_file_location("family_index", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    with app.app_context():
        defender = db.session.get(Defender, add_defender(app, "Aylin Kaya", family="Mehmet Kaya (brother)",
                                                         address="12 Rue des Oliviers"))
        wanted = addresses.record_keys(defender)
        db.session.execute(delete(SearchToken).where(SearchToken.record_type == addresses.RECORD_TYPE))
        db.session.commit()
        with db.engine.begin() as connection, Operations.context(MigrationContext.configure(connection)):
            migration.upgrade()
        held = set(db.session.scalars(select(SearchToken.token).where(
            SearchToken.record_type == addresses.RECORD_TYPE, SearchToken.record_id == defender.id)))
        assert wanted and held == wanted and addresses.fields_keys({"family": "Mehmet Kaya (brother)"}) <= held
