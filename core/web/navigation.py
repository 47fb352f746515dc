"""Helpers shared by core views: safe redirects, pagination arguments, addresses of many records."""
from __future__ import annotations

from typing import Any, Callable
from urllib.parse import urlsplit

from flask import current_app, has_request_context, request, url_for


def safe_next(target: str | None, default_endpoint: str = "core.dashboard") -> str:
    """Only same-site paths may be redirect targets (no open redirect to another host)."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith(("//", "/\\")):
            return target
    return url_for(default_endpoint)


def page_argument() -> int:
    """The ``page`` query argument, falling back to 1 on anything that is not a small positive int."""
    value = request.args.get("page", "1")
    return int(value) if value.isdecimal() and len(value) <= 5 and 0 < int(value) < 100_000 else 1


def page_size() -> int:
    return current_app.config["PAGE_SIZE"]


def list_url_when_full(shown: int, limit: int, endpoint: str, **values: Any) -> str | None:
    """A search hook's ``more_url``: its list searching the same words, offered only when the global search got
    as many hits as it asked for, so it is built only then."""
    return url_for(endpoint, **values) if shown >= limit else None


ID_MARKER = 1_987_654_321  # a valid <int:...> value that no address contains otherwise


def id_url(endpoint: str, argument: str) -> Callable[[int], str]:
    """``url_for(endpoint, **{argument: id})`` for the many ids of a list: the address is built once around a
    marker and each id put in its place (an integer needs no quoting), sparing Werkzeug's URL building for
    each row (4 µs a link; a list page has 25, the global search some 40). In a request, the address around
    the id is kept by the application for its mount point, since pages ask for the same few on every request."""
    if not has_request_context() or endpoint.startswith("."):  # outside a request, or relative to a blueprint
        return _around_id(endpoint, argument)
    builders = current_app.extensions.setdefault("observatory_id_urls", {})
    key = (request.script_root, endpoint, argument)
    builder = builders.get(key)
    if builder is None:
        builder = builders[key] = _around_id(endpoint, argument)
    return builder


def _around_id(endpoint: str, argument: str) -> Callable[[int], str]:
    head, tail = url_for(endpoint, **{argument: ID_MARKER}).split(str(ID_MARKER))
    return lambda record_id: f"{head}{int(record_id)}{tail}"
