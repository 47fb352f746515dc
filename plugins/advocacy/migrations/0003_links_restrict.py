"""The advocacy plugin's links to defenders no longer go with them when they are deleted
(``ON DELETE RESTRICT`` instead of ``CASCADE``): a merge moves every row pointing at the merged record first
(``core.records.references``), so a deletion that would take links with it is a mistake the database now refuses.

Revision ID: advocacy_0003
Revises: advocacy_0002
Create Date: 2026-12-07 19:00:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'advocacy_0003'
down_revision = 'advocacy_0002'
branch_labels = None
depends_on = None

KEYS = (
    ("advocacy_action_defenders", "defender_id", "core_defenders"),
)


def _refer(ondelete: str) -> None:
    for table, column, referred in KEYS:
        name = f"fk_{table}_{column}_{referred}"
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(name, type_="foreignkey")
            batch.create_foreign_key(name, referred, [column], ["id"], ondelete=ondelete)


def upgrade():
    _refer("RESTRICT")


def downgrade():
    _refer("CASCADE")
