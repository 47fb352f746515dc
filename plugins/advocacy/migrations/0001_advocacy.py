"""Advocacy: the catalogue of mechanisms (seeded from the plugin's data file), their sessions and deadlines,
advocacy actions with the defenders (and their consent) and other records they concern, and the answers.

Revision ID: advocacy_0001
Revises:
Create Date: 2026-11-29 10:10:00

"""
import json
from pathlib import Path

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'advocacy_0001'
down_revision = None
branch_labels = ('advocacy',)
depends_on = 'core_0010'

CATALOGUE = Path(__file__).resolve().parent.parent / "data" / "mechanisms.json"
COLUMNS = ("key", "system", "abbreviation", "name_en", "name_fr", "name_es", "working_languages",
           "submission_en", "submission_fr", "submission_es")


def upgrade():
    op.create_table('advocacy_mechanisms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('system', sa.String(length=10), nullable=False),
    sa.Column('abbreviation', sa.String(length=40), nullable=False),
    sa.Column('name_en', sa.String(length=300), nullable=False),
    sa.Column('name_fr', sa.String(length=300), nullable=False),
    sa.Column('name_es', sa.String(length=300), nullable=False),
    sa.Column('working_languages', sa.String(length=100), nullable=False),
    sa.Column('submission_en', sa.Text(), nullable=False),
    sa.Column('submission_fr', sa.Text(), nullable=False),
    sa.Column('submission_es', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_advocacy_mechanisms')),
    sa.UniqueConstraint('key', name=op.f('uq_advocacy_mechanisms_key'))
    )
    with op.batch_alter_table('advocacy_mechanisms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_advocacy_mechanisms_system'), ['system'], unique=False)

    op.create_table('advocacy_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mechanism_id', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('country_id', sa.Integer(), nullable=True),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=True),
    sa.Column('made_public_on', sa.Date(), nullable=True),
    sa.Column('reply_expected_by', sa.Date(), nullable=True),
    sa.Column('confidentiality', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['country_id'], ['core_countries.id'], name=op.f('fk_advocacy_actions_country_id_core_countries'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['created_by_id'], ['core_users.id'], name=op.f('fk_advocacy_actions_created_by_id_core_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['mechanism_id'], ['advocacy_mechanisms.id'], name=op.f('fk_advocacy_actions_mechanism_id_advocacy_mechanisms'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_advocacy_actions'))
    )
    with op.batch_alter_table('advocacy_actions', schema=None) as batch_op:
        batch_op.create_index('ix_advocacy_actions_country_sent', ['country_id', 'sent_on', 'id'], unique=False)
        batch_op.create_index('ix_advocacy_actions_mechanism_sent', ['mechanism_id', 'sent_on', 'id'], unique=False)
        batch_op.create_index('ix_advocacy_actions_reply', ['reply_expected_by'], unique=False)
        batch_op.create_index('ix_advocacy_actions_sent_id', ['sent_on', 'id', 'confidentiality'], unique=False)
        batch_op.create_index('ix_advocacy_actions_updated_id', ['updated_at', 'id', 'confidentiality'], unique=False)

    op.create_table('advocacy_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mechanism_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['mechanism_id'], ['advocacy_mechanisms.id'], name=op.f('fk_advocacy_sessions_mechanism_id_advocacy_mechanisms'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_advocacy_sessions'))
    )
    with op.batch_alter_table('advocacy_sessions', schema=None) as batch_op:
        batch_op.create_index('ix_advocacy_sessions_ends', ['ends_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_advocacy_sessions_mechanism_id'), ['mechanism_id'], unique=False)
        batch_op.create_index('ix_advocacy_sessions_starts', ['starts_on', 'mechanism_id'], unique=False)

    op.create_table('advocacy_action_defenders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('defender_id', sa.Integer(), nullable=False),
    sa.Column('consent', sa.String(length=10), nullable=False),
    sa.Column('consent_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['action_id'], ['advocacy_actions.id'], name=op.f('fk_advocacy_action_defenders_action_id_advocacy_actions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['defender_id'], ['core_defenders.id'], name=op.f('fk_advocacy_action_defenders_defender_id_core_defenders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_advocacy_action_defenders')),
    sa.UniqueConstraint('action_id', 'defender_id', name=op.f('uq_advocacy_action_defenders_action_id'))
    )
    with op.batch_alter_table('advocacy_action_defenders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_advocacy_action_defenders_defender_id'), ['defender_id'], unique=False)

    op.create_table('advocacy_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['action_id'], ['advocacy_actions.id'], name=op.f('fk_advocacy_answers_action_id_advocacy_actions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['core_users.id'], name=op.f('fk_advocacy_answers_created_by_id_core_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_advocacy_answers'))
    )
    with op.batch_alter_table('advocacy_answers', schema=None) as batch_op:
        batch_op.create_index('ix_advocacy_answers_action', ['action_id', 'received_on'], unique=False)

    op.create_table('advocacy_record_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('record_type', sa.String(length=50), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['advocacy_actions.id'], name=op.f('fk_advocacy_record_links_action_id_advocacy_actions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_advocacy_record_links')),
    sa.UniqueConstraint('action_id', 'record_type', 'record_id', name=op.f('uq_advocacy_record_links_action_id'))
    )
    with op.batch_alter_table('advocacy_record_links', schema=None) as batch_op:
        batch_op.create_index('ix_advocacy_record_links_record', ['record_type', 'record_id'], unique=False)


    mechanisms = sa.table("advocacy_mechanisms", *(sa.column(name) for name in COLUMNS),
                          sa.column("active"), sa.column("position"))
    rows = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    op.bulk_insert(mechanisms, [{**{name: row.get(name, "") for name in COLUMNS}, "active": True, "position": index}
                                for index, row in enumerate(rows)])


def downgrade():
    with op.batch_alter_table('advocacy_record_links', schema=None) as batch_op:
        batch_op.drop_index('ix_advocacy_record_links_record')

    op.drop_table('advocacy_record_links')
    with op.batch_alter_table('advocacy_answers', schema=None) as batch_op:
        batch_op.drop_index('ix_advocacy_answers_action')

    op.drop_table('advocacy_answers')
    with op.batch_alter_table('advocacy_action_defenders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_advocacy_action_defenders_defender_id'))

    op.drop_table('advocacy_action_defenders')
    with op.batch_alter_table('advocacy_sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_advocacy_sessions_starts')
        batch_op.drop_index(batch_op.f('ix_advocacy_sessions_mechanism_id'))
        batch_op.drop_index('ix_advocacy_sessions_ends')

    op.drop_table('advocacy_sessions')
    with op.batch_alter_table('advocacy_actions', schema=None) as batch_op:
        batch_op.drop_index('ix_advocacy_actions_updated_id')
        batch_op.drop_index('ix_advocacy_actions_sent_id')
        batch_op.drop_index('ix_advocacy_actions_reply')
        batch_op.drop_index('ix_advocacy_actions_mechanism_sent')
        batch_op.drop_index('ix_advocacy_actions_country_sent')

    op.drop_table('advocacy_actions')
    with op.batch_alter_table('advocacy_mechanisms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_advocacy_mechanisms_system'))

    op.drop_table('advocacy_mechanisms')
