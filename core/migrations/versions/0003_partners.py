"""Partner organisations.

Revision ID: core_0003
Revises: core_0002
Create Date: 2026-11-29 02:38:26.441121

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'core_0003'
down_revision = 'core_0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('core_partners',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_key', sa.String(length=200), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('acronym', sa.String(length=50), nullable=False),
    sa.Column('country_id', sa.Integer(), nullable=True),
    sa.Column('network', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('contacts', sa.Text(), nullable=False),
    sa.Column('confidentiality', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['country_id'], ['core_countries.id'], name=op.f('fk_core_partners_country_id_core_countries')),
    sa.ForeignKeyConstraint(['created_by_id'], ['core_users.id'], name=op.f('fk_core_partners_created_by_id_core_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_partners'))
    )
    with op.batch_alter_table('core_partners', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_partners_confidentiality'), ['confidentiality'], unique=False)
        batch_op.create_index(batch_op.f('ix_core_partners_country_id'), ['country_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_core_partners_name_key'), ['name_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_core_partners_network'), ['network'], unique=False)



def downgrade():
    with op.batch_alter_table('core_partners', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_partners_network'))
        batch_op.drop_index(batch_op.f('ix_core_partners_name_key'))
        batch_op.drop_index(batch_op.f('ix_core_partners_country_id'))
        batch_op.drop_index(batch_op.f('ix_core_partners_confidentiality'))

    op.drop_table('core_partners')
