"""Core tables: users, roles and their permission overrides, recovery codes, jobs.

Also creates the five built-in roles; admins and committee members must use 2FA by default.

Revision ID: core_0001
Revises: 
Create Date: 2026-11-29 02:05:13.589515

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'core_0001'
down_revision = None
branch_labels = ('core',)
depends_on = None


def upgrade():
    op.create_table('core_roles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('builtin', sa.Boolean(), nullable=False),
    sa.Column('require_2fa', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_roles')),
    sa.UniqueConstraint('name', name=op.f('uq_core_roles_name'))
    )
    op.create_table('core_users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('totp_secret', sa.String(length=64), nullable=True),
    sa.Column('totp_enabled', sa.Boolean(), nullable=False),
    sa.Column('totp_last_step', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_users')),
    sa.UniqueConstraint('email', name=op.f('uq_core_users_email'))
    )
    op.create_table('core_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('function', sa.String(length=200), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('message', sa.String(length=500), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('result_filename', sa.String(length=255), nullable=True),
    sa.Column('result_mimetype', sa.String(length=100), nullable=True),
    sa.Column('result_size', sa.Integer(), nullable=True),
    sa.Column('result_data', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['core_users.id'], name=op.f('fk_core_jobs_created_by_id_core_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_jobs'))
    )
    with op.batch_alter_table('core_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_jobs_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_core_jobs_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_core_jobs_status'), ['status'], unique=False)

    op.create_table('core_recovery_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=255), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['core_users.id'], name=op.f('fk_core_recovery_codes_user_id_core_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_recovery_codes'))
    )
    with op.batch_alter_table('core_recovery_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_recovery_codes_user_id'), ['user_id'], unique=False)

    op.create_table('core_role_permissions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('role_id', sa.Integer(), nullable=False),
    sa.Column('permission', sa.String(length=100), nullable=False),
    sa.Column('granted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['role_id'], ['core_roles.id'], name=op.f('fk_core_role_permissions_role_id_core_roles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_role_permissions')),
    sa.UniqueConstraint('role_id', 'permission', name=op.f('uq_core_role_permissions_role_id'))
    )
    with op.batch_alter_table('core_role_permissions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_role_permissions_role_id'), ['role_id'], unique=False)

    op.create_table('core_user_roles',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['role_id'], ['core_roles.id'], name=op.f('fk_core_user_roles_role_id_core_roles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['core_users.id'], name=op.f('fk_core_user_roles_user_id_core_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'role_id', name=op.f('pk_core_user_roles'))
    )

    roles = sa.table(
        "core_roles", sa.column("name", sa.String), sa.column("builtin", sa.Boolean), sa.column("require_2fa", sa.Boolean)
    )
    op.bulk_insert(roles, [
        {"name": name, "builtin": True, "require_2fa": name in ("admin", "committee")}
        for name in ("admin", "coordinator", "case_officer", "committee", "readonly")
    ])


def downgrade():
    op.drop_table('core_user_roles')
    with op.batch_alter_table('core_role_permissions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_role_permissions_role_id'))

    op.drop_table('core_role_permissions')
    with op.batch_alter_table('core_recovery_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_recovery_codes_user_id'))

    op.drop_table('core_recovery_codes')
    with op.batch_alter_table('core_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_jobs_status'))
        batch_op.drop_index(batch_op.f('ix_core_jobs_created_by_id'))
        batch_op.drop_index(batch_op.f('ix_core_jobs_created_at'))

    op.drop_table('core_jobs')
    op.drop_table('core_users')
    op.drop_table('core_roles')
