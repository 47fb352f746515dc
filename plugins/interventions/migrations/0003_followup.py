"""Follow-up of a case: the authorities' responses and the assessed impact of each action, outcomes,
closing and reopening with a reason, and logged corrections of published texts.

Revision ID: interventions_0003
Revises: interventions_0002
Create Date: 2026-11-29 05:36:06.931003

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'interventions_0003'
down_revision = 'interventions_0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('interventions_case_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['by_id'], ['core_users.id'], name=op.f('fk_interventions_case_events_by_id_core_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['case_id'], ['interventions_cases.id'], name=op.f('fk_interventions_case_events_case_id_interventions_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interventions_case_events'))
    )
    with op.batch_alter_table('interventions_case_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interventions_case_events_case_id'), ['case_id'], unique=False)

    op.create_table('interventions_outcomes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('defender_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['interventions_cases.id'], name=op.f('fk_interventions_outcomes_case_id_interventions_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['defender_id'], ['core_defenders.id'], name=op.f('fk_interventions_outcomes_defender_id_core_defenders'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['core_users.id'], name=op.f('fk_interventions_outcomes_recorded_by_id_core_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interventions_outcomes'))
    )
    with op.batch_alter_table('interventions_outcomes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interventions_outcomes_case_id'), ['case_id'], unique=False)

    op.create_table('interventions_corrections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('field', sa.String(length=30), nullable=False),
    sa.Column('before', sa.Text(), nullable=False),
    sa.Column('after', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['action_id'], ['interventions_actions.id'], name=op.f('fk_interventions_corrections_action_id_interventions_actions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['by_id'], ['core_users.id'], name=op.f('fk_interventions_corrections_by_id_core_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interventions_corrections'))
    )
    with op.batch_alter_table('interventions_corrections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interventions_corrections_action_id'), ['action_id'], unique=False)

    op.create_table('interventions_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['action_id'], ['interventions_actions.id'], name=op.f('fk_interventions_responses_action_id_interventions_actions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['core_users.id'], name=op.f('fk_interventions_responses_recorded_by_id_core_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interventions_responses'))
    )
    with op.batch_alter_table('interventions_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interventions_responses_action_id'), ['action_id'], unique=False)

    with op.batch_alter_table('interventions_actions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('impact', sa.String(length=20), server_default='unknown', nullable=False))


def downgrade():
    with op.batch_alter_table('interventions_actions', schema=None) as batch_op:
        batch_op.drop_column('impact')

    with op.batch_alter_table('interventions_responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interventions_responses_action_id'))

    op.drop_table('interventions_responses')
    with op.batch_alter_table('interventions_corrections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interventions_corrections_action_id'))

    op.drop_table('interventions_corrections')
    with op.batch_alter_table('interventions_outcomes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interventions_outcomes_case_id'))

    op.drop_table('interventions_outcomes')
    with op.batch_alter_table('interventions_case_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interventions_case_events_case_id'))

    op.drop_table('interventions_case_events')
