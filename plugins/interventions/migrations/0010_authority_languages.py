"""The authorities' office, salutation and postal address in each language (English, French, Spanish), so a
French letter opens with the French salutation at the French address.

The values of the single columns move into the chosen language's columns, nothing lost:
``OBSERVATORY_AUTHORITIES_LANGUAGE`` (``en``, ``fr`` or ``es``; English by default) names the language the
directory was kept in. The downgrade puts back, in the single columns, that language's texts where there are any,
else the first language written (English, French, then Spanish): the other languages' texts are dropped with
their columns.

Revision ID: interventions_0010
Revises: interventions_0009
Create Date: 2026-12-07 22:00:00

"""
import os

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'interventions_0010'
down_revision = 'interventions_0009'
branch_labels = None
depends_on = None

LANGUAGES = ("en", "fr", "es")
#: the new columns of each old one, and their type
PARTS = {"title": ("office", sa.String(length=200)), "salutation": ("salutation", sa.String(length=200)),
         "address": ("address", sa.Text())}


def chosen_language() -> str:
    language = os.environ.get("OBSERVATORY_AUTHORITIES_LANGUAGE", "en").strip().lower() or "en"
    if language not in LANGUAGES:
        raise SystemExit(f"OBSERVATORY_AUTHORITIES_LANGUAGE must be one of {', '.join(LANGUAGES)}, not {language!r}")
    return language


def _table(*names: str) -> sa.Table:
    """The table as this migration sees it (only the columns it reads or writes)."""
    columns = [sa.Column("id", sa.Integer, primary_key=True)]
    columns += [sa.Column(name, sa.Text) for name in names]
    return sa.table("interventions_authorities", *columns)


def upgrade():
    language = chosen_language()
    with op.batch_alter_table('interventions_authorities', schema=None) as batch_op:
        for new, kind in PARTS.values():
            for lang in LANGUAGES:
                batch_op.add_column(sa.Column(f'{new}_{lang}', kind, nullable=False, server_default=''))
    table = _table(*PARTS, *(f"{new}_{language}" for new, _kind in PARTS.values()))
    op.execute(table.update().values({f"{new}_{language}": sa.func.coalesce(table.c[old], "")
                                      for old, (new, _kind) in PARTS.items()}))
    with op.batch_alter_table('interventions_authorities', schema=None) as batch_op:
        for old, (new, kind) in PARTS.items():
            batch_op.drop_column(old)
            for lang in LANGUAGES:  # the model gives the default; the database needed one for existing rows
                batch_op.alter_column(f'{new}_{lang}', existing_type=kind, existing_nullable=False,
                                      server_default=None)


def downgrade():
    first = chosen_language()
    order = (first, *(lang for lang in LANGUAGES if lang != first))
    with op.batch_alter_table('interventions_authorities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('salutation', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('address', sa.Text(), nullable=False, server_default=''))
    table = _table(*PARTS, *(f"{new}_{lang}" for new, _kind in PARTS.values() for lang in LANGUAGES))
    values = {}
    for old, (new, _kind) in PARTS.items():
        texts = [table.c[f"{new}_{lang}"] for lang in order]
        values[old] = sa.case(*((sa.func.length(text) > 0, text) for text in texts), else_="")
    op.execute(table.update().values(values))
    with op.batch_alter_table('interventions_authorities', schema=None) as batch_op:
        for old, (new, kind) in PARTS.items():
            for lang in LANGUAGES:
                batch_op.drop_column(f'{new}_{lang}')
        batch_op.alter_column('salutation', existing_type=sa.String(length=200), existing_nullable=False,
                              server_default=None)
        batch_op.alter_column('address', existing_type=sa.Text(), existing_nullable=False, server_default=None)
        batch_op.alter_column('title', existing_type=sa.String(length=200), existing_nullable=False,
                              server_default=None)
