"""Administration: users and their roles, what each role may do, and the plugins and their errors."""
from __future__ import annotations

from collections import Counter

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func, select

from ...audit.capture import record as audit
from ...audit.models import AuditEntry
from ...database.models import PluginFailure, Role, RolePermission, User
from ...extensions import db
from ...jobs import jobs as job_service
from ...languages.i18n import gettext as _
from ...plugin_host.failures import LOADING, recorded
from ...plugin_host.plugins import host
from ..forms import ConfirmForm, RoleForm, UserForm
from ..navigation import page_argument, page_size
from ..permissions import (
    ADMIN,
    declared_permissions,
    permission_required,
    role_label,
    role_permissions,
)
from ..security import hash_password
from ..sessions import active_sessions, end_all_sessions, start_session

blueprint = Blueprint("admin", __name__, url_prefix="/admin")

USERS, ROLES, PLUGINS = "core.users.manage", "core.roles.manage", "core.plugins.view"
PLUGIN_ERRORS = "core.plugins.manage"


def _roles() -> list[Role]:
    return list(db.session.scalars(select(Role).order_by(Role.id)))


def _user_form(user: User | None) -> UserForm:
    form = UserForm(obj=user, creating=user is None)
    form.roles.choices = [(role.id, role_label(role.name)) for role in _roles()]
    if user is not None and not form.is_submitted():
        form.roles.data = [role.id for role in user.roles]
    return form


def _email_taken(email: str, user: User | None) -> bool:
    query = select(func.count()).select_from(User).where(User.email == email)
    if user is not None:
        query = query.where(User.id != user.id)
    return db.session.scalar(query) > 0


def _save_user(form: UserForm, user: User | None) -> User | None:
    """Apply a valid form; returns None (with a field error) when the email is taken."""
    email = form.email.data.strip().lower()
    if _email_taken(email, user):
        form.email.errors.append(_("Another account already uses this email."))
        return None
    roles = [role for role in _roles() if role.id in (form.roles.data or [])]
    if user is not None and user.id == current_user.id and ADMIN not in {r.name for r in roles}:
        form.roles.errors.append(_("You cannot remove your own administrator role."))
        return None
    if user is None:
        user = User(password_hash="")
        db.session.add(user)
    user.email, user.name, user.roles = email, form.name.data.strip(), roles
    user.active = form.active.data or (user.id == current_user.id)
    if form.password.data:
        user.password_hash = hash_password(form.password.data)
    if user.id is not None and (form.password.data or not user.active):  # every browser of theirs logs in again
        end_all_sessions(user.id)
    db.session.commit()
    host().call("observatory_people_changed")
    if user.id == current_user.id and form.password.data:
        start_session(user)  # the admin's own browser goes on, on a new session
    return user


@blueprint.route("/users")
@permission_required(USERS)
def users():
    query = select(User).order_by(User.name, User.id)
    pagination = db.paginate(query, page=page_argument(), per_page=page_size(), error_out=False)
    return render_template("core/admin/users.html", pagination=pagination, role_label=role_label)


@blueprint.route("/users/new", methods=["GET", "POST"])
@permission_required(USERS)
def user_new():
    form = _user_form(None)
    if form.validate_on_submit() and (user := _save_user(form, None)):
        flash(_("The account of %(name)s was created.", name=user.name), "success")
        return redirect(url_for("admin.users"))
    return render_template("core/admin/user_form.html", form=form, user=None), 200 if not form.errors else 422


@blueprint.route("/users/<int:user_id>", methods=["GET", "POST"])
@permission_required(USERS)
def user_edit(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = _user_form(user)
    if form.validate_on_submit() and _save_user(form, user):
        flash(_("The account of %(name)s was saved.", name=user.name), "success")
        return redirect(url_for("admin.users"))
    return render_template(
        "core/admin/user_form.html", form=form, user=user, sessions=active_sessions(user.id)
    ), 200 if not form.errors else 422


@blueprint.route("/users/<int:user_id>/end-sessions", methods=["POST"])
@permission_required(USERS)
def user_end_sessions(user_id: int):
    """Log the user out of every browser at once (a lost laptop, a stolen cookie)."""
    user = db.session.get(User, user_id) or abort(404)
    if ConfirmForm().validate_on_submit():
        ended = end_all_sessions(user.id)
        db.session.commit()
        flash(_("Sessions of %(name)s logged out: %(count)d.", name=user.name, count=ended), "success")
        if user.id == current_user.id:
            return redirect(url_for("auth.login"))
    return redirect(url_for("admin.user_edit", user_id=user.id))


@blueprint.route("/users/<int:user_id>/reset-two-factor", methods=["POST"])
@permission_required(USERS)
def user_reset_two_factor(user_id: int):
    """For a lost phone: the user sets up a new authenticator at the next login."""
    user = db.session.get(User, user_id) or abort(404)
    if ConfirmForm().validate_on_submit():
        user.totp_enabled, user.totp_secret, user.recovery_codes = False, None, []
        end_all_sessions(user.id)
        db.session.commit()
        flash(_("Two-factor authentication of %(name)s was reset.", name=user.name), "success")
    return redirect(url_for("admin.user_edit", user_id=user.id))


@blueprint.route("/users/export", methods=["POST"])
@permission_required(USERS)
def users_export():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    job = job_service.enqueue("core.jobs.exports.export_users", title=_("Export of user accounts"), user=current_user)
    return redirect(url_for("jobs.show", job_id=job.id))


@blueprint.route("/roles")
@permission_required(ROLES)
def roles():
    roles = _roles()
    overrides = db.session.scalars(select(RolePermission)).all()
    granted = {role.id: role_permissions(role.name, [o for o in overrides if o.role_id == role.id]) for role in roles}
    permissions = sorted(declared_permissions().values(), key=lambda p: p.name)
    return render_template("core/admin/roles.html", roles=roles, granted=granted, permissions=permissions,
                           role_label=role_label)


@blueprint.route("/roles/<int:role_id>", methods=["GET", "POST"])
@permission_required(ROLES)
def role_edit(role_id: int):
    role = db.session.get(Role, role_id) or abort(404)
    declared = declared_permissions()
    form = RoleForm(obj=role)
    form.permissions.choices = [(name, f"{perm.label} ({name})") for name, perm in sorted(declared.items())]
    current = role_permissions(role.name, role.permission_overrides)
    if not form.is_submitted():
        form.permissions.data = sorted(current)
    if form.validate_on_submit():
        role.require_2fa = form.require_2fa.data
        if role.name != ADMIN:  # administrators always hold every permission
            _apply_permissions(role, set(form.permissions.data or []))
        db.session.commit()
        host().call("observatory_people_changed")
        flash(_("The role %(name)s was saved.", name=role_label(role.name)), "success")
        return redirect(url_for("admin.roles"))
    return render_template("core/admin/role_form.html", form=form, role=role, role_label=role_label,
                           is_admin_role=role.name == ADMIN), 200 if not form.errors else 422


def _apply_permissions(role: Role, wanted: set[str]) -> None:
    """Store only the differences from the declared defaults, so new defaults still reach the role."""
    declared = declared_permissions()
    for override in list(role.permission_overrides):
        if override.permission in declared:  # a disabled plugin's overrides are kept for its return
            role.permission_overrides.remove(override)
    db.session.flush()
    for name, perm in declared.items():
        default = role.name in perm.default_roles
        if (name in wanted) != default:
            role.permission_overrides.append(RolePermission(permission=name, granted=name in wanted))


@blueprint.route("/plugins")
@permission_required(PLUGINS)
def plugins():
    plugins = sorted(host().plugins.values(), key=lambda p: p.name)
    titles = {plugin.name: plugin.title for plugin in plugins}
    outputs = [(titles.get(name, name), output) for name, declared in host().call("observatory_outputs")
               for output in declared]
    failures = recorded(db.session)  # every process's, not only this one's
    failed = Counter(failure.plugin for failure in failures)
    return render_template("core/admin/plugins.html", plugins=plugins, outputs=outputs, failures=failures,
                           failed=failed, titles=titles, loading=LOADING)


@blueprint.route("/plugins/errors/<int:failure_id>/clear", methods=["POST"])
@permission_required(PLUGIN_ERRORS)
def plugin_error_clear(failure_id: int):
    """An admin clears an error that will not clear itself (a plugin removed or disabled, a failure that came from
    one record): audited, with what the row said."""
    failure = db.session.get(PluginFailure, failure_id) or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    kept = {name: [getattr(failure, name), None] for name in
            ("process_kind", "plugin", "hook", "message", "host", "pid", "count")}
    kept.update(first_seen=[failure.first_seen.isoformat(), None], last_seen=[failure.last_seen.isoformat(), None])
    audit(AuditEntry.DELETE, "plugin_failure", failure.id, f"{failure.plugin} {failure.hook}", kept)
    db.session.delete(failure)
    db.session.commit()
    flash(_("The error of %(plugin)s was cleared. It shows again if it happens again.", plugin=failure.plugin),
          "success")
    return redirect(url_for("admin.plugins", _anchor="errors"))
