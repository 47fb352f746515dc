"""The disclosure guard's phone index: the defenders' and partners' stored numbers as keyed hashes, so an output
holding a number without its holder's name is still recognised (see ``core.disclosure.phones``).

Revision ID: core_0015
Revises: core_0014
Create Date: 2026-12-07 07:00:00

"""
import sqlalchemy as sa
from alembic import op

from core.disclosure import phones

# revision identifiers, used by Alembic.
revision = 'core_0015'
down_revision = 'core_0014'
branch_labels = None
depends_on = None

SOURCES = {
    "defender": "SELECT d.id, c.alpha2, d.phone, d.family FROM core_defenders d "
                "LEFT JOIN core_countries c ON c.id = d.country_id WHERE d.phone != '' OR d.family != ''",
    "partner": "SELECT p.id, c.alpha2, p.contacts FROM core_partners p "
               "LEFT JOIN core_countries c ON c.id = p.country_id WHERE p.contacts != ''",
}


def upgrade():
    connection = op.get_bind()
    tokens = sa.table("core_search_tokens", sa.column("record_type"), sa.column("record_id"), sa.column("token"))
    for kind, query in SOURCES.items():
        rows = [{"record_type": kind + phones.SUFFIX, "record_id": record_id, "token": value}
                for record_id, region, *values in connection.execute(sa.text(query))
                for value in phones.keys_of(values, region)]
        if rows:
            op.bulk_insert(tokens, rows)
    op.bulk_insert(tokens, [{"record_type": phones.FINGERPRINT, "record_id": 0, "token": phones.fingerprint()}])


def downgrade():
    op.execute(sa.text("DELETE FROM core_search_tokens "
                       "WHERE record_type IN ('defender:phone', 'partner:phone', 'phone-index')"))
