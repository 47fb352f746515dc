"""Requests by status, then by submission: what waits for a committee member's vote, oldest first, is read
in order from the index instead of sorting every request.

Revision ID: assistance_0003
Revises: assistance_0002
Create Date: 2026-11-29 14:50:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'assistance_0003'
down_revision = 'assistance_0002'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index('ix_assistance_requests_status', table_name='assistance_requests')
    op.create_index('ix_assistance_requests_status', 'assistance_requests', ['status', 'submitted_at', 'id'],
                    unique=False)


def downgrade():
    op.drop_index('ix_assistance_requests_status', table_name='assistance_requests')
    op.create_index('ix_assistance_requests_status', 'assistance_requests', ['status'], unique=False)
