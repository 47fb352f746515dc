"""Admins browse and export the audit trail; there is no route that edits or deletes it."""
from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta, timezone
from typing import Iterator

from flask import Blueprint, Response, render_template, request, stream_with_context
from flask_login import current_user
from sqlalchemy import Select, select

from ..database.models import User
from ..disclosure import Guard, door, spreadsheets
from ..extensions import db
from ..web.pagination import paginate
from ..web.permissions import permission_required
from .capture import record
from .models import AuditEntry

blueprint = Blueprint("audit", __name__, url_prefix="/admin/audit")
VIEW = "core.audit.view"
ACTIONS = ("create", "update", "delete", "view", "reveal", "export", "merge", "unmerge", "disclose", "build")
EXPORT_BATCH = 1000


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _filters() -> dict[str, str]:
    return {key: request.args.get(key, "").strip()[:100]
            for key in ("action", "record_type", "record_id", "user", "since", "until")}


def _query(filters: dict[str, str]) -> Select:
    query = select(AuditEntry)
    if filters["action"] in ACTIONS:
        query = query.where(AuditEntry.action == filters["action"])
    if filters["record_type"]:
        query = query.where(AuditEntry.record_type == filters["record_type"])
    if filters["record_id"].isdecimal() and len(filters["record_id"]) < 10:
        query = query.where(AuditEntry.record_id == int(filters["record_id"]))
    if filters["user"]:
        query = query.where(AuditEntry.user_email.contains(filters["user"].lower(), autoescape=True))
    if since := _day(filters["since"]):
        query = query.where(AuditEntry.at >= datetime.combine(since, time.min, tzinfo=timezone.utc))
    if until := _day(filters["until"]):
        query = query.where(AuditEntry.at < datetime.combine(until + timedelta(days=1), time.min, tzinfo=timezone.utc))
    return query


@blueprint.route("/")
@permission_required(VIEW)
def index():
    filters = _filters()
    query = _query(filters).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    pagination = paginate(query)
    return render_template("core/audit/index.html", pagination=pagination, filters=filters, actions=ACTIONS)


@blueprint.route("/export.csv")
@permission_required(VIEW)
def export():
    """The filtered trail as CSV, read in batches; the export itself is audited."""
    filters = _filters()
    record(AuditEntry.EXPORT, "audit", None, "audit trail", {"filters": filters})
    db.session.commit()
    return door.mark(Response(stream_with_context(_csv_rows(filters, current_user.id)), mimetype="text/csv",
                              headers={"Content-Disposition": 'attachment; filename="audit.csv"'}))


def _csv_rows(filters: dict[str, str], reader_id: int) -> Iterator[str]:
    header = ["id", "at_utc", "user", "ip", "action", "record_type", "record_id", "record", "changes"]
    yield "\ufeff"
    # Internal, and nobody decides during a download: a name its reader may not see is masked.
    reader = db.session.get(User, reader_id)  # read again: the response streams after the request's session ended
    yield from spreadsheets.csv_lines(header, _entries(filters), Guard(reader, external=False, unattended=True))


def _entries(filters: dict[str, str]) -> Iterator[list]:
    """The trail's rows, newest first, read in batches."""
    last_id = None
    while True:
        query = _query(filters) if last_id is None else _query(filters).where(AuditEntry.id < last_id)
        batch = db.session.scalars(query.order_by(AuditEntry.id.desc()).limit(EXPORT_BATCH)).all()
        if not batch:
            return
        for entry in batch:
            yield [entry.id, entry.at.isoformat(), entry.user_email, entry.ip, entry.action,
                   entry.record_type, entry.record_id or "", entry.record_label,
                   json.dumps(entry.changes, ensure_ascii=False, sort_keys=True)]
        last_id = batch[-1].id
