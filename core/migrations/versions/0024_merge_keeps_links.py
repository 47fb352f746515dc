"""A defender's rights no longer go with the defender when it is deleted (``ON DELETE RESTRICT`` instead of
``CASCADE``): a merge moves every row pointing at the merged record first (``core.records.references``), so a
deletion that would take rows with it is a mistake the database now refuses.

Revision ID: core_0024
Revises: core_0023
Create Date: 2026-12-07 19:00:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'core_0024'
down_revision = 'core_0023'
branch_labels = None
depends_on = None

TABLE, COLUMN, NAME = "core_defender_rights", "defender_id", "fk_core_defender_rights_defender_id_core_defenders"


def _refer(ondelete: str) -> None:
    with op.batch_alter_table(TABLE) as batch:
        batch.drop_constraint(NAME, type_="foreignkey")
        batch.create_foreign_key(NAME, "core_defenders", [COLUMN], ["id"], ondelete=ondelete)


def upgrade():
    _refer("RESTRICT")


def downgrade():
    _refer("CASCADE")
