"""Monthly bulletins as their editors shaped them: introductions per language, item order, items dropped,
publication.

Revision ID: core_0011
Revises: core_0010
Create Date: 2026-11-29 11:45:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'core_0011'
down_revision = 'core_0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('core_bulletins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('introduction_en', sa.Text(), nullable=False),
    sa.Column('introduction_fr', sa.Text(), nullable=False),
    sa.Column('introduction_es', sa.Text(), nullable=False),
    sa.Column('item_order', sa.JSON(), nullable=False),
    sa.Column('dropped', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['published_by_id'], ['core_users.id'], name=op.f('fk_core_bulletins_published_by_id_core_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_bulletins')),
    sa.UniqueConstraint('year', 'month', name=op.f('uq_core_bulletins_year'))
    )


def downgrade():
    op.drop_table('core_bulletins')
