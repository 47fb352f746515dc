"""The disclosure guard's decisions kept on each bulletin and annual report (which ambiguous names to mask or to
keep, and why), so every build of an edition, the scheduled one included, applies what its editors decided; and
the names a refused annual report build left waiting for their decision.

Revision ID: core_0014
Revises: core_0013
Create Date: 2026-12-07 03:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'core_0014'
down_revision = 'core_0013'
branch_labels = None
depends_on = None


def upgrade():
    for table in ("core_bulletins", "core_annual_reports"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column('disclosure_decisions', sa.JSON(), nullable=False, server_default='{}'))
            batch_op.add_column(sa.Column('disclosure_reason', sa.Text(), nullable=False, server_default=''))
    with op.batch_alter_table("core_annual_reports") as batch_op:
        batch_op.add_column(sa.Column('disclosure_waiting', sa.JSON(), nullable=False, server_default='[]'))


def downgrade():
    with op.batch_alter_table("core_annual_reports") as batch_op:
        batch_op.drop_column('disclosure_waiting')
    for table in ("core_bulletins", "core_annual_reports"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column('disclosure_reason')
            batch_op.drop_column('disclosure_decisions')
