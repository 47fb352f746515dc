"""A job's result carries a seal (an HMAC keyed by the app's SECRET_KEY over its bytes, name and type), set by
``JobContext.save_result`` and checked before it is sent: bytes a job set on its row directly are never sent.
A result kept before this revision has no seal and is refused: build it again.

Revision ID: core_0018
Revises: core_0017
Create Date: 2026-12-07 13:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'core_0018'
down_revision = 'core_0017'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("core_jobs") as batch:
        batch.add_column(sa.Column("result_seal", sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table("core_jobs") as batch:
        batch.drop_column("result_seal")
