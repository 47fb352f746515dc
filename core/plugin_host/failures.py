"""Plugin failures that every process sees: kept in the database (:class:`~core.database.models.PluginFailure`),
not in the memory of the process they happened in, so that the admins' plugins page and ``observatory plugins``
show what failed in an rq worker, the scheduler, the command line or another app process.

A failure is written in a transaction of its own (never the caller's, which may hold half-done work or be broken
by the very error), as one row per process kind, plugin and hook: a repeat counts on that row. During a web
request it waits, with the clearing of fixed failures, until the request's database session has ended
(:meth:`FailureLog.defer` and :meth:`FailureLog.write_deferred`, installed by the app around each request): on
SQLite a request that has written holds the database's only write lock until then, and a second connection would
wait for it (the busy timeout) and give up. A worker's job does the same (:func:`core.jobs.jobs.execute`);
elsewhere (commands, start-up, the scheduler) a failure is written at once. It keeps
the exception's type and the first line of its message, cut short, never a traceback (a traceback's lines and a
database error's parameters may quote the records being worked on).

"Fixed" means: a plugin that failed to load is loaded by the next process of the same kind that starts; a hook
that raised answers without raising in a process of the same kind. Each process reads, as it starts (and a forked
child, such as an rq work-horse, at its first hook call), which rows of its kind exist; a call that succeeds for
one of those deletes its row, so a call that succeeds costs nothing more otherwise. An admin's *Clear* removes a
row that cannot come back by itself (a plugin removed, or disabled).

With the database out of reach (or its table not created yet) a failure is only logged: nothing here raises, and
nothing here calls a hook or records a failure of its own.
"""
from __future__ import annotations

import logging
import os
import socket
from contextvars import ContextVar
from typing import Any

from flask import g, has_app_context
from sqlalchemy import Engine, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from ..database.models import PluginFailure, utcnow

log = logging.getLogger(__name__)

WEB, WORKER, SCHEDULER, CLI = "web", "worker", "scheduler", "cli"
PROCESS_KINDS = (WEB, WORKER, SCHEDULER, CLI)
#: The ``hook`` of a failure to load: an import error, a plugin API version refused, a hook that does not exist.
LOADING = "(loading)"
MESSAGE_LENGTH = 500

_recording: ContextVar[bool] = ContextVar("observatory_recording_plugin_failure", default=False)
#: Where a web request keeps what it will write once its session has ended: ``(plugin, hook, message)``, in order;
#: a message of None means the hook answered (its failure, if recorded, is cleared).
DEFERRED = "observatory_plugin_failures"


def describe(exc: BaseException) -> str:
    """The exception's type and the first line of its message (a database error's SQL and parameters follow on
    other lines), cut to :data:`MESSAGE_LENGTH`."""
    lines = str(exc).strip().splitlines()
    return shorten(f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__)


def shorten(message: str) -> str:
    return message if len(message) <= MESSAGE_LENGTH else message[:MESSAGE_LENGTH - 1] + "…"


class FailureLog:
    """One process's writer of plugin failures (held by its :class:`~core.plugin_host.plugins.PluginHost`).

    Failures seen before the database is set up (while plugins load) wait in memory until :meth:`start`.
    """

    def __init__(self, kind: str = WEB) -> None:
        if kind not in PROCESS_KINDS:
            raise ValueError(f"unknown process kind {kind!r}: one of {', '.join(PROCESS_KINDS)}")
        self.kind = kind
        self.engine: Engine | None = None
        self.pending: list[tuple[str, str, str]] = []
        self.failing: set[tuple[str, str]] | None = None  # rows of this kind known to exist; None: not known
        self._read_in = os.getpid()  # a forked child reads the table again

    def start(self, engine: Engine, loaded: list[str]) -> None:
        """The database is set up: write the failures seen while loading, delete the loading failures of the
        plugins this process ``loaded``, and read which rows of this kind exist."""
        self.engine = engine
        pending, self.pending = self.pending, []
        self._read()
        for plugin, hook, message in pending:
            self.record(plugin, hook, message)
        fixed = [plugin for plugin in loaded if (plugin, LOADING) in (self.failing or ())]
        if fixed:
            self._delete([(plugin, LOADING) for plugin in fixed])

    def record(self, plugin: str, hook: str, message: str) -> None:
        """Write one failure (or count it on its row); on any database error, log it and carry on."""
        if self.engine is None:
            self.pending.append((plugin, hook, message))
            return
        deferred = _deferred()
        if deferred is not None:
            deferred.append((plugin, hook, message))
            return
        self._write(plugin, hook, message)

    def _write(self, plugin: str, hook: str, message: str) -> None:
        if _recording.get():  # a failure while writing one: never loop
            log.warning("the failure of plugin %s in %s was not recorded (it happened while recording another): %s",
                        plugin, hook, message)
            return
        token = _recording.set(True)
        try:
            with self.engine.begin() as connection:
                connection.execute(self._upsert(connection.dialect.name, plugin, hook, shorten(message)))
        except SQLAlchemyError as error:
            log.warning("the failure of plugin %s in %s was not recorded in the database (%s): %s", plugin, hook,
                        str(error).splitlines()[0], message)
        else:
            if self.failing is None:
                self.failing = set()
            self.failing.add((plugin, hook))
        finally:
            _recording.reset(token)

    def succeeded(self, plugin: str, hook: str) -> None:
        """``plugin``'s ``hook`` answered: delete its row of this kind, if there is one (no query otherwise)."""
        if self._read_in != os.getpid() and self.engine is not None:
            self._read()
        deferred = _deferred()
        if deferred is None:
            if self.failing and (plugin, hook) in self.failing:
                self._delete([(plugin, hook)])
            return
        last = next((message for p, h, message in reversed(deferred) if (p, h) == (plugin, hook)), "")
        if last is not None and (last or (self.failing and (plugin, hook) in self.failing)):
            deferred.append((plugin, hook, None))  # it failed earlier in this request, or was recorded before

    @staticmethod
    def defer() -> None:
        """``before_request``: keep this request's failures until :meth:`write_deferred`."""
        g.setdefault(DEFERRED, [])

    def write_deferred(self) -> None:
        """Write what the current request deferred, in order: call it once the request's session has ended."""
        for plugin, hook, message in g.pop(DEFERRED, None) or ():
            if message is not None:
                self._write(plugin, hook, message)
            elif self.failing and (plugin, hook) in self.failing:
                self._delete([(plugin, hook)])

    def _upsert(self, dialect: str, plugin: str, hook: str, message: str) -> Any:
        now, table = utcnow(), PluginFailure.__table__
        values = {"process_kind": self.kind, "plugin": plugin, "hook": hook, "message": message,
                  "host": socket.gethostname()[:255], "pid": os.getpid(), "count": 1, "first_seen": now,
                  "last_seen": now}
        changes = {"message": message, "host": values["host"], "pid": values["pid"], "last_seen": now,
                   "count": table.c.count + 1}
        insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}.get(dialect)
        if insert is None:  # no other database is supported; a plain insert still records the first
            return table.insert().values(values)
        statement = insert(table).values(values)
        return statement.on_conflict_do_update(index_elements=["process_kind", "plugin", "hook"], set_=changes)

    def _read(self) -> None:
        self._read_in = os.getpid()  # a forked child reads the table again
        try:
            with self.engine.connect() as connection:
                rows = connection.execute(select(PluginFailure.plugin, PluginFailure.hook)
                                          .where(PluginFailure.process_kind == self.kind)).all()
        except SQLAlchemyError as error:
            log.info("the recorded plugin failures could not be read: %s", str(error).splitlines()[0])
            return
        self.failing = {(plugin, hook) for plugin, hook in rows}

    def _delete(self, keys: list[tuple[str, str]]) -> None:
        token = _recording.set(True)
        try:
            with self.engine.begin() as connection:
                for plugin, hook in keys:
                    connection.execute(delete(PluginFailure).where(
                        PluginFailure.process_kind == self.kind, PluginFailure.plugin == plugin,
                        PluginFailure.hook == hook))
        except SQLAlchemyError as error:
            log.warning("a fixed plugin failure could not be cleared: %s", str(error).splitlines()[0])
            return
        finally:
            _recording.reset(token)
        for key in keys:
            self.failing.discard(key)
        for plugin, hook in keys:
            log.info("plugin %s answers %s again in this %s process: its recorded failure is cleared", plugin, hook,
                     self.kind)


def _deferred() -> list[tuple[str, str, str | None]] | None:
    """The current web request's deferred failures, or None outside a web request (write at once)."""
    return g.get(DEFERRED) if has_app_context() else None


def recorded(session: Any) -> list[PluginFailure]:
    """Every recorded failure, the latest first (one query)."""
    return list(session.scalars(select(PluginFailure).order_by(PluginFailure.last_seen.desc(), PluginFailure.id)))
