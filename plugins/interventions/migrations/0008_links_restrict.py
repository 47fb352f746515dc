"""The interventions plugin's links to defenders and partners no longer go with them when they are deleted
(``ON DELETE RESTRICT`` instead of ``CASCADE``): a merge moves every row pointing at the merged record first
(``core.records.references``), so a deletion that would take links with it is a mistake the database now refuses.

Revision ID: interventions_0008
Revises: interventions_0007
Create Date: 2026-12-07 19:00:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'interventions_0008'
down_revision = 'interventions_0007'
branch_labels = None
depends_on = None

KEYS = (
    ("interventions_case_defenders", "defender_id", "core_defenders"),
    ("interventions_consultations", "partner_id", "core_partners"),
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
