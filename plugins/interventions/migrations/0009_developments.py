"""Developments of a case: dated events after the report (arrest, threat, raid...), with the kind of act and of
perpetrator after HURIDOCS' events formats, their source and reliability, each possibly confidential; and when
consultations, responses, outcomes and verification decisions were recorded (the order of a day's steps).

Revision ID: interventions_0009
Revises: interventions_0008
Create Date: 2026-12-07 21:50:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'interventions_0009'
down_revision = 'interventions_0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('interventions_developments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('act', sa.String(length=30), nullable=False),
    sa.Column('perpetrator', sa.String(length=20), nullable=False),
    sa.Column('what', sa.Text(), nullable=False),
    sa.Column('source_partner_id', sa.Integer(), nullable=True),
    sa.Column('source_details', sa.Text(), nullable=False),
    sa.Column('reliability', sa.String(length=20), nullable=False),
    sa.Column('confidential', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['interventions_cases.id'], name=op.f('fk_interventions_developments_case_id_interventions_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['core_users.id'], name=op.f('fk_interventions_developments_created_by_id_core_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['source_partner_id'], ['core_partners.id'], name=op.f('fk_interventions_developments_source_partner_id_core_partners'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interventions_developments'))
    )
    with op.batch_alter_table('interventions_developments', schema=None) as batch_op:
        batch_op.create_index('ix_interventions_developments_case_day', ['case_id', 'occurred_on', 'id'], unique=False)
        batch_op.create_index('ix_interventions_developments_day', ['occurred_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_interventions_developments_source_partner_id'), ['source_partner_id'], unique=False)


    # When a step known by its day was written down, to order the steps of one day (existing rows: unknown).
    for table in ('interventions_consultations', 'interventions_responses', 'interventions_outcomes'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('interventions_cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('verified_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('interventions_cases', schema=None) as batch_op:
        batch_op.drop_column('verified_at')
    for table in ('interventions_consultations', 'interventions_responses', 'interventions_outcomes'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('recorded_at')
    op.drop_table('interventions_developments')
