"""On SQLite, a vocabulary of the terms in the full-text index, filled from the index itself: a search turns
each word into its terms (``"det"`` into ``"detained" OR "detention"``), which FTS5 reads newest first
instead of first merging every match of a prefix.

Revision ID: interventions_0006
Revises: interventions_0005
Create Date: 2026-11-29 19:30:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'interventions_0006'
down_revision = 'interventions_0005'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != 'sqlite':
        return  # PostgreSQL's GIN index answers prefixes itself
    op.execute("CREATE TABLE interventions_fts_terms (term TEXT NOT NULL PRIMARY KEY) WITHOUT ROWID")
    op.execute("CREATE VIRTUAL TABLE temp.interventions_fts_vocabulary USING fts5vocab(main, interventions_fts, 'row')")
    op.execute("INSERT INTO interventions_fts_terms (term) SELECT term FROM temp.interventions_fts_vocabulary")
    op.execute("DROP TABLE temp.interventions_fts_vocabulary")


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("DROP TABLE interventions_fts_terms")
