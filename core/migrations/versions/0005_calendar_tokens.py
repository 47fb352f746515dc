"""Calendar-feed tokens (hashed) for personal iCalendar addresses.

Revision ID: core_0005
Revises: core_0004
Create Date: 2026-11-29 02:47:10.191901

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'core_0005'
down_revision = 'core_0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('core_calendar_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['core_users.id'], name=op.f('fk_core_calendar_tokens_user_id_core_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_calendar_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_core_calendar_tokens_token_hash')),
    sa.UniqueConstraint('user_id', name=op.f('uq_core_calendar_tokens_user_id'))
    )


def downgrade():
    op.drop_table('core_calendar_tokens')
