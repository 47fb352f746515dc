"""Grants' money: yearly budget envelopes per grant type (or overall), payments in instalments, and the
beneficiary's report (due date, received date).

Revision ID: assistance_0002
Revises: assistance_0001
Create Date: 2026-11-29 08:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'assistance_0002'
down_revision = 'assistance_0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('assistance_envelopes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('term_id', sa.Integer(), nullable=True),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['term_id'], ['core_terms.id'], name=op.f('fk_assistance_envelopes_term_id_core_terms'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assistance_envelopes')),
    sa.UniqueConstraint('year', 'term_id', name=op.f('uq_assistance_envelopes_year'))
    )
    op.create_table('assistance_payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('rate', sa.Numeric(precision=15, scale=8), nullable=False),
    sa.Column('method', sa.String(length=30), nullable=False),
    sa.Column('reference', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['core_users.id'], name=op.f('fk_assistance_payments_created_by_id_core_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['request_id'], ['assistance_requests.id'], name=op.f('fk_assistance_payments_request_id_assistance_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assistance_payments'))
    )
    with op.batch_alter_table('assistance_payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assistance_payments_request_id'), ['request_id'], unique=False)

    with op.batch_alter_table('assistance_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('report_due_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('report_received_on', sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f('ix_assistance_requests_report_due_on'), ['report_due_on'], unique=False)



def downgrade():
    with op.batch_alter_table('assistance_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assistance_requests_report_due_on'))
        batch_op.drop_column('report_received_on')
        batch_op.drop_column('report_due_on')

    with op.batch_alter_table('assistance_payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assistance_payments_request_id'))

    op.drop_table('assistance_payments')
    op.drop_table('assistance_envelopes')
