"""Mechanisms found by the words of their abbreviation and names, from the core's search tokens, as every other
record of the global search (instead of a substring of four columns, tested on every mechanism).

Revision ID: advocacy_0002
Revises: advocacy_0001
Create Date: 2026-11-30 00:10:00

"""
import sqlalchemy as sa
from alembic import op

from core.api import words

# revision identifiers, used by Alembic.
revision = 'advocacy_0002'
down_revision = 'advocacy_0001'
branch_labels = None
depends_on = None

RECORD_TYPE = "advocacy_mechanism"


def upgrade():
    connection = op.get_bind()
    rows = connection.execute(sa.text(
        "SELECT id, abbreviation, name_en, name_fr, name_es FROM advocacy_mechanisms")).all()
    tokens = sa.table("core_search_tokens", sa.column("record_type", sa.String), sa.column("record_id", sa.Integer),
                      sa.column("token", sa.String))
    values = [{"record_type": RECORD_TYPE, "record_id": row[0], "token": token[:80]}
              for row in rows for token in set(words(" ".join(name or "" for name in row[1:])))]
    if values:
        op.bulk_insert(tokens, values)


def downgrade():
    op.execute(sa.text("DELETE FROM core_search_tokens WHERE record_type = :kind").bindparams(kind=RECORD_TYPE))
