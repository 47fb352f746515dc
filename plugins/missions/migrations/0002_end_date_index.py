"""An index on missions' end dates: the deadline engine asks for missions starting *or* ending in a window,
which the database answers from two index ranges instead of reading every mission.

Revision ID: missions_0002
Revises: missions_0001
Create Date: 2026-11-29 14:40:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'missions_0002'
down_revision = 'missions_0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_missions_missions_end', 'missions_missions', ['end_date'], unique=False)


def downgrade():
    op.drop_index('ix_missions_missions_end', table_name='missions_missions')
