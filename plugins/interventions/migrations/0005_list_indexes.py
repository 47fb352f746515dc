"""Cases to verify, oldest report first: the verification index also holds the report's arrival, so the
dashboard reads the oldest waiting cases in order instead of sorting every pending case. Filters by country
or region, verification and status: an index holding them all, so counting a filtered list reads no case row.

Revision ID: interventions_0005
Revises: interventions_0004
Create Date: 2026-11-29 14:50:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'interventions_0005'
down_revision = 'interventions_0004'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index('ix_interventions_cases_verification', table_name='interventions_cases')
    op.create_index('ix_interventions_cases_verification', 'interventions_cases',
                    ['verification', 'received_at', 'id'], unique=False)
    op.create_index('ix_interventions_cases_country_filters', 'interventions_cases',
                    ['country_id', 'verification', 'status', 'confidentiality'], unique=False)


def downgrade():
    op.drop_index('ix_interventions_cases_country_filters', table_name='interventions_cases')
    op.drop_index('ix_interventions_cases_verification', table_name='interventions_cases')
    op.create_index('ix_interventions_cases_verification', 'interventions_cases', ['verification'], unique=False)
