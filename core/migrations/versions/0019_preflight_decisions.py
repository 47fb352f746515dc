"""The decisions people take on an output's preflight step, kept in a table (per person, step and hit) rather
than in the session cookie: no cap on their number, and they outlive a log-out.

Revision ID: core_0019
Revises: core_0018
Create Date: 2026-12-07 16:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'core_0019'
down_revision = 'core_0018'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('core_preflight_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.Text(), nullable=False),
    sa.Column('step_key', sa.String(length=64), nullable=False),
    sa.Column('hit_key', sa.String(length=32), nullable=False),
    sa.Column('decision', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['core_users.id'], name=op.f('fk_core_preflight_decisions_user_id_core_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_preflight_decisions')),
    sa.UniqueConstraint('user_id', 'step_key', 'hit_key', name=op.f('uq_core_preflight_decisions_user_id'))
    )


def downgrade():
    op.drop_table('core_preflight_decisions')
