"""The votes of a member with the requests they concern: what waits for the member's vote on the dashboard is
read from this index alone, instead of from every vote.

Revision ID: assistance_0004
Revises: assistance_0003
Create Date: 2026-11-30 00:05:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'assistance_0004'
down_revision = 'assistance_0003'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index('ix_assistance_votes_member_id', table_name='assistance_votes')
    op.create_index('ix_assistance_votes_member_id', 'assistance_votes', ['member_id', 'request_id'], unique=False)


def downgrade():
    op.drop_index('ix_assistance_votes_member_id', table_name='assistance_votes')
    op.create_index('ix_assistance_votes_member_id', 'assistance_votes', ['member_id'], unique=False)
