"""One index per list sort (name, last change, country, risk), each ending with the id that breaks ties
and the confidentiality that decides visibility, so that a sorted page is read from the index alone;
on PostgreSQL, finer statistics of search tokens (a common name prefix is then known to be common, and a
search reads the newest records first instead of every match).

Revision ID: core_0009
Revises: core_0008
Create Date: 2026-11-29 04:40:00.768598

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'core_0009'
down_revision = 'core_0008'
branch_labels = None
depends_on = None

# As core.records.models.RISK_RANK_SQL at the time of writing (a migration never imports the models).
RISK_RANK_SQL = "CASE risk_level WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 END"
REPLACED = {
    'core_defenders': ['ix_core_defenders_country_id', 'ix_core_defenders_name', 'ix_core_defenders_updated_at'],
    'core_partners': ['ix_core_partners_country_id', 'ix_core_partners_name'],
}


def upgrade():
    for table, indexes in REPLACED.items():
        for index in indexes:
            op.drop_index(index, table_name=table)
        op.create_index(f'ix_{table}_name_id', table, ['name', 'id', 'confidentiality'])
        op.create_index(f'ix_{table}_updated_id', table, ['updated_at', 'id', 'confidentiality'])
        op.create_index(f'ix_{table}_country_name_id', table, ['country_id', 'name', 'id', 'confidentiality'])
    op.create_index('ix_core_defenders_risk_name_id', 'core_defenders',
                    [sa.text(f'({RISK_RANK_SQL})'), 'name', 'id', 'confidentiality'])
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ALTER TABLE core_search_tokens ALTER COLUMN token SET STATISTICS 1000')


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ALTER TABLE core_search_tokens ALTER COLUMN token SET STATISTICS -1')
    op.drop_index('ix_core_defenders_risk_name_id', table_name='core_defenders')
    for table, indexes in REPLACED.items():
        for suffix in ('name_id', 'updated_id', 'country_name_id'):
            op.drop_index(f'ix_{table}_{suffix}', table_name=table)
        for index in indexes:
            op.create_index(index, table, [index.removeprefix(f'ix_{table}_')])
