"""A dossier's choice and the cover paragraph typed for it, kept on the server under an opaque key: the preview,
the preflight step and the builds no longer carry the typed text in their addresses.

Revision ID: advocacy_0004
Revises: advocacy_0003
Create Date: 2026-12-07 19:10:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'advocacy_0004'
down_revision = 'advocacy_0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('advocacy_dossier_drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('choice', sa.JSON(), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['core_users.id'], name=op.f('fk_advocacy_dossier_drafts_user_id_core_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_advocacy_dossier_drafts')),
    sa.UniqueConstraint('token', name=op.f('uq_advocacy_dossier_drafts_token'))
    )
    with op.batch_alter_table('advocacy_dossier_drafts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_advocacy_dossier_drafts_user_id'), ['user_id'], unique=False)


def downgrade():
    op.drop_table('advocacy_dossier_drafts')
