"""Server-side session records (a cookie whose record is gone is refused), and no more hard lock-out: failed
logins are throttled instead, so ``core_users.locked_until`` goes.

Revision ID: core_0021
Revises: core_0019
Create Date: 2026-12-07 15:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'core_0021'
down_revision = 'core_0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('core_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_agent', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['core_users.id'], name=op.f('fk_core_sessions_user_id_core_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_sessions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_core_sessions_token_hash'))
    )
    op.create_index(op.f('ix_core_sessions_user_id'), 'core_sessions', ['user_id'], unique=False)
    with op.batch_alter_table('core_users') as batch:
        batch.drop_column('locked_until')


def downgrade():
    with op.batch_alter_table('core_users') as batch:
        batch.add_column(sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True))
    op.drop_index(op.f('ix_core_sessions_user_id'), table_name='core_sessions')
    op.drop_table('core_sessions')
