"""Parts of a page rendered once per language and inputs, then reused: a list's filter form, the same for
everyone who filters the same way, took a fifth of the list page's time to render.

A fragment is rendered from its template with its inputs alone: no context processor runs, so it cannot show
the user, their permissions, a CSRF token or the time, and what depends on the data (the choices of a select)
must be among its inputs, read on each request. Nothing stale can therefore be shown, and nothing of one user
to another.
"""
from __future__ import annotations

from typing import Any, Hashable

from flask import current_app
from flask_babel import get_locale
from markupsafe import Markup

MAX_FRAGMENTS = 1024  # per application; the cache is emptied when full (words typed in filters vary without end)


def fragment(template_name: str, constants: dict[str, Any] | None = None, **inputs: Hashable) -> Markup:
    """``template_name`` rendered with ``inputs`` (strings, numbers, tuples, frozen dataclasses) and
    ``constants`` (the same for the whole process: label dictionaries, helper functions), remembered per
    language and inputs."""
    cache: dict[tuple, Markup] = current_app.extensions.setdefault("observatory.fragments", {})
    key = (template_name, str(get_locale() or "en"), tuple(sorted(inputs.items())))
    html = cache.get(key)
    if html is None:
        if len(cache) >= MAX_FRAGMENTS:
            cache.clear()
        template = current_app.jinja_env.get_template(template_name)
        html = cache[key] = Markup(template.render(**(constants or {}), **inputs))
    return html


def inputs_of(value: Any) -> tuple:
    """A list of rows or choices as a hashable input."""
    return tuple(tuple(item) for item in value)
