"""The disclosure register's lookup of a long text full of short words, at 100,000 records.

Loads the demo records of the core and the plugins (``--scale 250``: 75,000 defenders and 25,000 partners) into
a fresh database, adds defenders whose names are made of short words and particles ("Li Na", "Lê Văn Hà",
"Ng Ai", "Bao de la Do"), then builds the register of an external output for texts of about 2,000 words in
English, French and Spanish: an ordinary one (common words, short words, particles), one dense with the names'
short words and initials ("L. Na", "Do, B."), one with the words of organisations' names ("for", "Human Rights"),
as the guard does before every output. Prints the median time of
the whole register, the share spent in SQL, and how many records it registered. Target: 50 ms. Then times the
build of a calendar feed (its register included, nothing kept) for an admin and for a case officer.

    .venv/bin/python bench/register_lookup.py                      # SQLite
    .venv/bin/python bench/register_lookup.py --scale 50 --folder /tmp/bench20k   # 20,000 records, kept
    .venv/bin/python bench/register_lookup.py --database-url postgresql+psycopg://...

``--folder`` keeps the SQLite database there and uses it again on the next run (loading 100,000 records takes
many minutes).
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, func, select, text  # noqa: E402

from bench.pages import build_app  # noqa: E402
from core.calendar.deadlines import feed  # noqa: E402
from core.database.models import Role, User  # noqa: E402
from core.disclosure.register import build  # noqa: E402
from core.extensions import db  # noqa: E402
from core.plugin_host.gather import load_demo_data  # noqa: E402
from core.records.matching import name_key, search_text  # noqa: E402
from core.records.models import Country, Defender  # noqa: E402
from core.records.tokens import index_tokens  # noqa: E402

TARGET_MS = 50
FAMILIES = ["Li", "Lê", "Ng", "Vũ", "Hà", "Hồ", "Lý", "Do", "An", "Ma", "Xu", "Wu"]
MIDDLES = ["", "", "Văn", "Thị", "de la", "van der", "bin", "al-"]
GIVEN = ["Na", "An", "Ai", "Hà", "Mai", "Lan", "Bao", "Yi", "Le", "Ong"]
#: Ordinary short words and particles of English, French and Spanish, and a few longer words.
ORDINARY = ("the of to in is on at by an be it we he or as so no if my up do go me us a I de la le el en un y o "
            "et du des les se ne il al da di do dos van von der bin ibn ben bint "
            "said police court arrest lawyer hearing witness released detained appeal night home").split()
#: The same, with the short words of the names among them: a text that names most of the short-name people.
DENSE = ORDINARY + "na li ha ng ai vu ho ma xu wu".split()
#: An NGO's prose: the words of organisations' names among them, each held by thousands of records.
NGO = ORDINARY + ("for human rights justice lawyers women defenders press freedom land against torture committee "
                  "centre network league association collective observatory report mission trial").split()


def short_names(count: int, rng: random.Random) -> list[str]:
    return [" ".join(part for part in (rng.choice(FAMILIES), rng.choice(MIDDLES), rng.choice(GIVEN)) if part)
            .replace("al- ", "al-") for _ in range(count)]


def long_text(rng: random.Random, vocabulary: list[str], initials: float, words: int = 2000) -> str:
    """Sentences of ``vocabulary``, an initial beside a short name word in a share ``initials`` of them."""
    out: list[str] = []
    while len(out) < words:
        sentence = [rng.choice(vocabulary) for _ in range(rng.randint(6, 14))]
        if rng.random() < initials:
            initial = f"{rng.choice('ABCDHLMNTVX')}."
            sentence.insert(rng.randrange(len(sentence)), f"{initial} {rng.choice(GIVEN + FAMILIES)}")
        out += sentence
        out[-1] += "."
    return " ".join(out).capitalize()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=250, help="demo-data scale (250: 100,000 records)")
    parser.add_argument("--short-names", type=int, default=2000, help="defenders with names of short words")
    parser.add_argument("--database-url", default=None, help="an empty PostgreSQL database (default: SQLite)")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--folder", default=None, help="keep the SQLite database in this folder, and use it again")
    parser.add_argument("--feed-rounds", type=int, default=3, help="calendar feed builds per user (0: none)")
    options = parser.parse_args()
    rng = random.Random(22)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(options.folder or scratch)
        folder.mkdir(parents=True, exist_ok=True)
        kept = not options.database_url and (folder / "bench.sqlite3").exists()
        app = build_app(options.database_url, folder) if not kept else _kept_app(folder)
        with app.app_context():
            if not kept or not db.session.scalar(select(func.count()).select_from(Defender)):
                _load(options.scale, options.short_names, rng)
            else:
                print(f"using the database kept in {folder}", flush=True)
                short_names(options.short_names, rng)  # the same texts as when it was loaded
            sql = [0.0]

            def before(conn, cursor, statement, parameters, context, executemany):
                conn.info["started"] = time.perf_counter()

            def after(conn, cursor, statement, parameters, context, executemany):
                sql[0] += time.perf_counter() - conn.info.pop("started")

            event.listen(db.engine, "before_cursor_execute", before)
            event.listen(db.engine, "after_cursor_execute", after)
            texts = {"ordinary short words and particles, 2% of sentences with an initial beside a name word":
                     long_text(rng, ORDINARY, 0.02),
                     "dense: the names' short words among them, 30% with an initial": long_text(rng, DENSE, 0.3),
                     "an NGO's prose: organisations' words (for, human rights, centre...) among them":
                     long_text(rng, NGO, 0.02)}
            for label, body in texts.items():
                totals, in_sql, found = [], [], 0
                for _round in range(options.rounds):
                    db.session.expunge_all()
                    sql[0] = 0.0
                    started = time.perf_counter()
                    register = build([body], None, external=True)
                    totals.append(time.perf_counter() - started)
                    in_sql.append(sql[0])
                    found = len({item.record for item in register.protected})
                middle = statistics.median(totals) * 1000
                flag = "" if middle <= TARGET_MS else "  <- over target"
                print(f"{label} ({len(body.split())} words): register built in {middle:.1f} ms (median of "
                      f"{options.rounds}; {statistics.median(in_sql) * 1000:.1f} ms of SQL), {found} records "
                      f"registered, target {TARGET_MS} ms{flag}", flush=True)
            if options.feed_rounds:
                with app.test_request_context():
                    _time_feeds(options.feed_rounds, sql)
            db.engine.dispose()


def _kept_app(folder: Path):
    from core import create_app

    return create_app({"OBSERVATORY_ENV": "testing", "INSTANCE_PATH": str(folder), "RATELIMIT_ENABLED": False,
                       "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}"})


def _load(scale: int, count: int, rng: random.Random) -> None:
    started = time.perf_counter()
    load_demo_data(scale)
    db.session.commit()
    country = db.session.scalar(select(Country).where(Country.alpha3 == "VNM"))
    for name in short_names(count, rng):
        defender = Defender(name=name, name_key=name_key(name), search_text=search_text(name),
                            country=country, confidentiality="internal", consent_to_publish=False,
                            publication_name="a defender")
        db.session.add(defender)
        db.session.flush()
        index_tokens(defender)
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    print(f"loaded scale {scale} and {count} short names in {time.perf_counter() - started:.0f} s", flush=True)


def _time_feeds(rounds: int, sql: list[float]) -> None:
    """A calendar feed built as its first poll after a change builds it: deadlines gathered, titles guarded."""
    for role in ("coordinator", "case_officer"):
        user = db.session.scalar(select(User).join(User.roles).where(Role.name == role).limit(1))
        if user is None:
            continue
        totals, in_sql = [], []
        for _round in range(rounds):
            db.session.expunge_all()
            user = db.session.merge(user)
            sql[0] = 0.0
            started = time.perf_counter()
            body = feed(user, "http://127.0.0.1")
            totals.append(time.perf_counter() - started)
            in_sql.append(sql[0])
        print(f"calendar feed of a user with role {role} ({body.count(b'BEGIN:VEVENT')} events): built in "
              f"{statistics.median(totals) * 1000:.0f} ms (median of {rounds}; "
              f"{statistics.median(in_sql) * 1000:.0f} ms of SQL)", flush=True)


if __name__ == "__main__":
    main()
