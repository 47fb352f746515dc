"""An index answering "which records of this type is this user assigned to?", the subquery of every list's
visibility rule; it replaces the index on the user alone.

Revision ID: core_0010
Revises: core_0009
Create Date: 2026-11-29 11:00:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'core_0010'
down_revision = 'core_0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('core_assignments', schema=None) as batch_op:
        batch_op.create_index('ix_core_assignments_user_type_record', ['user_id', 'record_type', 'record_id'],
                              unique=False)
        batch_op.drop_index('ix_core_assignments_user_id')


def downgrade():
    with op.batch_alter_table('core_assignments', schema=None) as batch_op:
        batch_op.create_index('ix_core_assignments_user_id', ['user_id'], unique=False)
        batch_op.drop_index('ix_core_assignments_user_type_record')
