"""The calendar feeds' version: one row raised with every change a feed may depend on (see ``core.calendar.deadlines``).

Revision ID: core_0016
Revises: core_0015
Create Date: 2026-12-07 12:00:00

"""
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'core_0016'
down_revision = 'core_0015'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "core_calendar_version",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.bulk_insert(table, [{"id": 1, "value": 0, "changed_at": datetime.now(timezone.utc)}])


def downgrade():
    op.drop_table("core_calendar_version")
