"""The annual report keeps its last check before it leaves (what the guard will mask in each language, and when
it was checked), for its page to show before anything is built.

Revision ID: core_0027
Revises: core_0026
Create Date: 2026-12-08 01:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'core_0027'
down_revision = 'core_0026'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('core_annual_reports') as batch_op:
        batch_op.add_column(sa.Column('disclosure_check', sa.JSON(), nullable=False, server_default='{}'))


def downgrade():
    with op.batch_alter_table('core_annual_reports') as batch_op:
        batch_op.drop_column('disclosure_check')
