"""The application for production WSGI servers: ``gunicorn 'core.wsgi:app'``.

After startup, the objects built by then (SQLAlchemy's mappings and compiled statements, templates,
translations, plugins: some 200,000) live as long as the process. Freezing them takes them out of the
garbage collector's full collections, which otherwise re-scan them all every few hundred requests (about a
third of a millisecond a page on average, measured at 100,000 records). Objects made later are collected as
usual.
"""
from __future__ import annotations

import gc

from . import create_app

app = create_app()
gc.collect()
gc.freeze()
