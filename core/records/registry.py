"""The record types plugins declare, so attachments and links can point at any record."""
from __future__ import annotations

from typing import Any

from flask import abort, current_app, has_request_context, url_for
from flask_login import current_user

from ..extensions import db
from ..plugin_host.contributions import RecordChoice, RecordType
from ..plugin_host.plugins import host
from ..web.permissions import can
from .visibility import can_see


def record_types() -> dict[str, RecordType]:
    cached = current_app.extensions.get("observatory.record_types")
    if cached is None:
        cached = {t.key: t for t in host().collect("observatory_record_types") if isinstance(t, RecordType)}
        current_app.extensions["observatory.record_types"] = cached
    return cached


def record_url(record_type: str, record_id: int) -> str | None:
    """The record's page as a path, also outside a web request (a job, the command line, a service test)."""
    kind = record_types().get(record_type)
    if kind is None:
        return None
    values = {kind.id_argument: record_id}
    if has_request_context():
        return url_for(kind.endpoint, **values)
    adapter = current_app.url_map.bind("localhost", script_name=current_app.config.get("APPLICATION_ROOT") or "/")
    return adapter.build(kind.endpoint, values)


def resolve(record_type: str, record_id: int, *, edit: bool = False) -> tuple[RecordType, Any]:
    """The record, if the current user may see it (and edit it, when asked); 404 or 403 otherwise."""
    kind = record_types().get(record_type)
    if kind is None:
        abort(404)
    if not can(kind.edit_permission if edit else kind.view_permission):
        abort(403)
    record = db.session.get(kind.model, record_id)
    if record is None or not (kind.may_see or can_see)(record, current_user):
        abort(404)
    return kind, record


def choices(kind: str, user: Any, query: str = "", ids: list[int] | tuple[int, ...] = (),
            limit: int = 20) -> list[RecordChoice]:
    """Records of type ``kind`` that ``user`` may see, from the plugin that declares them: matching
    ``query``, or among ``ids``. Empty when no enabled plugin declares the type."""
    if kind not in record_types() or not (query.strip() or ids):
        return []
    found = host().collect("observatory_record_choices", kind=kind, query=query[:100], ids=list(ids), user=user,
                           limit=limit)
    return [choice for choice in found if isinstance(choice, RecordChoice) and choice.kind == kind]
