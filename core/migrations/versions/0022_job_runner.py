"""Each attempt of a job records where it runs (``rq:<rq job id>``, or ``inline:<host>:<token>`` for a job run in an
app process), so that a job whose worker or process stopped is found and marked failed rather than left running
for good (``core.jobs.jobs.fail_stopped_jobs``). A job running or waiting from before this revision has none:
drain the queue before upgrading.

Revision ID: core_0022
Revises: core_0021
Create Date: 2026-12-07 15:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'core_0022'
down_revision = 'core_0021'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("core_jobs") as batch:
        batch.add_column(sa.Column("runner", sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table("core_jobs") as batch:
        batch.drop_column("runner")
