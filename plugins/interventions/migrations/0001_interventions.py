"""Intervention cases: defenders concerned, violations, alleged perpetrators, partner consultations,
actions in three languages with their reference codes, numbering counters; the violations list.

Revision ID: interventions_0001
Revises:
Create Date: 2026-11-29 05:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'interventions_0001'
down_revision = None
branch_labels = ('interventions',)
depends_on = 'core_0009'

VIOLATIONS = [
    ("arbitrary_detention", "Arbitrary arrest and detention", "Arrestation et détention arbitraires",
     "Arresto y detención arbitrarios"),
    ("judicial_harassment", "Judicial harassment", "Harcèlement judiciaire", "Hostigamiento judicial"),
    ("torture", "Torture and ill-treatment", "Torture et mauvais traitements", "Tortura y malos tratos"),
    ("killing", "Killing", "Assassinat", "Asesinato"),
    ("disappearance", "Enforced disappearance", "Disparition forcée", "Desaparición forzada"),
    ("threats", "Threats and intimidation", "Menaces et intimidation", "Amenazas e intimidación"),
    ("physical_attack", "Physical attack", "Agression physique", "Agresión física"),
    ("travel_ban", "Travel ban", "Interdiction de voyager", "Prohibición de viajar"),
    ("defamation", "Defamation and smear campaigns", "Diffamation et campagnes de dénigrement",
     "Difamación y campañas de desprestigio"),
    ("raid", "Raid and search", "Perquisition et descente", "Allanamiento y registro"),
    ("surveillance", "Surveillance", "Surveillance", "Vigilancia"),
    ("administrative_harassment", "Administrative harassment", "Harcèlement administratif",
     "Hostigamiento administrativo"),
    ("association_assembly", "Obstacles to freedom of association or assembly",
     "Entraves à la liberté d'association ou de réunion", "Obstáculos a la libertad de asociación o de reunión"),
]


def upgrade():
    op.create_table('interventions_counters',
    sa.Column('scope', sa.String(length=40), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('scope', name=op.f('pk_interventions_counters'))
    )
    op.create_table('interventions_cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('country_id', sa.Integer(), nullable=False),
    sa.Column('events_date', sa.Date(), nullable=True),
    sa.Column('events_place', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('source_kind', sa.String(length=20), nullable=False),
    sa.Column('source_partner_id', sa.Integer(), nullable=True),
    sa.Column('source_details', sa.Text(), nullable=False),
    sa.Column('received_via', sa.String(length=20), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('confidentiality', sa.String(length=20), nullable=False),
    sa.Column('priority', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('verification', sa.String(length=20), nullable=False),
    sa.Column('verification_note', sa.Text(), nullable=False),
    sa.Column('verified_on', sa.Date(), nullable=True),
    sa.Column('verified_by_id', sa.Integer(), nullable=True),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('obs_number', sa.Integer(), nullable=True),
    sa.Column('country_number', sa.Integer(), nullable=True),
    sa.Column('first_issued', sa.String(length=4), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['country_id'], ['core_countries.id'], name=op.f('fk_interventions_cases_country_id_core_countries')),
    sa.ForeignKeyConstraint(['created_by_id'], ['core_users.id'], name=op.f('fk_interventions_cases_created_by_id_core_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['source_partner_id'], ['core_partners.id'], name=op.f('fk_interventions_cases_source_partner_id_core_partners'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['verified_by_id'], ['core_users.id'], name=op.f('fk_interventions_cases_verified_by_id_core_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interventions_cases')),
    sa.UniqueConstraint('year', 'country_id', 'country_number', name='uq_interventions_cases_country_number'),
    sa.UniqueConstraint('year', 'obs_number', name='uq_interventions_cases_obs_number')
    )
    with op.batch_alter_table('interventions_cases', schema=None) as batch_op:
        batch_op.create_index('ix_interventions_cases_country_updated_id', ['country_id', 'updated_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_interventions_cases_source_partner_id'), ['source_partner_id'], unique=False)
        batch_op.create_index('ix_interventions_cases_updated_id', ['updated_at', 'id', 'confidentiality'], unique=False)
        batch_op.create_index(batch_op.f('ix_interventions_cases_verification'), ['verification'], unique=False)

    op.create_table('interventions_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=30), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=True),
    sa.Column('reference', sa.String(length=60), nullable=True),
    sa.Column('title_en', sa.String(length=300), nullable=False),
    sa.Column('title_fr', sa.String(length=300), nullable=False),
    sa.Column('title_es', sa.String(length=300), nullable=False),
    sa.Column('body_en', sa.Text(), nullable=False),
    sa.Column('body_fr', sa.Text(), nullable=False),
    sa.Column('body_es', sa.Text(), nullable=False),
    sa.Column('requested_en', sa.Text(), nullable=False),
    sa.Column('requested_fr', sa.Text(), nullable=False),
    sa.Column('requested_es', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['approved_by_id'], ['core_users.id'], name=op.f('fk_interventions_actions_approved_by_id_core_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['case_id'], ['interventions_cases.id'], name=op.f('fk_interventions_actions_case_id_interventions_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['core_users.id'], name=op.f('fk_interventions_actions_created_by_id_core_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['published_by_id'], ['core_users.id'], name=op.f('fk_interventions_actions_published_by_id_core_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['core_users.id'], name=op.f('fk_interventions_actions_submitted_by_id_core_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interventions_actions')),
    sa.UniqueConstraint('case_id', 'sequence', name='uq_interventions_actions_sequence'),
    sa.UniqueConstraint('reference', name=op.f('uq_interventions_actions_reference'))
    )
    with op.batch_alter_table('interventions_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interventions_actions_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_interventions_actions_status'), ['status'], unique=False)

    op.create_table('interventions_case_defenders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('defender_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['interventions_cases.id'], name=op.f('fk_interventions_case_defenders_case_id_interventions_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['defender_id'], ['core_defenders.id'], name=op.f('fk_interventions_case_defenders_defender_id_core_defenders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interventions_case_defenders')),
    sa.UniqueConstraint('case_id', 'defender_id', name=op.f('uq_interventions_case_defenders_case_id'))
    )
    with op.batch_alter_table('interventions_case_defenders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interventions_case_defenders_defender_id'), ['defender_id'], unique=False)

    op.create_table('interventions_case_violations',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('term_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['interventions_cases.id'], name=op.f('fk_interventions_case_violations_case_id_interventions_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['term_id'], ['core_terms.id'], name=op.f('fk_interventions_case_violations_term_id_core_terms'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('case_id', 'term_id', name=op.f('pk_interventions_case_violations'))
    )
    op.create_table('interventions_consultations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('consulted_on', sa.Date(), nullable=False),
    sa.Column('answer', sa.String(length=20), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['interventions_cases.id'], name=op.f('fk_interventions_consultations_case_id_interventions_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partner_id'], ['core_partners.id'], name=op.f('fk_interventions_consultations_partner_id_core_partners'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['core_users.id'], name=op.f('fk_interventions_consultations_recorded_by_id_core_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interventions_consultations'))
    )
    with op.batch_alter_table('interventions_consultations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interventions_consultations_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_interventions_consultations_partner_id'), ['partner_id'], unique=False)

    op.create_table('interventions_perpetrators',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Boolean(), nullable=False),
    sa.Column('type', sa.String(length=30), nullable=False),
    sa.Column('details', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['interventions_cases.id'], name=op.f('fk_interventions_perpetrators_case_id_interventions_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interventions_perpetrators'))
    )
    with op.batch_alter_table('interventions_perpetrators', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interventions_perpetrators_case_id'), ['case_id'], unique=False)


    terms = sa.table("core_terms", sa.column("vocabulary", sa.String), sa.column("key", sa.String),
                     sa.column("label_en", sa.String), sa.column("label_fr", sa.String),
                     sa.column("label_es", sa.String), sa.column("active", sa.Boolean),
                     sa.column("position", sa.Integer))
    op.bulk_insert(terms, [
        {"vocabulary": "violations", "key": key, "label_en": en, "label_fr": fr, "label_es": es, "active": True,
         "position": position * 10}
        for position, (key, en, fr, es) in enumerate(VIOLATIONS)
    ])


def downgrade():
    op.execute("DELETE FROM core_terms WHERE vocabulary = 'violations'")
    with op.batch_alter_table('interventions_perpetrators', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interventions_perpetrators_case_id'))

    op.drop_table('interventions_perpetrators')
    with op.batch_alter_table('interventions_consultations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interventions_consultations_partner_id'))
        batch_op.drop_index(batch_op.f('ix_interventions_consultations_case_id'))

    op.drop_table('interventions_consultations')
    op.drop_table('interventions_case_violations')
    with op.batch_alter_table('interventions_case_defenders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interventions_case_defenders_defender_id'))

    op.drop_table('interventions_case_defenders')
    with op.batch_alter_table('interventions_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interventions_actions_status'))
        batch_op.drop_index(batch_op.f('ix_interventions_actions_case_id'))

    op.drop_table('interventions_actions')
    with op.batch_alter_table('interventions_cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interventions_cases_verification'))
        batch_op.drop_index('ix_interventions_cases_updated_id')
        batch_op.drop_index(batch_op.f('ix_interventions_cases_source_partner_id'))
        batch_op.drop_index('ix_interventions_cases_country_updated_id')

    op.drop_table('interventions_cases')
    op.drop_table('interventions_counters')
