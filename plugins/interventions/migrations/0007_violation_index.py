"""The cases of one violation in case order: the case list filtered by a violation, newest first, reads them
from this index and stops after its page, instead of testing every case in turn.

Revision ID: interventions_0007
Revises: interventions_0006
Create Date: 2026-11-29 19:20:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'interventions_0007'
down_revision = 'interventions_0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_interventions_case_violations_term_case', 'interventions_case_violations',
                    ['term_id', 'case_id'], unique=False)


def downgrade():
    op.drop_index('ix_interventions_case_violations_term_case', table_name='interventions_case_violations')
