"""Search tokens (indexed name words and spelling skeletons) and name indexes for sorted lists.

Revision ID: core_0008
Revises: core_0007
Create Date: 2026-11-29 03:06:13.346750

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'core_0008'
down_revision = 'core_0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('core_search_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_type', sa.String(length=50), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=80).with_variant(sa.String(length=80, collation='C'), 'postgresql'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_search_tokens'))
    )
    with op.batch_alter_table('core_search_tokens', schema=None) as batch_op:
        batch_op.create_index('ix_core_search_tokens_lookup', ['record_type', 'token', 'record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_core_search_tokens_record_id'), ['record_id'], unique=False)

    with op.batch_alter_table('core_defenders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_defenders_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_core_defenders_updated_at'), ['updated_at'], unique=False)

    with op.batch_alter_table('core_partners', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_partners_name'), ['name'], unique=False)

    # Tokens for the records that already exist: the words of their search text.
    connection = op.get_bind()
    tokens = sa.table("core_search_tokens", sa.column("record_type", sa.String), sa.column("record_id", sa.Integer),
                      sa.column("token", sa.String))
    for record_type, table in (("defender", "core_defenders"), ("partner", "core_partners")):
        rows = connection.execute(sa.text(f"SELECT id, search_text FROM {table}")).all()
        values = [{"record_type": record_type, "record_id": record_id, "token": token[:80]}
                  for record_id, text in rows for token in set((text or "").split())]
        if values:
            op.bulk_insert(tokens, values)


def downgrade():
    with op.batch_alter_table('core_partners', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_partners_name'))

    with op.batch_alter_table('core_defenders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_defenders_name'))
        batch_op.drop_index(batch_op.f('ix_core_defenders_updated_at'))

    with op.batch_alter_table('core_search_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_search_tokens_record_id'))
        batch_op.drop_index('ix_core_search_tokens_lookup')

    op.drop_table('core_search_tokens')
