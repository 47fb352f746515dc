"""Notifications, preferences, followed countries, the email outbox and reminder days.

Revision ID: core_0006
Revises: core_0005
Create Date: 2026-11-29 02:49:49.654048

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'core_0006'
down_revision = 'core_0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('core_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_outbox'))
    )
    with op.batch_alter_table('core_outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_outbox_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_core_outbox_status'), ['status'], unique=False)

    op.create_table('core_followed_countries',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('country_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['country_id'], ['core_countries.id'], name=op.f('fk_core_followed_countries_country_id_core_countries'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['core_users.id'], name=op.f('fk_core_followed_countries_user_id_core_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'country_id', name=op.f('pk_core_followed_countries'))
    )
    op.create_table('core_notification_preferences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('in_app', sa.Boolean(), nullable=False),
    sa.Column('email', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['core_users.id'], name=op.f('fk_core_notification_preferences_user_id_core_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_notification_preferences')),
    sa.UniqueConstraint('user_id', 'kind', name=op.f('uq_core_notification_preferences_user_id'))
    )
    with op.batch_alter_table('core_notification_preferences', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_notification_preferences_user_id'), ['user_id'], unique=False)

    op.create_table('core_notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=False),
    sa.Column('dedup_key', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['core_users.id'], name=op.f('fk_core_notifications_user_id_core_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_notifications')),
    sa.UniqueConstraint('user_id', 'dedup_key', name=op.f('uq_core_notifications_user_id'))
    )
    with op.batch_alter_table('core_notifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_notifications_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_core_notifications_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('core_users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminder_days', sa.Integer(), server_default='3', nullable=False))



def downgrade():
    with op.batch_alter_table('core_users', schema=None) as batch_op:
        batch_op.drop_column('reminder_days')

    with op.batch_alter_table('core_notifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_notifications_user_id'))
        batch_op.drop_index(batch_op.f('ix_core_notifications_created_at'))

    op.drop_table('core_notifications')
    with op.batch_alter_table('core_notification_preferences', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_notification_preferences_user_id'))

    op.drop_table('core_notification_preferences')
    op.drop_table('core_followed_countries')
    with op.batch_alter_table('core_outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_outbox_status'))
        batch_op.drop_index(batch_op.f('ix_core_outbox_created_at'))

    op.drop_table('core_outbox')
