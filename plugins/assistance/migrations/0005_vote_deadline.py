"""The committee's rules that always reach a decision: an optional deadline for the vote (past it, the chair is
asked to decide), and each change of status linked to the decision that made it, so the history credits the
committee, the chair or a ratification rather than whoever cast the last vote.

Revision ID: assistance_0005
Revises: assistance_0004
Create Date: 2026-12-07 19:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'assistance_0005'
down_revision = 'assistance_0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('assistance_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('vote_deadline', sa.Date(), nullable=True))
    with op.batch_alter_table('assistance_request_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decision_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_assistance_request_events_decision_id_assistance_decisions'),
                                    'assistance_decisions', ['decision_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('assistance_request_events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_assistance_request_events_decision_id_assistance_decisions'),
                                 type_='foreignkey')
        batch_op.drop_column('decision_id')
    with op.batch_alter_table('assistance_requests', schema=None) as batch_op:
        batch_op.drop_column('vote_deadline')
