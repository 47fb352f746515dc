"""Attachments: files of any record, stored outside the database under random names.

Revision ID: core_0004
Revises: core_0003
Create Date: 2026-11-29 02:43:39.897666

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'core_0004'
down_revision = 'core_0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('core_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_type', sa.String(length=50), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('mimetype', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['core_users.id'], name=op.f('fk_core_attachments_uploaded_by_id_core_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_attachments')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_core_attachments_stored_name'))
    )
    with op.batch_alter_table('core_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_attachments_record_id'), ['record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_core_attachments_sha256'), ['sha256'], unique=False)



def downgrade():
    with op.batch_alter_table('core_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_attachments_sha256'))
        batch_op.drop_index(batch_op.f('ix_core_attachments_record_id'))

    op.drop_table('core_attachments')
