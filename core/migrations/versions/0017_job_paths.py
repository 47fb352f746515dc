"""Jobs kept before the core was grouped by part (issue 28) name their function by its old module
(``core.exports.export_users``): point them at the module's new place so that *Try again* still works.

Revision ID: core_0017
Revises: core_0016
Create Date: 2026-12-07 13:10:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'core_0017'
down_revision = 'core_0016'
branch_labels = None
depends_on = None

#: The modules that moved, old place first: a job's function is ``module.name``.
MOVED = {
    "core.exports": "core.jobs.exports",
    "core.jobs": "core.jobs.jobs",
    "core.schedule": "core.jobs.schedule",
    "core.documents": "core.documents.documents",
    "core.deadlines": "core.calendar.deadlines",
    "core.statistics": "core.publications.statistics",
    "core.outputs": "core.disclosure.outputs",
    "core.gather": "core.plugin_host.gather",
    "core.contributions": "core.plugin_host.contributions",
    "core.i18n": "core.languages.i18n",
    "core.money": "core.languages.money",
    "core.models": "core.database.models",
}


def _renamed(function: str, moves: dict[str, str]) -> str:
    module, _dot, name = function.rpartition(".")
    return f"{moves[module]}.{name}" if module in moves else function


def _move(moves: dict[str, str]) -> None:
    jobs = sa.table("core_jobs", sa.column("id", sa.Integer), sa.column("function", sa.String))
    connection = op.get_bind()
    for job_id, function in connection.execute(sa.select(jobs.c.id, jobs.c.function)).all():
        renamed = _renamed(function, moves)
        if renamed != function:
            connection.execute(jobs.update().where(jobs.c.id == job_id).values(function=renamed))


def upgrade():
    _move(MOVED)


def downgrade():
    _move({new: old for old, new in MOVED.items()})
