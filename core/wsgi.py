"""The application for production WSGI servers: ``gunicorn 'core.wsgi:app'``."""
from __future__ import annotations

from . import create_app
from .config import ConfigError

try:
    app = create_app()
except ConfigError as error:  # one line naming the setting to fix, not a traceback
    raise SystemExit(f"Observatory cannot start: {error}") from None
