"""The record types plugins declare, so attachments and links can point at any record; and the one way a page
opens a record: :func:`visible_record` (the record, or 404 for one the user may not see; a view of a restricted
record is audited)."""
from __future__ import annotations

from typing import Any, Callable, Iterable

from flask import abort, current_app, g, has_request_context, url_for
from flask_login import current_user
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload, selectinload

from ..audit.capture import record_view
from ..database.models import Role, User
from ..database.statements import built_once
from ..extensions import db
from ..plugin_host.contributions import RESTRICTED, RecordChoice, RecordType
from ..plugin_host.plugins import host
from ..web.permissions import can
from .visibility import assignee_ids, can_see, is_admin

AUDITED_VIEWS = "observatory_audited_views"  # on flask.g: the restricted records this request's audit rows name


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
    """The record, if the current user may see it (and edit it, when asked); 404 or 403 otherwise. Read through
    :func:`visible_record`: a restricted one's view is audited."""
    kind = record_types().get(record_type)
    if kind is None:
        abort(404)
    if not can(kind.edit_permission if edit else kind.view_permission):
        abort(403)
    return kind, visible_record(kind.model, record_id, load=lambda found_id: db.session.get(kind.model, found_id))


def may_see(record: Any, user: Any) -> bool:
    """Whether ``user`` may see ``record``: the rule its record type declares when wider than the core's
    (``RecordType(..., may_see=...)``: the grants committee sees every submitted request), else :func:`can_see`."""
    kind = record_types().get(record.__record_type__)
    return bool((kind.may_see if kind is not None and kind.may_see else can_see)(record, user))


def who_may_see(record: Any, user_ids: Iterable[int]) -> set[int]:
    """Of ``user_ids``, the active users who may see ``record``: its type's view permission, and for a restricted
    record an assignment or the admin role (:func:`may_see` for many users at once: a notice about a record goes
    only to those who may open it). Four queries whatever the number of users (the users, their roles, the
    roles' overrides, the record's assignees); a type's wider ``may_see`` rule is asked only of the users the
    core's rule refuses."""
    ids = set(user_ids)
    if not ids:
        return set()
    kind = record_types().get(record.__record_type__)
    users = db.session.scalars(select(User).where(User.id.in_(ids), User.active.is_(True)).options(
        selectinload(User.roles).selectinload(Role.permission_overrides))).all()
    allowed = [user for user in users if kind is not None and can(kind.view_permission, user)]
    if record.confidentiality != RESTRICTED:
        return {user.id for user in allowed}
    assigned = assignee_ids(record)
    seen = {user.id for user in allowed if user.id in assigned or is_admin(user)}
    if kind is not None and kind.may_see:
        seen |= {user.id for user in allowed if user.id not in seen and kind.may_see(record, user)}
    return seen


def visible_record(model: Any, record_id: int, *options: Any, load: Callable[[int], Any] | None = None) -> Any:
    """The record of ``model`` numbered ``record_id`` if the current user may see it (:func:`may_see`); 404 for a
    missing one and for one they may not see, with no hint that it exists. Opening a restricted record is a view
    the audit trail keeps, written here (once per record and request), so no page can forget it.

    The record is read with its country, or with the loader ``options`` given
    (``visible_record(Mission, mission_id, selectinload(Mission.delegates))``), or by ``load(record_id)`` for a
    page with a statement of its own (None when there is no such record); a child's page (an action of a case)
    checks its parent with ``load=lambda _id: action.case``.
    """
    if load is not None:
        record = load(record_id)
    elif options:
        record = db.session.get(model, record_id, options=list(options))
    else:
        record = db.session.scalar(_record_statement(model), {"record_id": record_id})
    if record is None or not may_see(record, current_user):
        abort(404)
    _audit_view(record)
    return record


@built_once
def _record_statement(model: Any) -> Select:
    """A record by id, with its country if it has one: built once per model (``session.get`` builds its
    statement, and the statement's cache key, anew on every call)."""
    statement = select(model).where(model.id == bindparam("record_id"))
    return statement.options(joinedload(model.country)) if hasattr(model, "country") else statement


def _audit_view(record: Any) -> None:
    """One audit row for a view of a restricted record, however many times the request opens it (a form that
    failed reads its record again to show it with its errors)."""
    if getattr(record, "confidentiality", None) != RESTRICTED:
        return
    key = (record.__record_type__, record.id)
    audited = g.setdefault(AUDITED_VIEWS, set())
    if key not in audited:
        audited.add(key)
        record_view(record.__record_type__, record.id, record.name)


def choices(kind: str, user: Any, query: str = "", ids: list[int] | tuple[int, ...] = (),
            limit: int = 20) -> list[RecordChoice]:
    """Records of type ``kind`` that ``user`` may see, from the plugin that declares them: matching
    ``query``, or among ``ids``. Empty when no enabled plugin declares the type."""
    if kind not in record_types() or not (query.strip() or ids):
        return []
    found = host().collect("observatory_record_choices", kind=kind, query=query[:100], ids=list(ids), user=user,
                           limit=limit)
    return [choice for choice in found if isinstance(choice, RecordChoice) and choice.kind == kind]
