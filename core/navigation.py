"""Helpers shared by core views: safe redirects, pagination arguments, addresses of many records."""
from __future__ import annotations

from typing import Callable
from urllib.parse import urlsplit

from flask import current_app, request, url_for


def safe_next(target: str | None, default_endpoint: str = "core.dashboard") -> str:
    """Only same-site paths may be redirect targets (no open redirect to another host)."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for(default_endpoint)


def page_argument() -> int:
    """The ``page`` query argument, falling back to 1 on anything that is not a small positive int."""
    value = request.args.get("page", "1")
    return int(value) if value.isdigit() and 0 < int(value) < 100_000 else 1


def page_size() -> int:
    return current_app.config["PAGE_SIZE"]


ID_MARKER = 1_987_654_321  # a valid <int:...> value that no address contains otherwise


def id_url(endpoint: str, argument: str) -> Callable[[int], str]:
    """``url_for(endpoint, **{argument: id})`` for the many ids of a list: the address is built once around a
    marker and each id put in its place (an integer needs no quoting), sparing Werkzeug's URL building for
    each row (4 µs a link; a list page has 25, the global search some 40)."""
    head, tail = url_for(endpoint, **{argument: ID_MARKER}).split(str(ID_MARKER))
    return lambda record_id: f"{head}{int(record_id)}{tail}"
