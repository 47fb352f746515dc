"""Plugin failures kept in the database (``core_plugin_failures``), so that every process, and
``observatory plugins``, sees what failed in another one: an rq worker, the scheduler, the command line.

Revision ID: core_0023
Revises: core_0022
Create Date: 2026-12-07 18:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'core_0023'
down_revision = 'core_0022'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('core_plugin_failures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('process_kind', sa.String(length=20), nullable=False),
    sa.Column('plugin', sa.String(length=100), nullable=False),
    sa.Column('hook', sa.String(length=100), nullable=False),
    sa.Column('message', sa.String(length=500), nullable=False),
    sa.Column('host', sa.String(length=255), nullable=False),
    sa.Column('pid', sa.Integer(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('first_seen', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_plugin_failures')),
    sa.UniqueConstraint('process_kind', 'plugin', 'hook', name=op.f('uq_core_plugin_failures_process_kind'))
    )
    op.create_index(op.f('ix_core_plugin_failures_last_seen'), 'core_plugin_failures', ['last_seen'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_core_plugin_failures_last_seen'), table_name='core_plugin_failures')
    op.drop_table('core_plugin_failures')
