"""Other names of partner organisations (kept when duplicates are merged).

Revision ID: core_0007
Revises: core_0006
Create Date: 2026-11-29 02:54:27.992923

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'core_0007'
down_revision = 'core_0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('core_partners', schema=None) as batch_op:
        batch_op.add_column(sa.Column('aliases', sa.Text(), nullable=False, server_default=''))



def downgrade():
    with op.batch_alter_table('core_partners', schema=None) as batch_op:
        batch_op.drop_column('aliases')

