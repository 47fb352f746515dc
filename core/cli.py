"""The ``observatory`` command: Flask's commands (run, db, shell) plus the core's and the plugins'."""
from __future__ import annotations

import secrets
import time

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from flask_babel import force_locale
from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError

from .database.models import Role, User
from .extensions import db
from .kit import new_plugin_command, translations_group
from .plugin_host.failures import CLI, LOADING, SCHEDULER, WEB, WORKER, recorded
from .plugin_host.plugins import host
from .web.permissions import ADMIN, BUILTIN_ROLES
from .web.security import hash_password, password_problem

DEMO_ADMIN_EMAIL = "admin@example.org"


#: The kind of process a command runs in, named with the plugin failures it records (any other command: "cli").
PROCESS_OF_COMMAND = {"worker": WORKER, "scheduler": SCHEDULER, "run": WEB}


def _create_app():
    from . import create_app
    from .config import ConfigError

    # The worker, the scheduler and Flask's run are commands of this group itself, so the app is built once the
    # command is known (inside its context): their start-up failures are recorded under their own kind.
    context = click.get_current_context(silent=True)
    kind = PROCESS_OF_COMMAND.get(context.info_name if context else "", CLI)
    try:
        return create_app({"PROCESS_KIND": kind})
    except ConfigError as error:  # one line naming the setting, not a traceback
        raise click.ClickException(str(error)) from None


@click.group(cls=FlaskGroup, create_app=_create_app, help="Observatory: manage and serve the application.")
def main() -> None:
    pass


main.add_command(new_plugin_command)  # needs no application: an author runs it before any configuration


@click.command("plugins")
@with_appcontext
def plugins_command() -> None:
    """List plugins with their version, status (in this process) and the hooks they implement, and the errors
    recorded by every process (web, worker, scheduler, cli) until they are fixed or cleared."""
    plugins = host().plugins
    try:
        failures = recorded(db.session)
    except SQLAlchemyError as error:
        db.session.rollback()
        click.echo("the errors recorded by other processes could not be read: "
                   f"{str(error).splitlines()[0]}; this process's own follow", err=True)
        failures = None
    for name in sorted(set(plugins) | {failure.plugin for failure in failures or ()}):
        info = plugins.get(name)
        if info is None:
            click.echo(f"{name:<16} {'-':<10} {'-':<9} (not installed for this process)")
        else:
            click.echo(f"{info.name:<16} {info.version or '-':<10} {info.status:<9} {', '.join(info.hooks) or '-'}")
        if failures is None:
            for error in info.errors if info else ():
                click.echo(f"    error: {error.splitlines()[-1] if error else ''}")
            continue
        for failure in (failure for failure in failures if failure.plugin == name):
            where = "loading" if failure.hook == LOADING else failure.hook
            click.echo(f"    error in {where} ({failure.process_kind} on {failure.host}, pid {failure.pid}; "
                       f"{failure.count}x, first {failure.first_seen:%Y-%m-%d %H:%M}, "
                       f"last {failure.last_seen:%Y-%m-%d %H:%M} UTC): {failure.message}")


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Run an rq worker for the application's queue (needs OBSERVATORY_REDIS_URL). Each job runs in a process of
    its own (rq's work-horse) while this one sends rq its heartbeats: when the worker stops, however it stops, the
    heartbeat lapses and the job is marked failed (see core.jobs.jobs.fail_stopped_jobs, run here first)."""
    from redis.exceptions import RedisError
    from rq import Worker

    from .jobs.jobs import check_stopped_jobs, queue

    job_queue = queue()
    if job_queue is None:
        raise click.ClickException("OBSERVATORY_REDIS_URL is not set: jobs run inline, no worker is needed.")
    try:
        stopped = check_stopped_jobs()
    except (SQLAlchemyError, RedisError) as error:  # left to the next check (the scheduler's, a page's)
        click.echo(f"the stopped jobs were not checked: {str(error).splitlines()[0]}", err=True)
    else:
        if stopped:
            click.echo(f"{stopped} job(s) whose worker had stopped marked failed")
    db.session.remove()
    db.engine.dispose()  # each work-horse is forked from this process: none may share its database connections
    Worker([job_queue], connection=job_queue.connection).work(burst=burst)


@click.command("scheduler")
@click.option("--show", is_flag=True, help="Print when each task runs next, and stop.")
@with_appcontext
def scheduler_command(show: bool) -> None:
    """Put the scheduled tasks (monthly bulletin, daily reminders) on the job queue when they come due; run
    it next to `observatory worker` (needs OBSERVATORY_REDIS_URL)."""
    from flask import current_app

    from .jobs.schedule import cron_scheduler, invalid_expressions, next_runs

    bad = invalid_expressions(current_app)
    if bad:
        raise click.ClickException("invalid cron expression(s): " + ", ".join(bad))
    for task, when in next_runs(current_app).items():
        click.echo(f"{task}: next run {when.isoformat()}")
    if show:
        return
    try:
        scheduler = cron_scheduler(current_app)
    except RuntimeError as error:
        raise click.ClickException(str(error)) from error
    scheduler.start()


def _roles_named(names: list[str]) -> list[Role]:
    roles = db.session.scalars(select(Role).where(Role.name.in_(names))).all()
    missing = set(names) - {role.name for role in roles}
    if missing:
        raise click.BadParameter(f"unknown role(s): {', '.join(sorted(missing))}", param_hint="--role")
    return list(roles)


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", "roles", multiple=True, type=click.Choice(BUILTIN_ROLES), help="Repeat for several roles.")
@click.password_option(help="Asked for when not given; at least 12 characters.")
@with_appcontext
def create_user_command(email: str, name: str, roles: tuple[str, ...], password: str) -> None:
    """Create a user account (the way real deployments create their first admin)."""
    email = email.strip().lower()
    if len(password) < 12:
        raise click.BadParameter("at least 12 characters", param_hint="--password")
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):  # no request to take a language from
        problem = password_problem(password, [email, name])
    if problem:
        raise click.BadParameter(problem, param_hint="--password")
    if db.session.scalar(select(func.count()).select_from(User).where(User.email == email)):
        raise click.ClickException(f"an account already uses {email}")
    user = User(email=email, name=name, password_hash=hash_password(password), roles=_roles_named(list(roles)))
    db.session.add(user)
    db.session.commit()
    click.echo(f"Created {email} ({', '.join(roles) or 'no role'}).")


def _has_accounts() -> bool:
    return bool(db.session.scalar(select(func.count()).select_from(User)))


def _has_records() -> bool:
    from .records.models import Defender

    return bool(db.session.scalar(select(func.count()).select_from(Defender)))


def _load_demo_records(scale: int) -> None:
    from .plugin_host.gather import load_demo_data

    started = time.perf_counter()
    messages = load_demo_data(scale)
    db.session.commit()
    db.session.execute(text("ANALYZE"))  # fresh statistics, so the planner picks the right indexes
    db.session.commit()
    for message in messages:
        click.echo(f"Demo data: {message}")
    click.echo(f"Loaded in {time.perf_counter() - started:.1f} s.")


@click.command("demo-data")
@click.option("--scale", type=click.IntRange(1, 10000), default=1, show_default=True,
              help="Multiply the demo size (1: about 300 defenders and 100 partners; 250: about 100,000 records).")
@click.option("--if-empty", is_flag=True, help="Do nothing when there are records already.")
@with_appcontext
def demo_data_command(scale: int, if_empty: bool) -> None:
    """Load fictional demo records from the core and every plugin (bulk inserts)."""
    if _has_records():
        if if_empty:
            click.echo("The database already has records: no demo data loaded.")
            return
        raise click.ClickException("The database already has records; demo data goes only into an empty one.")
    _load_demo_records(scale)


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has accounts.")
@with_appcontext
def demo_command(if_empty: bool) -> None:
    """Create a demo admin with a random password (printed once) and load the demo records."""
    if _has_accounts():
        if if_empty:
            click.echo("The database already has accounts: no demo data loaded.")
            return
        raise click.ClickException("The database is not empty; demo data goes only into an empty database.")
    password = secrets.token_urlsafe(12)
    db.session.add(User(email=DEMO_ADMIN_EMAIL, name="Demo Administrator", password_hash=hash_password(password),
                        roles=_roles_named([ADMIN])))
    db.session.flush()
    if not _has_records():
        _load_demo_records(1)
    db.session.commit()
    click.echo("")
    click.echo("=" * 64)
    click.echo(f"  Log in at {current_app.config['BASE_URL']}/login")
    click.echo(f"  email:    {DEMO_ADMIN_EMAIL}")
    click.echo(f"  password: {password}")
    click.echo("  (shown once; set up two-factor authentication when asked)")
    click.echo("=" * 64)


def _reindex_keyed() -> None:
    """Rebuild both indexes keyed by the secret key (the disclosure guard's phone and address indexes): after a
    key change each refuses outputs until rebuilt, so one command rebuilds both."""
    from .disclosure import addresses, phones

    click.echo(f"Phone index rebuilt: {phones.reindex_all()} defenders and partners hold a number.")
    click.echo(f"Address index rebuilt: {addresses.reindex_all()} defenders hold an address, exact location or family.")


@click.command("reindex-addresses")
@with_appcontext
def reindex_addresses_command() -> None:
    """Rebuild the disclosure guard's address and phone indexes (keyed by the secret key: run it after changing
    the key)."""
    _reindex_keyed()


@click.command("reindex-phones")
@with_appcontext
def reindex_phones_command() -> None:
    """The same as reindex-addresses (kept for scripts written before it rebuilt both indexes)."""
    _reindex_keyed()


for _command in (worker_command, scheduler_command):  # on the group itself: see _create_app
    main.add_command(_command)

CORE_COMMANDS = [plugins_command, worker_command, scheduler_command, create_user_command, demo_command, demo_data_command,
                 reindex_phones_command, reindex_addresses_command, translations_group]


if __name__ == "__main__":
    main()
