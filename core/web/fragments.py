"""Parts of a page rendered once per language, time zone and inputs, then reused: a list's filter form (the
same for everyone who filters the same way) and each dashboard panel (the same for everyone who sees the same
rows) took a fifth of their page's time to render.

A fragment is rendered from its template and its inputs alone, and its inputs are its cache key. No context
processor runs, and the request, session, user, permissions and CSRF token are hidden from it (using one is an
error), so it cannot show one user's things to another; what depends on the data is among its inputs, read on
each request, so nothing stale is shown.
"""
from __future__ import annotations

import dataclasses
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any, Callable, Hashable

from flask import current_app, has_request_context, request
from flask_babel import get_locale, get_timezone
from flask_babel.speaklater import LazyString
from jinja2 import Environment, StrictUndefined
from markupsafe import Markup
from sqlalchemy.engine import Row

MAX_FRAGMENTS = 1024  # per application; the cache is emptied when full (words typed in filters vary without end)
HIDDEN = ("request", "session", "g", "config", "current_user", "can", "csrf_token", "get_flashed_messages")
_PLAIN = (str, int, float, bool, type(None), date, datetime, Decimal)
_PLAIN_TYPES = frozenset(_PLAIN)


class NotPlain(TypeError):
    """An input that cannot be part of a cache key (a database record, a form)."""


def fragment(template_name: str, constants: dict[str, Any] | None = None, **inputs: Hashable) -> Markup:
    """``template_name`` rendered with ``inputs`` (strings, numbers, dates, tuples, rows, frozen dataclasses)
    and ``constants`` (the same for the whole process: label dictionaries, helper functions), remembered per
    language, time zone and inputs."""
    return rendered(template_name, frozen(inputs), {**(constants or {}), **inputs})


def rendered(template_name: str, key: Hashable, values: dict[str, Any] | Callable[[], dict[str, Any]],
             strict: bool = True) -> Markup:
    """``template_name`` rendered with ``values``, remembered under ``key`` (which must say everything of
    ``values`` that the rendering shows: :func:`frozen` of them) for the language, time zone and mount point.
    ``values`` may be a function giving them, called only when the fragment is rendered (an unfilled form costs
    more to build than its HTML to reuse). ``strict=False`` renders with the pages' own environment, for
    third-party macros that test names they may not be given (Bootstrap's ``render_field``): the hidden names
    are then merely empty."""
    cache: dict[tuple, Markup] = current_app.extensions.setdefault("observatory.fragments", {})
    # the addresses a fragment writes (url_for) begin with the application's mount point
    mount = request.script_root if has_request_context() else ""
    full_key = (template_name, str(get_locale() or "en"), str(get_timezone()), mount, key)
    html = cache.get(full_key)
    if html is None:
        if len(cache) >= MAX_FRAGMENTS:
            cache.clear()
        environment = _environment() if strict else current_app.jinja_env
        hidden = {name: environment.undefined(name=name, hint=f"a fragment cannot use {name}") for name in HIDDEN}
        values = values() if callable(values) else values
        html = cache[full_key] = Markup(environment.get_template(template_name).render(**hidden, **values))
    return html


def frozen(value: Any) -> Hashable:
    """``value`` as a cache key: plain values as they are, labels in the current language, collections as
    tuples; :class:`NotPlain` for anything else (a record may change without its key changing)."""
    if type(value) in _PLAIN_TYPES or isinstance(value, _PLAIN):
        return value
    if isinstance(value, LazyString):
        return str(value)
    if isinstance(value, Row):
        return ("row", value._fields, _frozen_items(value))
    if isinstance(value, (list, tuple)):
        return (getattr(value, "_fields", None), _frozen_items(value))
    if isinstance(value, dict):
        return ("dict", tuple(sorted((str(key), frozen(item)) for key, item in value.items())))
    names = _frozen_dataclass_fields(type(value))
    if names is not None:
        return (type(value).__qualname__, tuple(frozen(getattr(value, name)) for name in names))
    raise NotPlain(type(value).__name__)


def _frozen_items(values: Any) -> tuple:
    """The items of a row or a list as a key; most are plain values, kept as they are without a call each."""
    items = tuple(values)
    for item in items:
        if type(item) not in _PLAIN_TYPES:
            return tuple(map(frozen, items))
    return items


@cache
def _frozen_dataclass_fields(kind: type) -> tuple[str, ...] | None:
    """The field names of a frozen dataclass (whose instances cannot change under their key), else ``None``."""
    if dataclasses.is_dataclass(kind) and kind.__dataclass_params__.frozen:  # type: ignore[attr-defined]
        return tuple(field.name for field in dataclasses.fields(kind))
    return None


def inputs_of(value: Any) -> tuple:
    """A list of rows or choices as an input."""
    return tuple(tuple(item) for item in value)


def _environment() -> Environment:
    """The application's templates, with an undefined name an error rather than an empty string (compiled
    apart from the pages' own, in a cache of its own)."""
    environment = current_app.extensions.get("observatory.fragment_environment")
    if environment is None:
        environment = current_app.extensions["observatory.fragment_environment"] = \
            current_app.jinja_env.overlay(undefined=StrictUndefined, cache_size=400)
    return environment
