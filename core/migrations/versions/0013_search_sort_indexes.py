"""Defenders' and partners' names and confidentiality by id: a name search finds its matches by id, then sorts
them by name, reading this narrow index instead of each record's row.

Revision ID: core_0013
Revises: core_0012
Create Date: 2026-11-29 15:05:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'core_0013'
down_revision = 'core_0012'
branch_labels = None
depends_on = None


def upgrade():
    for table in ("core_defenders", "core_partners"):
        op.create_index(f'ix_{table}_id_name', table, ['id', 'name', 'confidentiality'], unique=False)


def downgrade():
    for table in ("core_defenders", "core_partners"):
        op.drop_index(f'ix_{table}_id_name', table_name=table)
