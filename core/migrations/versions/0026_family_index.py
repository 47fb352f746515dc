"""The address index holds the defenders' family members too (a relative's name typed alone is masked in outputs
that leave the organisation): every defender's address keys are written again with the family's.

Revision ID: core_0026
Revises: core_0025
Create Date: 2026-12-07 22:40:00

"""
import sqlalchemy as sa
from alembic import op

from core.disclosure import addresses

# revision identifiers, used by Alembic.
revision = 'core_0026'
down_revision = 'core_0025'
branch_labels = None
depends_on = None

SOURCE = ("SELECT id, address, exact_location, family FROM core_defenders "
          "WHERE address != '' OR exact_location != '' OR family != ''")


def upgrade():
    connection = op.get_bind()
    op.execute(sa.text("DELETE FROM core_search_tokens WHERE record_type = 'defender:address'"))
    tokens = sa.table("core_search_tokens", sa.column("record_type"), sa.column("record_id"), sa.column("token"))
    rows = [{"record_type": addresses.RECORD_TYPE, "record_id": record_id, "token": value}
            for record_id, address, location, family in connection.execute(sa.text(SOURCE))
            for value in addresses.fields_keys({"address": address, "exact_location": location, "family": family})]
    if rows:
        op.bulk_insert(tokens, rows)


def downgrade():
    """The family's keys stay: the index of 0025 finds no less with them."""
