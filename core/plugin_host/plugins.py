"""The plugin host: one pluggy manager per application, loading, validation and isolation.

Plugins come from the ``observatory.plugins`` entry-point group (our own four are declared
there exactly as a third-party package would declare its own). A plugin that fails to import,
implements a hook that does not exist, or raises from a hook is logged, recorded for every process to see
(:mod:`.failures`) and shown to admins; the application and the other plugins carry on.
"""
from __future__ import annotations

import importlib.metadata
import logging
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Iterable

import pluggy
from flask import Flask, current_app

from . import hookspecs
from .failures import LOADING, WEB, FailureLog, describe

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "observatory.plugins"
ACTIVE, DISABLED, FAILED = "active", "disabled", "failed"
MAX_ERRORS_KEPT = 20
#: The version of the plugin API (``core.api``): its names and their behaviour. Raised when a name is removed or
#: changes meaning; adding a name does not raise it. Plugins list the versions they work with. Version 2: the
#: ``documents`` module is no longer offered (its renderers took no guard), only ``Document``, ``render_document``,
#: ``download_document``, ``document_filename`` and ``DOCUMENT_FORMATS``. Version 3: ``JobContext.save_result``
#: keeps only a ``GuardedFile`` (what ``render_document``, ``save_export``, ``text_file``, ``json_file`` and
#: ``GuardedZip`` return), ``render_document(document, fmt, stem, guard)`` returns one, and every answer but a
#: page rendered by a template must go through the guard (``download_document``, ``send_guarded``, ``json_answer``); one way to ask who
#: sees what (``visible`` and ``can_see``; ``visible_to_viewer``, ``viewer``, ``at_level_to_viewer``,
#: ``visible_among``, ``visible_records`` and ``Bound`` are gone), ``save_assigned`` in place of ``set_assignees``,
#: and names in place of the modules ``jobs``, ``storage``, ``attachment_text``, ``record_pages`` and ``preflight``.
API_VERSION = 3


@dataclass
class PluginInfo:
    """What the admin plugins page and ``observatory plugins`` show about one plugin."""

    name: str
    module: str
    version: str | None = None
    status: str = ACTIVE
    title: Any = None
    description: Any = ""
    hooks: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # this process's own, tracebacks included (the log's too)
    path: Path | None = None

    def record_error(self, message: str) -> None:
        self.errors.append(message)
        del self.errors[:-MAX_ERRORS_KEPT]


class PluginHost:
    """Owns the app's :class:`pluggy.PluginManager` and calls hooks one implementation at a time."""

    def __init__(self, disabled: Iterable[str] = (), trace: bool = False, process_kind: str = WEB) -> None:
        self.pm = pluggy.PluginManager("observatory")
        self.pm.add_hookspecs(hookspecs)
        self.disabled = set(disabled)
        self.trace = trace
        self.plugins: dict[str, PluginInfo] = {}
        self.failures = FailureLog(process_kind)

    # -- loading -----------------------------------------------------------------------------

    def register(self, module: ModuleType, name: str, version: str | None = None, builtin: bool = False) -> PluginInfo:
        """Register one plugin module, rejecting it (not the app) when it was written for another version of the
        plugin API (``builtin``: the core's own parts, which have none) or its hooks are invalid."""
        info = PluginInfo(
            name=name,
            module=module.__name__,
            version=version,
            title=getattr(module, "TITLE", name),
            description=getattr(module, "DESCRIPTION", ""),
            path=Path(module.__file__).parent if getattr(module, "__file__", None) else None,
        )
        self.plugins[name] = info
        refusal = None if builtin else api_refusal(module)
        if refusal:
            return self._fail(info, refusal)
        try:
            self.pm.register(module, name=name)
        except (pluggy.PluginValidationError, ValueError) as exc:
            return self._fail(info, f"invalid hook implementation: {exc}")
        unknown = [impl.function.__name__ for impl in self._impls_of(module) if not self._has_spec(impl)]
        if unknown:
            self.pm.unregister(module)
            return self._fail(info, "implements hooks that do not exist: " + ", ".join(sorted(unknown)))
        info.hooks = sorted(impl.function.__name__ for impl in self._impls_of(module))
        return info

    def load_entry_points(self) -> None:
        """Load every plugin of the entry-point group, each in its own ``try``."""
        for entry_point in sorted(importlib.metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
            if entry_point.name in self.plugins:
                continue  # the same distribution seen twice on sys.path
            version = entry_point.dist.version if entry_point.dist else None
            if entry_point.name in self.disabled:
                self.plugins[entry_point.name] = PluginInfo(
                    entry_point.name, entry_point.value, version, status=DISABLED, title=entry_point.name
                )
                continue
            try:
                module = entry_point.load()
            except Exception as exc:  # noqa: BLE001 - any import error must not stop the app
                info = PluginInfo(entry_point.name, entry_point.value, version, title=entry_point.name)
                self.plugins[entry_point.name] = info
                self._fail(info, "could not be imported:\n" + traceback.format_exc(limit=5),
                           recorded=f"could not be imported: {describe(exc)}")
                continue
            self.register(module, entry_point.name, version)

    def _impls_of(self, module: ModuleType) -> list[pluggy.HookImpl]:
        impls = []
        for caller in self.pm.get_hookcallers(module) or []:
            impls.extend(i for i in caller.get_hookimpls() if i.plugin is module)
        return impls

    def _has_spec(self, impl: pluggy.HookImpl) -> bool:
        return getattr(self.pm.hook, impl.function.__name__).has_spec()

    def _fail(self, info: PluginInfo, message: str, recorded: str | None = None) -> PluginInfo:
        """Refuse ``info``'s plugin; ``recorded``: what the database keeps, when ``message`` holds a traceback."""
        info.status = FAILED
        info.record_error(message)
        log.error("plugin %s disabled: %s", info.name, message)
        self.failures.record(info.name, LOADING, recorded or message)
        return info

    # -- calling -----------------------------------------------------------------------------

    @property
    def active(self) -> list[PluginInfo]:
        return [info for info in self.plugins.values() if info.status == ACTIVE]

    def call(self, hook_name: str, *, isolate: bool = True, failed: list[str] | None = None,
             **kwargs: Any) -> list[tuple[str, Any]]:
        """Call each implementation of ``hook_name``; returns ``(plugin name, result)`` pairs.

        With ``isolate`` (the default) an implementation that raises is logged, recorded (:meth:`record_failure`),
        named in ``failed`` when given (publications say which part is missing) and skipped. Without it the
        exception is recorded and propagates (used where a partial result would be wrong, such as demo data).
        An implementation that answers clears its failure recorded by this kind of process, if any.
        """
        caller = getattr(self.pm.hook, hook_name)
        results = []
        for impl in _in_call_order(caller.get_hookimpls()):
            arguments = {name: kwargs[name] for name in impl.argnames}
            if self.trace:
                log.info("hook %s -> %s(%r)", hook_name, impl.plugin_name, arguments)
            try:
                result = impl.function(**arguments)
            except Exception as exc:
                self.record_failure(impl.plugin_name, hook_name, exc)
                if not isolate:
                    raise
                if failed is not None:
                    failed.append(impl.plugin_name)
                continue
            self.failures.succeeded(impl.plugin_name, hook_name)
            if self.trace:
                log.info("hook %s <- %s: %s", hook_name, impl.plugin_name, _summary(result))
            if result is not None:
                results.append((impl.plugin_name, result))
        return results

    def collect(self, hook_name: str, *, failed: list[str] | None = None, **kwargs: Any) -> list[Any]:
        """Call ``hook_name`` and flatten the lists the plugins return into one list."""
        items: list[Any] = []
        for _plugin, result in self.call(hook_name, failed=failed, **kwargs):
            items.extend(result if isinstance(result, (list, tuple)) else [result])
        return items

    def record_failure(self, plugin_name: str, hook_name: str, exc: Exception) -> None:
        """Log ``exc`` with its traceback, keep it on the plugin for this process, and record it in the database
        for every process (type and first line only)."""
        log.exception("plugin %s failed in %s", plugin_name, hook_name)
        info = self.plugins.get(plugin_name)
        if info is not None:
            info.record_error(f"{hook_name}: {type(exc).__name__}: {exc}")
        self.failures.record(plugin_name, hook_name, describe(exc))


def api_refusal(module: ModuleType) -> str | None:
    """Why ``module`` may not be loaded by this core's plugin API (:data:`API_VERSION`), or None."""
    supported = getattr(module, "OBSERVATORY_API_VERSIONS", None)
    if supported is None:
        return (f"does not say which versions of the plugin API it was written for: add "
                f"OBSERVATORY_API_VERSIONS = ({API_VERSION},) to its plugin module once it works with version "
                f"{API_VERSION}")
    if API_VERSION not in tuple(supported):
        written_for = ", ".join(str(number) for number in supported) or "none"
        return (f"was written for version(s) {written_for} of the plugin API; this Observatory offers version "
                f"{API_VERSION}: install a release of the plugin made for it")
    return None


def _in_call_order(impls: list[Any]) -> list[Any]:
    """Registration order (the core first, then plugins as loaded), with pluggy's markers honoured:
    ``@hookimpl(tryfirst=True)`` before the others, ``@hookimpl(trylast=True)`` after them (demo data that
    links to other plugins' records). pluggy keeps them as ``[trylast..., normal..., tryfirst...]``."""
    first = [impl for impl in impls if impl.tryfirst]
    last = [impl for impl in impls if impl.trylast]
    return first + [impl for impl in impls if not impl.tryfirst and not impl.trylast] + last


def _summary(result: Any) -> str:
    """A log-safe description (lazy translated strings cannot be printed outside a request)."""
    if isinstance(result, (list, tuple)):
        return f"{len(result)} item(s): " + ", ".join(type(item).__name__ for item in result)
    return type(result).__name__


def host(app: Flask | None = None) -> PluginHost:
    """The plugin host of ``app`` (default: the current app)."""
    return (app or current_app).extensions["observatory.plugins"]
