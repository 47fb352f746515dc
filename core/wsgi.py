"""The application for production WSGI servers: ``gunicorn 'core.wsgi:app'``."""
from __future__ import annotations

from . import create_app

app = create_app()
