"""Roles, permissions and the access rule that every route must declare.

Each view carries exactly one rule: :func:`public` (login page, health check), :func:`login_only`
(a user's own account pages) or :func:`permission_required`. A ``before_request`` hook enforces
it, and a route with no rule answers 403: forgetting a rule can never open a page.
"""
from __future__ import annotations

from functools import cache
from typing import Any, Callable, Iterable, TypeVar

from flask import Flask, abort, current_app, g, request
from flask_login import current_user
from werkzeug.local import LocalProxy

from ..database.models import RolePermission, User
from ..languages.i18n import lazy_gettext as _l
from ..plugin_host.contributions import Permission
from ..plugin_host.plugins import host

ADMIN, COORDINATOR, CASE_OFFICER, COMMITTEE, READ_ONLY = "admin", "coordinator", "case_officer", "committee", "readonly"
BUILTIN_ROLES = (ADMIN, COORDINATOR, CASE_OFFICER, COMMITTEE, READ_ONLY)
ROLE_LABELS = {
    ADMIN: _l("Administrator"),
    COORDINATOR: _l("Coordinator"),
    CASE_OFFICER: _l("Case officer"),
    COMMITTEE: _l("Committee member"),
    READ_ONLY: _l("Read-only"),
}

PUBLIC_RULE = "public"
LOGIN_RULE = "login"
RULE_ATTRIBUTE = "_observatory_access"

View = TypeVar("View", bound=Callable[..., Any])


def role_label(name: str) -> Any:
    return ROLE_LABELS.get(name, name)


def _with_rule(rule: str) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        setattr(view, RULE_ATTRIBUTE, rule)
        return view

    return decorate


public = _with_rule(PUBLIC_RULE)
login_only = _with_rule(LOGIN_RULE)


def permission_required(name: str) -> Callable[[View], View]:
    """Allow the view to users who hold permission ``name``."""
    return _with_rule(name)


def access_rule(app: Flask, endpoint: str | None) -> str | None:
    """The rule declared for ``endpoint``; static files are public."""
    if endpoint is None:
        return None
    if endpoint == "static" or endpoint.endswith(".static"):
        return PUBLIC_RULE
    view = app.view_functions.get(endpoint)
    return getattr(view, RULE_ATTRIBUTE, None)


# -- permission catalogue ----------------------------------------------------------------------

def declared_permissions(app: Flask | None = None) -> dict[str, Permission]:
    """Every permission the active plugins declare, by name (computed once per app)."""
    app = app or current_app
    cached = app.extensions.get("observatory.permissions")
    if cached is None:
        cached = {p.name: p for p in host(app).collect("observatory_permissions")}
        app.extensions["observatory.permissions"] = cached
    return cached


def role_permissions(role_name: str, overrides: Iterable[RolePermission]) -> set[str]:
    """A role's effective permissions: its defaults, changed by the admin's overrides."""
    declared = declared_permissions()
    if role_name == ADMIN:
        return set(declared)
    granted = {name for name, perm in declared.items() if role_name in perm.default_roles}
    for override in overrides:
        if override.permission not in declared:
            continue
        (granted.add if override.granted else granted.discard)(override.permission)
    return granted


def user_permissions(user: User) -> frozenset[str]:
    """The union of the user's roles' permissions, worked out once per request."""
    if isinstance(user, LocalProxy):
        user = user._get_current_object()
    if not user or not getattr(user, "is_authenticated", False):
        return frozenset()
    cache = g.setdefault("_observatory_permissions", {})
    if user.id not in cache:
        # The request's user comes with their roles' overrides (core.web.sessions.load_user); another user's are
        # read role by role.
        names: set[str] = set()
        for role in user.roles:
            names |= role_permissions(role.name, role.permission_overrides)
        cache[user.id] = frozenset(names)
    return cache[user.id]


def holders(permission: str, *, admins: bool = False) -> list[User]:
    """Active users whose roles grant ``permission`` (by default or by the admins' overrides), by name, in
    one query. Admins hold every permission; ``admins`` says whether they count (a committee is a body of
    its own, which the admins' blanket grant does not make them part of)."""
    from ..extensions import db

    defaults = tuple(sorted(declared_permissions()[permission].default_roles))
    return list(db.session.scalars(_holders_statement(permission, defaults, admins)).unique())


def holder_ids(permission: str, *, admins: bool = False) -> Any:
    """The ids of :func:`holders` as a statement to put inside another (a committee counted in the same query
    as the requests it votes on, rather than read first)."""
    defaults = tuple(sorted(declared_permissions()[permission].default_roles))
    return _holder_ids_statement(permission, defaults, admins)


@cache
def _holder_ids_statement(permission: str, defaults: tuple[str, ...], admins: bool) -> Any:
    return _holders_statement(permission, defaults, admins).with_only_columns(User.id).order_by(None).distinct()


@cache
def _holders_statement(permission: str, defaults: tuple[str, ...], admins: bool) -> Any:
    """Built once per permission, its default roles and ``admins`` (a committee's tally asks on every view)."""
    from sqlalchemy import and_, or_, select
    from sqlalchemy.orm import aliased, lazyload

    from ..database.models import Role, user_roles

    override = aliased(RolePermission)
    granting_role = or_(override.granted.is_(True), and_(Role.name.in_(defaults), override.id.is_(None)))
    query = (select(User).join(user_roles, user_roles.c.user_id == User.id).join(Role, Role.id == user_roles.c.role_id)
             .outerjoin(override, and_(override.role_id == Role.id, override.permission == permission))
             .where(User.active.is_(True)).order_by(User.name, User.id).options(lazyload("*")))
    admin_users = select(user_roles.c.user_id).join(Role, Role.id == user_roles.c.role_id).where(Role.name == ADMIN)
    if admins:
        return query.where(or_(granting_role, Role.name == ADMIN))
    return query.where(Role.name != ADMIN, granting_role, User.id.not_in(admin_users))


def the_user(user: Any = None) -> Any:
    """``user`` itself rather than Flask-Login's ``current_user`` proxy (default: the current user). Every use
    of the proxy looks the user up again (2 µs); functions that read the user many times (permissions,
    visibility, the hooks' gathering) resolve it once."""
    if user is None:
        return current_user._get_current_object()
    return user._get_current_object() if isinstance(user, LocalProxy) else user


def can(permission: str | None, user: Any = None) -> bool:
    """Whether ``user`` (default: the current user) holds ``permission``; ``None`` means any user."""
    user = the_user(user)
    if not getattr(user, "is_authenticated", False):
        return False
    return permission is None or permission in user_permissions(user)


def enforce_access_rule() -> Any:
    """``before_request``: apply the endpoint's rule; 401 to the login page, 403 otherwise."""
    rule = access_rule(current_app, request.endpoint)
    if request.endpoint is None or rule == PUBLIC_RULE:
        return None  # unknown URLs fall through to the 404 handler
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if rule is None:
        current_app.logger.error("route %s declares no access rule; refused", request.endpoint)
        abort(403)
    if rule != LOGIN_RULE and not can(rule):
        abort(403)
    return None

