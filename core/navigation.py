"""Helpers shared by core views: safe redirects and pagination arguments."""
from __future__ import annotations

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
