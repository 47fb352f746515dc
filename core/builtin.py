"""The core's own features, registered as the plugin ``core`` through the same hooks as any other."""
from __future__ import annotations

from flask import Flask, url_for
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import Select, bindparam, or_, select

from .database.models import Job, User, utcnow
from .database.statements import built_once, read_rows
from .extensions import db
from .jobs import jobs as job_runs
from .languages.i18n import lazy_gettext as _l
from .plugin_host.contributions import NavItem, Permission, SearchHit, Widget
from .plugin_host.hookspecs import hookimpl
from .web.navigation import id_url
from .web.permissions import ADMIN, CASE_OFFICER, COORDINATOR, READ_ONLY, can, role_label

TITLE = _l("Core")
DESCRIPTION = _l("Accounts, roles, languages, jobs and the plugin host.")

ADMIN_GROUP = _l("Administration")
PUBLICATIONS_GROUP = _l("Publications")
JOB_STATUS = {Job.QUEUED: _l("Waiting"), Job.RUNNING: _l("Running"), Job.FINISHED: _l("Finished"),
              Job.FAILED: _l("Failed")}
#: Items per dashboard list: the most pressing few, each widget linking to the whole list.
WIDGET_ROWS = 5
PLUGIN_STATUS = {"active": _l("Active"), "disabled": _l("Disabled"), "failed": _l("Failed")}
#: The kinds of process a plugin failure is recorded by (core.plugin_host.failures).
PROCESS_KINDS = {"web": _l("Web application"), "worker": _l("Job worker"), "scheduler": _l("Scheduler"),
                 "cli": _l("Command line")}


@hookimpl
def observatory_blueprints():
    from .calendar import views as calendar
    from .jobs import views as jobs
    from .publications import annual_views as annual_report
    from .publications import statistics_views as statistics
    from .publications import views as publications
    from .web.views import account, admin, auth, main

    return [main.blueprint, auth.blueprint, account.blueprint, jobs.blueprint, admin.blueprint, calendar.blueprint,
            statistics.blueprint, publications.blueprint, annual_report.blueprint]


@hookimpl
def observatory_permissions():
    return [
        Permission("core.users.manage", _l("Manage user accounts"), _l("Create, edit and lock accounts."), (ADMIN,)),
        Permission("core.roles.manage", _l("Manage roles"), _l("Choose what each role may do."), (ADMIN,)),
        Permission("core.plugins.view", _l("See plugins"), _l("See loaded plugins and their errors."), (ADMIN,)),
        Permission("core.plugins.manage", _l("Clear plugin errors"),
                   _l("Clear an error a plugin raised once it is fixed or the plugin is gone."), (ADMIN,)),
        Permission("core.jobs.manage", _l("Manage all jobs"), _l("See and retry everyone's jobs."), (ADMIN,)),
        Permission("core.publications.view", _l("See and download publications"),
                   _l("The monthly bulletin and the annual report, built from every feature's public records."),
                   (COORDINATOR, CASE_OFFICER, READ_ONLY)),
        Permission("core.publications.edit", _l("Edit and publish the publications"),
                   _l("The bulletin's introduction, order and items left out; the annual report's foreword and "
                      "thematic chapters; publishing both, and building a month's bulletin files."), (COORDINATOR,)),
    ]


@hookimpl
def observatory_nav_items():
    return [
        NavItem(_l("Users"), "admin.users", "core.users.manage", order=900, group=ADMIN_GROUP),
        NavItem(_l("Roles"), "admin.roles", "core.roles.manage", order=910, group=ADMIN_GROUP),
        NavItem(_l("Plugins"), "admin.plugins", "core.plugins.view", order=920, group=ADMIN_GROUP),
        NavItem(_l("Upcoming"), "calendar.upcoming", None, order=700),
        NavItem(_l("Statistics"), "statistics.index", None, order=710),
        NavItem(_l("Monthly bulletin"), "publications.bulletin", "core.publications.view", order=720,
                group=PUBLICATIONS_GROUP),
        NavItem(_l("Annual report"), "annual_report.index", "core.publications.view", order=730,
                group=PUBLICATIONS_GROUP),
    ]


@hookimpl
def observatory_dashboard_widgets(user):
    recent = read_rows(_recent_jobs_statement(), {"user_id": user.id}).all()
    if job_runs.refresh(recent):  # a job whose worker stopped shows as failed, not as running for good
        recent = read_rows(_recent_jobs_statement(), {"user_id": user.id}).all()
    from .calendar.deadlines import upcoming

    return [
        Widget(_l("Coming up"), "core/widgets/upcoming.html", {"items": upcoming(user, 14, limit=WIDGET_ROWS)},
               order=1),
        Widget(_l("My recent jobs"), "core/widgets/jobs.html", {"jobs": recent}, order=900),
    ]


@built_once
def _recent_jobs_statement() -> Select:
    """The user's five latest jobs, as the dashboard lists them."""
    return select(Job.id, Job.title, Job.status, Job.created_at, Job.runner).where(Job.created_by_id == bindparam("user_id")) \
        .order_by(Job.created_at.desc(), Job.id.desc()).limit(5)


@hookimpl
def observatory_search(query, user, limit):
    if not can("core.users.manage", user):
        return []
    needle = query.lower()
    users = db.session.scalars(
        select(User)
        .where(or_(db.func.lower(User.name).contains(needle, autoescape=True),
                   User.email.contains(needle, autoescape=True)))
        .order_by(User.name)
        .limit(limit)
    )
    kind = str(_l("User account"))
    return [SearchHit(u.name, url_for("admin.user_edit", user_id=u.id), kind, u.email, "core.users.manage")
            for u in users]


@hookimpl
def observatory_cli_commands():
    from . import cli

    return cli.CORE_COMMANDS


def init_templates(app: Flask) -> None:
    """Template helpers: navigation, permissions and locale-aware formatting."""
    from .languages import i18n
    from .languages.money import format_money
    from .plugin_host import gather
    from .web import form_html
    from .web.forms import ConfirmForm, LanguageForm
    from .web.pagination import page_links

    app.jinja_env.globals["options"] = form_html.options
    app.jinja_env.globals["blank_fields"] = form_html.blank_fields
    app.jinja_env.globals["csrf_field"] = form_html.csrf_field
    app.jinja_env.globals["hidden_inputs"] = form_html.hidden_inputs
    app.jinja_env.globals["id_url"] = id_url
    app.jinja_env.globals["month_names"] = i18n.month_names
    # the language as a function, so that a fragment (whose key holds the language) may write it too
    app.jinja_env.globals["language_code"] = lambda: str(get_locale() or "en")
    app.jinja_env.globals["page_links"] = page_links
    app.jinja_env.globals["job_status"] = lambda status: JOB_STATUS.get(status, status)
    @app.context_processor
    def layout_context():
        nav = gather.nav_items(current_user) if current_user.is_authenticated else []
        return {
            "nav_items": [item for item in nav if item.group is None],
            "nav_groups": _grouped([item for item in nav if item.group is not None]),
            "can": can,
            "language_names": i18n.LANGUAGE_NAMES,
            "language_form": LanguageForm(formdata=None),
            "logout_form": ConfirmForm(formdata=None),
            "current_locale": str(get_locale()),
            "role_label": role_label,
            "plugin_status": lambda status: PLUGIN_STATUS.get(status, status),
            "process_kind": lambda kind: PROCESS_KINDS.get(kind, kind),
            "now": utcnow(),
            "unread_notifications": _unread(current_user),
        }

    app.jinja_env.filters.update(
        date=i18n.format_date, datetime=i18n.format_datetime, number=i18n.format_number, currency=format_money,
        time=i18n.format_time,
    )


def _unread(user) -> int:
    """Counted with the user when the session loaded them; counted now otherwise (just logged in)."""
    from .notifications.services import unread_count

    if not user.is_authenticated:
        return 0
    counted = getattr(user, "unread_notifications", None)
    return counted if counted is not None else unread_count(user)


def _grouped(items: list[NavItem]) -> list[tuple[str, list[NavItem]]]:
    groups: dict[str, list[NavItem]] = {}
    for item in items:
        groups.setdefault(str(item.group), []).append(item)
    return list(groups.items())


@hookimpl
def observatory_demo_data(scale):
    from .publications.demo import load

    return load()


@hookimpl
def observatory_outputs():
    from .disclosure.outputs import core_outputs

    return core_outputs()


@hookimpl
def observatory_free_text():
    from .disclosure.outputs import core_free_text

    return core_free_text()
