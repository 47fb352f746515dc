"""The disclosure guard's address index: the pairs of words and the parts of the defenders' addresses and exact
locations as keyed hashes, so an output holding an address without its holder's name is still recognised (see
``core.disclosure.addresses``).

Revision ID: core_0025
Revises: core_0024
Create Date: 2026-12-07 20:30:00

"""
import sqlalchemy as sa
from alembic import op

from core.disclosure import addresses

# revision identifiers, used by Alembic.
revision = 'core_0025'
down_revision = 'core_0024'
branch_labels = None
depends_on = None

SOURCE = "SELECT id, address, exact_location FROM core_defenders WHERE address != '' OR exact_location != ''"


def upgrade():
    connection = op.get_bind()
    tokens = sa.table("core_search_tokens", sa.column("record_type"), sa.column("record_id"), sa.column("token"))
    rows = [{"record_type": addresses.RECORD_TYPE, "record_id": record_id, "token": value}
            for record_id, *values in connection.execute(sa.text(SOURCE)) for value in addresses.keys_of(values)]
    if rows:
        op.bulk_insert(tokens, rows)
    op.bulk_insert(tokens, [{"record_type": addresses.FINGERPRINT, "record_id": 0, "token": addresses.fingerprint()}])


def downgrade():
    op.execute(sa.text("DELETE FROM core_search_tokens WHERE record_type IN ('defender:address', 'address-index')"))
