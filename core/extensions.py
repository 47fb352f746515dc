"""Flask extensions, created unbound and initialised in :func:`core.create_app`."""
from __future__ import annotations

import sqlite3
from typing import Any

from flask_bootstrap import Bootstrap5
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import Engine, MetaData, event
from sqlalchemy.orm import DeclarativeBase

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()
bootstrap = Bootstrap5()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


@event.listens_for(Engine, "connect")
def _tune_sqlite(connection: Any, _record: Any) -> None:
    """SQLite, the embedded default, as a server would be set up: foreign keys enforced, writers that wait
    for each other rather than fail, readers that do not block the writer (WAL), and a page cache large
    enough for the indexes of 100,000 records (the default 2 MB makes every list read pages from disk)."""
    if not isinstance(connection, sqlite3.Connection):
        return
    cursor = connection.cursor()
    for pragma in ("foreign_keys = ON", "busy_timeout = 5000", "journal_mode = WAL", "synchronous = NORMAL",
                   "cache_size = -65536", "mmap_size = 268435456"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()
