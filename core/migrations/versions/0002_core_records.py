"""Core records: countries (ISO 3166, with report regions), controlled vocabularies with the rights
defended, defenders, assignments and the audit trail.

Revision ID: core_0002
Revises: core_0001
Create Date: 2026-11-29 02:27:04.601664

"""
import sqlalchemy as sa
from alembic import op

from core.records.countries import iso_country_rows

# revision identifiers, used by Alembic.
revision = 'core_0002'
down_revision = 'core_0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('core_countries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('alpha2', sa.String(length=2), nullable=False),
    sa.Column('alpha3', sa.String(length=3), nullable=False),
    sa.Column('numeric', sa.String(length=3), nullable=False),
    sa.Column('region', sa.String(length=30), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_countries')),
    sa.UniqueConstraint('alpha2', name=op.f('uq_core_countries_alpha2')),
    sa.UniqueConstraint('alpha3', name=op.f('uq_core_countries_alpha3'))
    )
    with op.batch_alter_table('core_countries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_countries_region'), ['region'], unique=False)

    op.create_table('core_terms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('vocabulary', sa.String(length=50), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('label_en', sa.String(length=200), nullable=False),
    sa.Column('label_fr', sa.String(length=200), nullable=False),
    sa.Column('label_es', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_terms')),
    sa.UniqueConstraint('vocabulary', 'key', name=op.f('uq_core_terms_vocabulary'))
    )
    with op.batch_alter_table('core_terms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_terms_vocabulary'), ['vocabulary'], unique=False)

    op.create_table('core_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_type', sa.String(length=50), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['core_users.id'], name=op.f('fk_core_assignments_user_id_core_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_assignments')),
    sa.UniqueConstraint('record_type', 'record_id', 'user_id', name=op.f('uq_core_assignments_record_type'))
    )
    with op.batch_alter_table('core_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_assignments_record_id'), ['record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_core_assignments_user_id'), ['user_id'], unique=False)

    op.create_table('core_audit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('user_email', sa.String(length=254), nullable=False),
    sa.Column('ip', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('record_type', sa.String(length=50), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=True),
    sa.Column('record_label', sa.String(length=200), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['core_users.id'], name=op.f('fk_core_audit_user_id_core_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_audit'))
    )
    with op.batch_alter_table('core_audit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_audit_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_core_audit_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_core_audit_record_id'), ['record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_core_audit_record_type'), ['record_type'], unique=False)
        batch_op.create_index(batch_op.f('ix_core_audit_user_id'), ['user_id'], unique=False)

    op.create_table('core_defenders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_key', sa.String(length=200), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('aliases', sa.Text(), nullable=False),
    sa.Column('country_id', sa.Integer(), nullable=True),
    sa.Column('gender', sa.String(length=20), nullable=True),
    sa.Column('profession', sa.String(length=200), nullable=False),
    sa.Column('risk_level', sa.String(length=20), nullable=False),
    sa.Column('consent_to_publish', sa.Boolean(), nullable=False),
    sa.Column('publication_name', sa.String(length=200), nullable=False),
    sa.Column('confidentiality', sa.String(length=20), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('phone', sa.String(length=50), nullable=False),
    sa.Column('address', sa.Text(), nullable=False),
    sa.Column('exact_location', sa.Text(), nullable=False),
    sa.Column('family', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['country_id'], ['core_countries.id'], name=op.f('fk_core_defenders_country_id_core_countries')),
    sa.ForeignKeyConstraint(['created_by_id'], ['core_users.id'], name=op.f('fk_core_defenders_created_by_id_core_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_defenders'))
    )
    with op.batch_alter_table('core_defenders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_defenders_confidentiality'), ['confidentiality'], unique=False)
        batch_op.create_index(batch_op.f('ix_core_defenders_country_id'), ['country_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_core_defenders_name_key'), ['name_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_core_defenders_risk_level'), ['risk_level'], unique=False)

    op.create_table('core_defender_rights',
    sa.Column('defender_id', sa.Integer(), nullable=False),
    sa.Column('term_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['defender_id'], ['core_defenders.id'], name=op.f('fk_core_defender_rights_defender_id_core_defenders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['term_id'], ['core_terms.id'], name=op.f('fk_core_defender_rights_term_id_core_terms'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('defender_id', 'term_id', name=op.f('pk_core_defender_rights'))
    )

    countries = sa.table("core_countries", sa.column("alpha2", sa.String), sa.column("alpha3", sa.String),
                         sa.column("numeric", sa.String), sa.column("region", sa.String))
    op.bulk_insert(countries, iso_country_rows())
    terms = sa.table("core_terms", sa.column("vocabulary", sa.String), sa.column("key", sa.String),
                     sa.column("label_en", sa.String), sa.column("label_fr", sa.String),
                     sa.column("label_es", sa.String), sa.column("active", sa.Boolean),
                     sa.column("position", sa.Integer))
    op.bulk_insert(terms, [
        {"vocabulary": "rights", "key": key, "label_en": en, "label_fr": fr, "label_es": es, "active": True,
         "position": position * 10}
        for position, (key, en, fr, es) in enumerate(RIGHTS)
    ])


RIGHTS = [
    ("expression", "Freedom of expression and information", "Liberté d'expression et d'information",
     "Libertad de expresión e información"),
    ("association", "Freedom of association", "Liberté d'association", "Libertad de asociación"),
    ("assembly", "Freedom of peaceful assembly", "Liberté de réunion pacifique", "Libertad de reunión pacífica"),
    ("women", "Women's rights", "Droits des femmes", "Derechos de las mujeres"),
    ("lgbti", "Rights of LGBTI persons", "Droits des personnes LGBTI", "Derechos de las personas LGBTI"),
    ("land_environment", "Land and environmental rights", "Droits fonciers et environnementaux",
     "Derechos a la tierra y al medio ambiente"),
    ("indigenous", "Indigenous peoples' rights", "Droits des peuples autochtones", "Derechos de los pueblos indígenas"),
    ("labour", "Labour and trade union rights", "Droits du travail et droits syndicaux", "Derechos laborales y sindicales"),
    ("migrants", "Rights of migrants and refugees", "Droits des personnes migrantes et réfugiées",
     "Derechos de las personas migrantes y refugiadas"),
    ("impunity", "Fight against impunity", "Lutte contre l'impunité", "Lucha contra la impunidad"),
    ("fair_trial", "Right to a fair trial and legal defence", "Droit à un procès équitable et à la défense",
     "Derecho a un juicio justo y a la defensa"),
    ("torture", "Prevention of torture", "Prévention de la torture", "Prevención de la tortura"),
    ("children", "Children's rights", "Droits de l'enfant", "Derechos de la infancia"),
    ("minorities", "Rights of minorities", "Droits des minorités", "Derechos de las minorías"),
    ("escr", "Economic, social and cultural rights", "Droits économiques, sociaux et culturels",
     "Derechos económicos, sociales y culturales"),
    ("corruption", "Fight against corruption", "Lutte contre la corruption", "Lucha contra la corrupción"),
    ("press", "Press freedom", "Liberté de la presse", "Libertad de prensa"),
]


def downgrade():
    op.drop_table('core_defender_rights')
    with op.batch_alter_table('core_defenders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_defenders_risk_level'))
        batch_op.drop_index(batch_op.f('ix_core_defenders_name_key'))
        batch_op.drop_index(batch_op.f('ix_core_defenders_country_id'))
        batch_op.drop_index(batch_op.f('ix_core_defenders_confidentiality'))

    op.drop_table('core_defenders')
    with op.batch_alter_table('core_audit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_audit_user_id'))
        batch_op.drop_index(batch_op.f('ix_core_audit_record_type'))
        batch_op.drop_index(batch_op.f('ix_core_audit_record_id'))
        batch_op.drop_index(batch_op.f('ix_core_audit_at'))
        batch_op.drop_index(batch_op.f('ix_core_audit_action'))

    op.drop_table('core_audit')
    with op.batch_alter_table('core_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_assignments_user_id'))
        batch_op.drop_index(batch_op.f('ix_core_assignments_record_id'))

    op.drop_table('core_assignments')
    with op.batch_alter_table('core_terms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_terms_vocabulary'))

    op.drop_table('core_terms')
    with op.batch_alter_table('core_countries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_countries_region'))

    op.drop_table('core_countries')
