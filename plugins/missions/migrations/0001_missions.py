"""Missions: countries, defenders and partners concerned, links to other plugins' records, delegates, workflow
steps, budget lines, hearings with their fair-trial checklists, report texts, recommendations and their
follow-up; the mission types and fair-trial guarantees lists.

Revision ID: missions_0001
Revises:
Create Date: 2026-11-29 07:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'missions_0001'
down_revision = None
branch_labels = ('missions',)
depends_on = 'core_0009'

MISSION_TYPES = [
    ("fact_finding", "International fact-finding mission", "Mission internationale d'enquête",
     "Misión internacional de investigación"),
    ("trial_observation", "Judicial observation (trial observation)", "Mission d'observation judiciaire",
     "Misión de observación judicial"),
    ("support", "Support mission", "Mission de soutien", "Misión de apoyo"),
    ("solidarity", "Solidarity mission", "Mission de solidarité", "Misión de solidaridad"),
]
# Fair-trial guarantees of the observers' checklist (ICCPR art. 14 and regional standards).
FAIR_TRIAL = [
    ("public_hearing", "Public hearing", "Audience publique", "Audiencia pública"),
    ("independent_tribunal", "Independent and impartial tribunal", "Tribunal indépendant et impartial",
     "Tribunal independiente e imparcial"),
    ("lawyer_of_choice", "Access to a lawyer of one's choice", "Accès à l'avocat de son choix",
     "Acceso a un abogado de su elección"),
    ("time_to_prepare", "Adequate time and facilities to prepare the defence",
     "Temps et facilités nécessaires à la préparation de la défense",
     "Tiempo y medios adecuados para preparar la defensa"),
    ("presumption_of_innocence", "Presumption of innocence", "Présomption d'innocence", "Presunción de inocencia"),
    ("equality_of_arms", "Equality of arms", "Égalité des armes", "Igualdad de armas"),
    ("examine_witnesses", "Right to examine witnesses", "Droit d'interroger les témoins",
     "Derecho a interrogar a los testigos"),
    ("interpretation", "Free assistance of an interpreter", "Assistance gratuite d'un interprète",
     "Asistencia gratuita de un intérprete"),
    ("no_self_incrimination", "No compulsion to testify against oneself or to confess guilt",
     "Droit de ne pas être forcé de témoigner contre soi-même ou de s'avouer coupable",
     "Derecho a no ser obligado a declarar contra sí mismo ni a confesarse culpable"),
    ("no_torture_evidence", "No reliance on evidence obtained under torture",
     "Exclusion des preuves obtenues sous la torture", "Exclusión de las pruebas obtenidas bajo tortura"),
    ("reasoned_judgment", "Reasoned judgment", "Jugement motivé", "Sentencia motivada"),
    ("reasonable_time", "Trial within a reasonable time", "Procès dans un délai raisonnable",
     "Juicio en un plazo razonable"),
]


def upgrade():
    op.create_table('missions_missions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('type_id', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('terms_of_reference', sa.Text(), nullable=False),
    sa.Column('objectives', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('confidentiality', sa.String(length=20), nullable=False),
    sa.Column('reporting_currency', sa.String(length=3), nullable=False),
    sa.Column('court', sa.String(length=300), nullable=False),
    sa.Column('court_case_number', sa.String(length=100), nullable=False),
    sa.Column('charges', sa.Text(), nullable=False),
    sa.Column('risk_level', sa.String(length=20), nullable=False),
    sa.Column('security_measures', sa.Text(), nullable=False),
    sa.Column('emergency_contacts', sa.Text(), nullable=False),
    sa.Column('report_published_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['core_users.id'], name=op.f('fk_missions_missions_created_by_id_core_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['type_id'], ['core_terms.id'], name=op.f('fk_missions_missions_type_id_core_terms'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_missions_missions'))
    )
    with op.batch_alter_table('missions_missions', schema=None) as batch_op:
        batch_op.create_index('ix_missions_missions_start_id', ['start_date', 'id', 'confidentiality'], unique=False)
        batch_op.create_index(batch_op.f('ix_missions_missions_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_missions_missions_type_id'), ['type_id'], unique=False)
        batch_op.create_index('ix_missions_missions_updated_id', ['updated_at', 'id', 'confidentiality'], unique=False)

    op.create_table('missions_budget_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mission_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('rate', sa.Numeric(precision=15, scale=8), nullable=False),
    sa.Column('spent_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['core_users.id'], name=op.f('fk_missions_budget_lines_created_by_id_core_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['mission_id'], ['missions_missions.id'], name=op.f('fk_missions_budget_lines_mission_id_missions_missions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_missions_budget_lines'))
    )
    with op.batch_alter_table('missions_budget_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_missions_budget_lines_mission_id'), ['mission_id'], unique=False)

    op.create_table('missions_delegates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mission_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('organisation', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('role', sa.String(length=200), nullable=False),
    sa.Column('languages', sa.String(length=200), nullable=False),
    sa.Column('contact', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['mission_id'], ['missions_missions.id'], name=op.f('fk_missions_delegates_mission_id_missions_missions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['core_users.id'], name=op.f('fk_missions_delegates_user_id_core_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_missions_delegates'))
    )
    with op.batch_alter_table('missions_delegates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_missions_delegates_mission_id'), ['mission_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_missions_delegates_user_id'), ['user_id'], unique=False)

    op.create_table('missions_mission_countries',
    sa.Column('mission_id', sa.Integer(), nullable=False),
    sa.Column('country_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['country_id'], ['core_countries.id'], name=op.f('fk_missions_mission_countries_country_id_core_countries'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['mission_id'], ['missions_missions.id'], name=op.f('fk_missions_mission_countries_mission_id_missions_missions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('mission_id', 'country_id', name=op.f('pk_missions_mission_countries'))
    )
    with op.batch_alter_table('missions_mission_countries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_missions_mission_countries_country_id'), ['country_id'], unique=False)

    op.create_table('missions_mission_defenders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mission_id', sa.Integer(), nullable=False),
    sa.Column('defender_id', sa.Integer(), nullable=False),
    sa.Column('on_trial', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['defender_id'], ['core_defenders.id'], name=op.f('fk_missions_mission_defenders_defender_id_core_defenders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['mission_id'], ['missions_missions.id'], name=op.f('fk_missions_mission_defenders_mission_id_missions_missions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_missions_mission_defenders')),
    sa.UniqueConstraint('mission_id', 'defender_id', name=op.f('uq_missions_mission_defenders_mission_id'))
    )
    with op.batch_alter_table('missions_mission_defenders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_missions_mission_defenders_defender_id'), ['defender_id'], unique=False)

    op.create_table('missions_mission_partners',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mission_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['mission_id'], ['missions_missions.id'], name=op.f('fk_missions_mission_partners_mission_id_missions_missions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partner_id'], ['core_partners.id'], name=op.f('fk_missions_mission_partners_partner_id_core_partners'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_missions_mission_partners')),
    sa.UniqueConstraint('mission_id', 'partner_id', name=op.f('uq_missions_mission_partners_mission_id'))
    )
    with op.batch_alter_table('missions_mission_partners', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_missions_mission_partners_partner_id'), ['partner_id'], unique=False)

    op.create_table('missions_recommendations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mission_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('addressee_kind', sa.String(length=20), nullable=False),
    sa.Column('addressee', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['mission_id'], ['missions_missions.id'], name=op.f('fk_missions_recommendations_mission_id_missions_missions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_missions_recommendations'))
    )
    with op.batch_alter_table('missions_recommendations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_missions_recommendations_mission_id'), ['mission_id'], unique=False)

    op.create_table('missions_record_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mission_id', sa.Integer(), nullable=False),
    sa.Column('record_type', sa.String(length=50), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['mission_id'], ['missions_missions.id'], name=op.f('fk_missions_record_links_mission_id_missions_missions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_missions_record_links')),
    sa.UniqueConstraint('mission_id', 'record_type', 'record_id', name=op.f('uq_missions_record_links_mission_id'))
    )
    with op.batch_alter_table('missions_record_links', schema=None) as batch_op:
        batch_op.create_index('ix_missions_record_links_record', ['record_type', 'record_id'], unique=False)

    op.create_table('missions_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mission_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('findings', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['mission_id'], ['missions_missions.id'], name=op.f('fk_missions_reports_mission_id_missions_missions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_missions_reports')),
    sa.UniqueConstraint('mission_id', 'language', name=op.f('uq_missions_reports_mission_id'))
    )
    op.create_table('missions_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mission_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=False),
    sa.Column('to_status', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['by_id'], ['core_users.id'], name=op.f('fk_missions_steps_by_id_core_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['mission_id'], ['missions_missions.id'], name=op.f('fk_missions_steps_mission_id_missions_missions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_missions_steps'))
    )
    with op.batch_alter_table('missions_steps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_missions_steps_mission_id'), ['mission_id'], unique=False)

    op.create_table('missions_hearings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mission_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('observer_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('outcome_details', sa.Text(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['mission_id'], ['missions_missions.id'], name=op.f('fk_missions_hearings_mission_id_missions_missions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['observer_id'], ['missions_delegates.id'], name=op.f('fk_missions_hearings_observer_id_missions_delegates'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_missions_hearings'))
    )
    with op.batch_alter_table('missions_hearings', schema=None) as batch_op:
        batch_op.create_index('ix_missions_hearings_held_on', ['held_on', 'mission_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_missions_hearings_mission_id'), ['mission_id'], unique=False)

    op.create_table('missions_recommendation_updates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recommendation_id', sa.Integer(), nullable=False),
    sa.Column('noted_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['by_id'], ['core_users.id'], name=op.f('fk_missions_recommendation_updates_by_id_core_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['recommendation_id'], ['missions_recommendations.id'], name=op.f('fk_missions_recommendation_updates_recommendation_id_missions_recommendations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_missions_recommendation_updates'))
    )
    with op.batch_alter_table('missions_recommendation_updates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_missions_recommendation_updates_recommendation_id'), ['recommendation_id'], unique=False)

    op.create_table('missions_checklist_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hearing_id', sa.Integer(), nullable=False),
    sa.Column('term_id', sa.Integer(), nullable=False),
    sa.Column('answer', sa.String(length=20), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['hearing_id'], ['missions_hearings.id'], name=op.f('fk_missions_checklist_answers_hearing_id_missions_hearings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['term_id'], ['core_terms.id'], name=op.f('fk_missions_checklist_answers_term_id_core_terms'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_missions_checklist_answers')),
    sa.UniqueConstraint('hearing_id', 'term_id', name=op.f('uq_missions_checklist_answers_hearing_id'))
    )


    terms = sa.table("core_terms", sa.column("vocabulary", sa.String), sa.column("key", sa.String),
                     sa.column("label_en", sa.String), sa.column("label_fr", sa.String),
                     sa.column("label_es", sa.String), sa.column("active", sa.Boolean),
                     sa.column("position", sa.Integer))
    op.bulk_insert(terms, [
        {"vocabulary": vocabulary, "key": key, "label_en": en, "label_fr": fr, "label_es": es, "active": True,
         "position": position * 10}
        for vocabulary, entries in (("mission_types", MISSION_TYPES), ("fair_trial", FAIR_TRIAL))
        for position, (key, en, fr, es) in enumerate(entries)
    ])


def downgrade():
    op.execute("DELETE FROM core_terms WHERE vocabulary IN ('mission_types', 'fair_trial')")
    op.drop_table('missions_checklist_answers')
    with op.batch_alter_table('missions_recommendation_updates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_missions_recommendation_updates_recommendation_id'))

    op.drop_table('missions_recommendation_updates')
    with op.batch_alter_table('missions_hearings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_missions_hearings_mission_id'))
        batch_op.drop_index('ix_missions_hearings_held_on')

    op.drop_table('missions_hearings')
    with op.batch_alter_table('missions_steps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_missions_steps_mission_id'))

    op.drop_table('missions_steps')
    op.drop_table('missions_reports')
    with op.batch_alter_table('missions_record_links', schema=None) as batch_op:
        batch_op.drop_index('ix_missions_record_links_record')

    op.drop_table('missions_record_links')
    with op.batch_alter_table('missions_recommendations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_missions_recommendations_mission_id'))

    op.drop_table('missions_recommendations')
    with op.batch_alter_table('missions_mission_partners', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_missions_mission_partners_partner_id'))

    op.drop_table('missions_mission_partners')
    with op.batch_alter_table('missions_mission_defenders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_missions_mission_defenders_defender_id'))

    op.drop_table('missions_mission_defenders')
    with op.batch_alter_table('missions_mission_countries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_missions_mission_countries_country_id'))

    op.drop_table('missions_mission_countries')
    with op.batch_alter_table('missions_delegates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_missions_delegates_user_id'))
        batch_op.drop_index(batch_op.f('ix_missions_delegates_mission_id'))

    op.drop_table('missions_delegates')
    with op.batch_alter_table('missions_budget_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_missions_budget_lines_mission_id'))

    op.drop_table('missions_budget_lines')
    with op.batch_alter_table('missions_missions', schema=None) as batch_op:
        batch_op.drop_index('ix_missions_missions_updated_id')
        batch_op.drop_index(batch_op.f('ix_missions_missions_type_id'))
        batch_op.drop_index(batch_op.f('ix_missions_missions_status'))
        batch_op.drop_index('ix_missions_missions_start_id')

    op.drop_table('missions_missions')
