"""Material assistance: grant requests with their budget lines and other funders, the committee's
declarations of interest, votes, questions and decisions, status changes, ceilings per grant type; the grant
types list.

Revision ID: assistance_0001
Revises:
Create Date: 2026-11-29 08:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'assistance_0001'
down_revision = None
branch_labels = ('assistance',)
depends_on = 'core_0009'

GRANT_TYPES = [
    ("relocation", "Evacuation or temporary relocation", "Évacuation ou relocalisation temporaire",
     "Evacuación o reubicación temporal"),
    ("equipment", "Replacement of equipment (destroyed or seized)", "Remplacement de matériel (détruit ou saisi)",
     "Reposición de equipos (destruidos o incautados)"),
    ("legal_fees", "Legal fees", "Frais de justice", "Gastos jurídicos"),
    ("medical", "Medical care", "Soins médicaux", "Atención médica"),
    ("security", "Security measures (locks, cameras, secure communications)",
     "Mesures de sécurité (serrures, caméras, communications sécurisées)",
     "Medidas de seguridad (cerraduras, cámaras, comunicaciones seguras)"),
    ("family", "Support to the family", "Soutien à la famille", "Apoyo a la familia"),
    ("other", "Other", "Autre", "Otro"),
]


def upgrade():
    op.create_table('assistance_ceilings',
    sa.Column('term_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['term_id'], ['core_terms.id'], name=op.f('fk_assistance_ceilings_term_id_core_terms'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('term_id', name=op.f('pk_assistance_ceilings'))
    )
    op.create_table('assistance_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('defender_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=True),
    sa.Column('grant_type_id', sa.Integer(), nullable=False),
    sa.Column('urgency', sa.String(length=20), nullable=False),
    sa.Column('situation', sa.Text(), nullable=False),
    sa.Column('justification', sa.Text(), nullable=False),
    sa.Column('risk_assessment', sa.Text(), nullable=False),
    sa.Column('reporting_currency', sa.String(length=3), nullable=False),
    sa.Column('destination', sa.String(length=300), nullable=False),
    sa.Column('duration', sa.String(length=200), nullable=False),
    sa.Column('visa_and_security', sa.Text(), nullable=False),
    sa.Column('family_members', sa.Text(), nullable=False),
    sa.Column('return_plan', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=30), nullable=False),
    sa.Column('status_reason', sa.Text(), nullable=False),
    sa.Column('confidentiality', sa.String(length=20), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('awaiting_ratification', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['core_users.id'], name=op.f('fk_assistance_requests_created_by_id_core_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['defender_id'], ['core_defenders.id'], name=op.f('fk_assistance_requests_defender_id_core_defenders'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['grant_type_id'], ['core_terms.id'], name=op.f('fk_assistance_requests_grant_type_id_core_terms'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['partner_id'], ['core_partners.id'], name=op.f('fk_assistance_requests_partner_id_core_partners'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assistance_requests'))
    )
    with op.batch_alter_table('assistance_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assistance_requests_awaiting_ratification'), ['awaiting_ratification'], unique=False)
        batch_op.create_index(batch_op.f('ix_assistance_requests_defender_id'), ['defender_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assistance_requests_grant_type_id'), ['grant_type_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assistance_requests_partner_id'), ['partner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assistance_requests_status'), ['status'], unique=False)
        batch_op.create_index('ix_assistance_requests_updated_id', ['updated_at', 'id', 'confidentiality'], unique=False)

    op.create_table('assistance_conflicts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('has_conflict', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('declared_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['core_users.id'], name=op.f('fk_assistance_conflicts_member_id_core_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['request_id'], ['assistance_requests.id'], name=op.f('fk_assistance_conflicts_request_id_assistance_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assistance_conflicts')),
    sa.UniqueConstraint('request_id', 'member_id', name=op.f('uq_assistance_conflicts_request_id'))
    )
    with op.batch_alter_table('assistance_conflicts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assistance_conflicts_member_id'), ['member_id'], unique=False)

    op.create_table('assistance_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('outcome', sa.String(length=10), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('conditions', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('votes_for', sa.Integer(), nullable=False),
    sa.Column('votes_against', sa.Integer(), nullable=False),
    sa.Column('abstentions', sa.Integer(), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('ratified', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['core_users.id'], name=op.f('fk_assistance_decisions_decided_by_id_core_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['request_id'], ['assistance_requests.id'], name=op.f('fk_assistance_decisions_request_id_assistance_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assistance_decisions'))
    )
    with op.batch_alter_table('assistance_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assistance_decisions_request_id'), ['request_id'], unique=False)

    op.create_table('assistance_other_fundings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('funder', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['assistance_requests.id'], name=op.f('fk_assistance_other_fundings_request_id_assistance_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assistance_other_fundings'))
    )
    with op.batch_alter_table('assistance_other_fundings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assistance_other_fundings_request_id'), ['request_id'], unique=False)

    op.create_table('assistance_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('asked_by_id', sa.Integer(), nullable=True),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('asked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['answered_by_id'], ['core_users.id'], name=op.f('fk_assistance_questions_answered_by_id_core_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['asked_by_id'], ['core_users.id'], name=op.f('fk_assistance_questions_asked_by_id_core_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['request_id'], ['assistance_requests.id'], name=op.f('fk_assistance_questions_request_id_assistance_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assistance_questions'))
    )
    with op.batch_alter_table('assistance_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assistance_questions_request_id'), ['request_id'], unique=False)

    op.create_table('assistance_request_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=30), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['by_id'], ['core_users.id'], name=op.f('fk_assistance_request_events_by_id_core_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['request_id'], ['assistance_requests.id'], name=op.f('fk_assistance_request_events_request_id_assistance_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assistance_request_events'))
    )
    with op.batch_alter_table('assistance_request_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assistance_request_events_request_id'), ['request_id'], unique=False)

    op.create_table('assistance_request_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('rate', sa.Numeric(precision=15, scale=8), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['assistance_requests.id'], name=op.f('fk_assistance_request_lines_request_id_assistance_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assistance_request_lines'))
    )
    with op.batch_alter_table('assistance_request_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assistance_request_lines_request_id'), ['request_id'], unique=False)

    op.create_table('assistance_votes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('choice', sa.String(length=10), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('cast_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['core_users.id'], name=op.f('fk_assistance_votes_member_id_core_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['request_id'], ['assistance_requests.id'], name=op.f('fk_assistance_votes_request_id_assistance_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assistance_votes')),
    sa.UniqueConstraint('request_id', 'member_id', name=op.f('uq_assistance_votes_request_id'))
    )
    with op.batch_alter_table('assistance_votes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assistance_votes_member_id'), ['member_id'], unique=False)



    terms = sa.table("core_terms", sa.column("vocabulary", sa.String), sa.column("key", sa.String),
                     sa.column("label_en", sa.String), sa.column("label_fr", sa.String),
                     sa.column("label_es", sa.String), sa.column("active", sa.Boolean),
                     sa.column("position", sa.Integer))
    op.bulk_insert(terms, [
        {"vocabulary": "grant_types", "key": key, "label_en": en, "label_fr": fr, "label_es": es, "active": True,
         "position": position * 10}
        for position, (key, en, fr, es) in enumerate(GRANT_TYPES)
    ])


def downgrade():
    op.execute("DELETE FROM core_terms WHERE vocabulary = 'grant_types'")
    with op.batch_alter_table('assistance_votes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assistance_votes_member_id'))

    op.drop_table('assistance_votes')
    with op.batch_alter_table('assistance_request_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assistance_request_lines_request_id'))

    op.drop_table('assistance_request_lines')
    with op.batch_alter_table('assistance_request_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assistance_request_events_request_id'))

    op.drop_table('assistance_request_events')
    with op.batch_alter_table('assistance_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assistance_questions_request_id'))

    op.drop_table('assistance_questions')
    with op.batch_alter_table('assistance_other_fundings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assistance_other_fundings_request_id'))

    op.drop_table('assistance_other_fundings')
    with op.batch_alter_table('assistance_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assistance_decisions_request_id'))

    op.drop_table('assistance_decisions')
    with op.batch_alter_table('assistance_conflicts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assistance_conflicts_member_id'))

    op.drop_table('assistance_conflicts')
    with op.batch_alter_table('assistance_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_assistance_requests_updated_id')
        batch_op.drop_index(batch_op.f('ix_assistance_requests_status'))
        batch_op.drop_index(batch_op.f('ix_assistance_requests_partner_id'))
        batch_op.drop_index(batch_op.f('ix_assistance_requests_grant_type_id'))
        batch_op.drop_index(batch_op.f('ix_assistance_requests_defender_id'))
        batch_op.drop_index(batch_op.f('ix_assistance_requests_awaiting_ratification'))

    op.drop_table('assistance_requests')
    op.drop_table('assistance_ceilings')
