"""Page speed as the data grows: median time and SQL statements per page, at growing data sizes.

Run with ``make bench`` (SQLite in a temporary folder) or set ``OBSERVATORY_DATABASE_URL`` to an
empty PostgreSQL database. The query count must stay flat from one size to the next; the time
should too, since lists paginate in the database.
"""
from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from pathlib import Path

import pyotp
from flask_migrate import upgrade
from sqlalchemy import event, insert, select

from core import create_app
from core.extensions import db
from core.models import Job, Role, User
from core.security import hash_password

PAGES = ["/", "/admin/users", "/admin/users?page=3", "/jobs/", "/search?q=user", "/admin/roles"]
PASSWORD = "benchmark password"


def build_app(database_url: str | None, folder: Path):
    config = {"OBSERVATORY_ENV": "testing", "INSTANCE_PATH": str(folder), "RATELIMIT_ENABLED": False}
    if database_url:
        config["SQLALCHEMY_DATABASE_URI"] = database_url
    else:
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    app = create_app(config)
    with app.app_context():
        upgrade(revision="heads")
    return app


def grow(app, total_users: int) -> None:
    """Add users (with roles) and jobs until there are ``total_users`` users and as many jobs."""
    with app.app_context():
        have = db.session.scalar(select(db.func.count()).select_from(User))
        roles = db.session.scalars(select(Role)).all()
        admin_id = db.session.scalar(select(User.id).where(User.email == "bench@example.org"))
        rows = [{"email": f"user{i}@example.org", "name": f"User {i:06}", "password_hash": "x", "active": True,
                 "failed_logins": 0, "totp_enabled": False} for i in range(have, total_users)]
        if rows:
            db.session.execute(insert(User), rows)
            new_ids = db.session.scalars(select(User.id).where(User.id > (admin_id or 0)).order_by(User.id)).all()
            db.session.execute(db.metadata.tables["core_user_roles"].insert(),
                               [{"user_id": uid, "role_id": roles[uid % len(roles)].id} for uid in new_ids[-len(rows):]])
            db.session.execute(insert(Job), [{"function": "core.exports.export_users", "title": f"Job {i}",
                                              "params": {}, "locale": "en", "status": "finished", "progress": 100,
                                              "attempts": 1, "created_by_id": admin_id} for i in range(len(rows))])
        db.session.commit()


def make_admin(app) -> User:
    with app.app_context():
        admin = User(email="bench@example.org", name="Bench Admin", password_hash=hash_password(PASSWORD),
                     totp_secret=pyotp.random_base32(), totp_enabled=True,
                     roles=[db.session.scalar(select(Role).where(Role.name == "admin"))])
        db.session.add(admin)
        db.session.commit()
        db.session.refresh(admin)
        db.session.expunge(admin)
        return admin


def logged_in_client(app, admin: User):
    client = app.test_client()
    token = lambda path: re.search(r'name="csrf-token" content="([^"]+)"',  # noqa: E731
                                   client.get(path).get_data(as_text=True)).group(1)
    client.post("/login", data={"csrf_token": token("/login"), "email": admin.email, "password": PASSWORD})
    client.post("/login/two-factor", data={"csrf_token": token("/login/two-factor"),
                                           "code": pyotp.TOTP(admin.totp_secret).now()})
    assert client.get("/").status_code == 200, "benchmark login failed"
    return client


def measure(app, client, repeat: int) -> dict[str, tuple[float, int]]:
    with app.app_context():
        engine = db.engine
    results = {}
    for path in PAGES:
        statements: list[str] = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        client.get(path)
        event.remove(engine, "before_cursor_execute", listener)
        timings = []
        for _ in range(repeat):
            start = time.perf_counter()
            response = client.get(path)
            timings.append(time.perf_counter() - start)
            assert response.status_code == 200, (path, response.status_code)
        results[path] = (statistics.median(timings) * 1000, len(statements))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000", help="numbers of users (and jobs) to measure at")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--database-url", default=None)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = build_app(options.database_url, Path(folder))
        admin = make_admin(app)
        client = logged_in_client(app, admin)
        print(f"{'page':<24}" + "".join(f"{size:>20}" for size in options.sizes.split(",")))
        columns = []
        for size in (int(s) for s in options.sizes.split(",")):
            grow(app, size)
            columns.append(measure(app, client, options.repeat))
        for path in PAGES:
            cells = "".join(f"{col[path][0]:>12.1f} ms {col[path][1]:>2} q" for col in columns)
            print(f"{path:<24}{cells}")
        flat = all(len({col[path][1] for col in columns}) == 1 for path in PAGES)
        print("query counts flat as data grows:", "yes" if flat else "NO")
        raise SystemExit(0 if flat else 1)


if __name__ == "__main__":
    main()
