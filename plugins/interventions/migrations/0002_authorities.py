"""The directory of authorities per country, the authorities each action addresses, and the dispatch log.

Revision ID: interventions_0002
Revises: interventions_0001
Create Date: 2026-11-29 05:26:25.183332

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'interventions_0002'
down_revision = 'interventions_0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('interventions_authorities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('country_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('person', sa.String(length=200), nullable=False),
    sa.Column('salutation', sa.String(length=200), nullable=False),
    sa.Column('address', sa.Text(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('fax', sa.String(length=50), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['country_id'], ['core_countries.id'], name=op.f('fk_interventions_authorities_country_id_core_countries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interventions_authorities'))
    )
    with op.batch_alter_table('interventions_authorities', schema=None) as batch_op:
        batch_op.create_index('ix_interventions_authorities_country_position', ['country_id', 'position'], unique=False)

    op.create_table('interventions_action_authorities',
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('authority_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['interventions_actions.id'], name=op.f('fk_interventions_action_authorities_action_id_interventions_actions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['authority_id'], ['interventions_authorities.id'], name=op.f('fk_interventions_action_authorities_authority_id_interventions_authorities'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('action_id', 'authority_id', name=op.f('pk_interventions_action_authorities'))
    )
    op.create_table('interventions_dispatches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('authority_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=30), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['action_id'], ['interventions_actions.id'], name=op.f('fk_interventions_dispatches_action_id_interventions_actions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['authority_id'], ['interventions_authorities.id'], name=op.f('fk_interventions_dispatches_authority_id_interventions_authorities'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['core_users.id'], name=op.f('fk_interventions_dispatches_recorded_by_id_core_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interventions_dispatches'))
    )
    with op.batch_alter_table('interventions_dispatches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interventions_dispatches_action_id'), ['action_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_interventions_dispatches_authority_id'), ['authority_id'], unique=False)


def downgrade():
    with op.batch_alter_table('interventions_dispatches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interventions_dispatches_authority_id'))
        batch_op.drop_index(batch_op.f('ix_interventions_dispatches_action_id'))

    op.drop_table('interventions_dispatches')
    op.drop_table('interventions_action_authorities')
    with op.batch_alter_table('interventions_authorities', schema=None) as batch_op:
        batch_op.drop_index('ix_interventions_authorities_country_position')

    op.drop_table('interventions_authorities')
