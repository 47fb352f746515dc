"""Full-text search of cases: an FTS5 table on SQLite, a GIN-indexed tsvector on PostgreSQL; documents
are built for the cases already there.

Revision ID: interventions_0004
Revises: interventions_0003
Create Date: 2026-11-29 05:45:00

"""

import sqlalchemy as sa
from alembic import op
from anyascii import anyascii

# revision identifiers, used by Alembic.
revision = 'interventions_0004'
down_revision = 'interventions_0003'
branch_labels = None
depends_on = None

LANGUAGES = ("en", "fr", "es")

def upgrade():
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        op.execute("CREATE TABLE interventions_search_documents ("
                   "case_id INTEGER PRIMARY KEY REFERENCES interventions_cases (id) ON DELETE CASCADE, "
                   "document TEXT NOT NULL, "
                   "vector tsvector GENERATED ALWAYS AS (to_tsvector('simple', document)) STORED)")
        op.execute("CREATE INDEX ix_interventions_search_documents_vector "
                   "ON interventions_search_documents USING GIN (vector)")
        insert = "INSERT INTO interventions_search_documents (case_id, document) VALUES (:id, :document)"
    else:
        op.execute("CREATE VIRTUAL TABLE interventions_fts USING fts5(document, tokenize = 'unicode61')")
        insert = "INSERT INTO interventions_fts (rowid, document) VALUES (:id, :document)"
    rows = _documents(bind)
    if rows:
        bind.execute(sa.text(insert), rows)

def _documents(bind):
    """The same document as plugins.interventions.search.document_of, built here from the tables."""
    texts = {}
    for case_id, title, description, place in bind.execute(sa.text(
            "SELECT id, title, description, events_place FROM interventions_cases")):
        texts[case_id] = [title, description, place]
    columns = ", ".join(f"{part}_{lang}" for part in ("title", "body", "requested") for lang in LANGUAGES)
    for row in bind.execute(sa.text(f"SELECT case_id, reference, {columns} FROM interventions_actions ORDER BY id")):
        texts[row[0]] += [value or "" for value in row[1:]]
    return [{"id": case_id, "document": anyascii("\n".join(p for p in parts if p)).lower()}
            for case_id, parts in texts.items()]

def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TABLE interventions_search_documents")
    else:
        op.execute("DROP TABLE interventions_fts")
