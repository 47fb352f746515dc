"""Annual reports as their editors shaped them (foreword and thematic chapters per language, publication, the
published edition's files), and the latest build of each monthly bulletin's files.

Revision ID: core_0012
Revises: core_0011
Create Date: 2026-11-29 12:10:22.073377

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'core_0012'
down_revision = 'core_0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('core_annual_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('foreword_en', sa.Text(), nullable=False),
    sa.Column('foreword_fr', sa.Text(), nullable=False),
    sa.Column('foreword_es', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('files_job_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['files_job_id'], ['core_jobs.id'], name=op.f('fk_core_annual_reports_files_job_id_core_jobs'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['published_by_id'], ['core_users.id'], name=op.f('fk_core_annual_reports_published_by_id_core_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_annual_reports')),
    sa.UniqueConstraint('year', name=op.f('uq_core_annual_reports_year'))
    )
    op.create_table('core_annual_chapters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title_en', sa.String(length=300), nullable=False),
    sa.Column('title_fr', sa.String(length=300), nullable=False),
    sa.Column('title_es', sa.String(length=300), nullable=False),
    sa.Column('body_en', sa.Text(), nullable=False),
    sa.Column('body_fr', sa.Text(), nullable=False),
    sa.Column('body_es', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['core_annual_reports.id'], name=op.f('fk_core_annual_chapters_report_id_core_annual_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_annual_chapters'))
    )
    with op.batch_alter_table('core_annual_chapters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_annual_chapters_report_id'), ['report_id'], unique=False)

    with op.batch_alter_table('core_bulletins', schema=None) as batch_op:
        batch_op.add_column(sa.Column('files_job_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_core_bulletins_files_job_id_core_jobs'), 'core_jobs', ['files_job_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('core_bulletins', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_core_bulletins_files_job_id_core_jobs'), type_='foreignkey')
        batch_op.drop_column('files_job_id')

    with op.batch_alter_table('core_annual_chapters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_annual_chapters_report_id'))

    op.drop_table('core_annual_chapters')
    op.drop_table('core_annual_reports')
