"""Job functions of the core (run by :mod:`core.jobs.jobs`, inline or in an rq worker)."""
from __future__ import annotations

from flask import url_for
from sqlalchemy import select

from ..database.models import User
from ..disclosure import Guard, spreadsheets
from ..extensions import db
from .jobs import JobContext

BATCH = 500


def export_users(ctx: JobContext) -> None:
    """CSV of user accounts with a link to each; personal data stays within the admin's reach."""
    header = ["id", "email", "name", "roles", "active", "two_factor", "last_login_utc", "link"]
    guard = Guard(ctx.job.created_by, external=False, unattended=True)
    data = spreadsheets.write_csv(header, _rows(ctx), guard)
    ctx.save_result("users.csv", data, spreadsheets.FORMATS["csv"])


def _rows(ctx: JobContext):
    total = db.session.scalar(select(db.func.count()).select_from(User)) or 1
    done, last_id = 0, 0
    while batch := db.session.scalars(select(User).where(User.id > last_id).order_by(User.id).limit(BATCH)).all():
        yield from (_row(user) for user in batch)
        done, last_id = done + len(batch), batch[-1].id
        ctx.progress(done * 100 // total)


def _row(user: User) -> list[str | int]:
    return [
        user.id,
        user.email,
        user.name,
        " ".join(sorted(user.role_names)),
        "yes" if user.active else "no",
        "yes" if user.totp_enabled else "no",
        user.last_login_at.isoformat() if user.last_login_at else "",
        url_for("admin.user_edit", user_id=user.id, _external=True),
    ]
