"""Many users at once, as production runs: PostgreSQL, gunicorn with 4 processes, Redis and 2 rq workers, all on
loopback, driven by Locust (headless) with the mix of ``bench/locustfile.py``.

It loads the demo data at the chosen scale into the given (emptied) PostgreSQL database, adds the accounts the
simulated users sign in with, serves ``bench/load_app.py`` with gunicorn, starts the workers, runs Locust for a
bounded time, and prints for each page its requests, errors and p50/p95/p99 latency, with the page's speed as a
ratio to the bare page under the same load in the same run (bare p50 / page p50: 1.0 is as fast as the bare
page, the pages' target is 0.3 or better), then the jobs' waiting and running times from the jobs table.
The run fails (exit status 1) on any error: a failed request, a 5xx, a failed job, a traceback in a log.

    make bench-load                                            # OBSERVATORY_LOAD_DATABASE_URL, _REDIS_URL
    .venv/bin/python bench/load.py --database-url postgresql+psycopg://... --redis-url redis://... \\
        --scale 250 --users 40 --run-time 180
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from pages import BARE, PASSWORD, build_app, load, pages
from sqlalchemy import select, text

from core.calendar.deadlines import new_feed_token
from core.database.models import Role, User
from core.extensions import db
from core.web.security import hash_password

BENCH = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
ACCOUNTS = {"case_officer": 30, "coordinator": 3, "committee": 8}  # more than the users of each kind
FEEDS = 20
WORDS = ("detention", "lawyer", "journalist", "Turkey", "Colombia", "union", "threat", "Maria")


def prepare(app, scale: int) -> dict:
    """Load the data (as ``make bench`` does) and write what the simulated users need: accounts, ids, pages."""
    _user, defender_id, case_id, mission_id, _feed, request_id, advocacy = load(app, scale)
    measured = pages(defender_id, case_id, mission_id, None, request_id, advocacy)
    with app.app_context():
        roles = {role.name: role for role in db.session.scalars(select(Role))}
        accounts: dict[str, list[str]] = {}
        password_hash = hash_password(PASSWORD)
        for role, count in ACCOUNTS.items():
            accounts[role] = [f"load-{role}-{n}@example.org" for n in range(count)]
            db.session.add_all(User(email=email, name=f"Load {role} {n}", password_hash=password_hash,
                                    roles=[roles[role]]) for n, email in enumerate(accounts[role]))
        db.session.commit()
        officers = db.session.scalars(select(User).where(User.email.in_(accounts["case_officer"][:FEEDS]))).all()
        plan = {
            "password": PASSWORD, "bare": BARE, "accounts": accounts, "words": WORDS,
            "year": time.gmtime().tm_year,  # the demo data's actions are of the last months
            # the officers' pages; the grant requests are the committee's (restricted, shown to its members)
            "pages": {name: path for name, path in measured.items()
                      if name not in ("calendar feed", "defender file", "case file", "grant requests",
                                      "grant request page", "committee page")},
            "defenders": _ids("SELECT id FROM core_defenders WHERE confidentiality = 'internal' LIMIT 2000"),
            "cases": _ids("SELECT id FROM interventions_cases WHERE confidentiality = 'internal' LIMIT 2000"),
            "actions_to_publish": _ids("SELECT id FROM interventions_actions WHERE status = 'in_review' LIMIT 500"),
            "requests_to_vote": _ids("SELECT id FROM assistance_requests WHERE status = 'submitted' LIMIT 500"),
            "feeds": [new_feed_token(officer) for officer in officers],
        }
        db.session.commit()
    return plan


def _ids(statement: str) -> list[int]:
    """Ids for the simulated users; none when the plugin that owns the table is disabled."""
    try:
        return list(db.session.scalars(text(statement)))
    except Exception:
        db.session.rollback()
        return []


def start(command: list[str], env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(command, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, cwd=BENCH.parent,
                            start_new_session=True)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


class PeakMemory(threading.Thread):
    """The largest resident memory of each worker's process tree (the worker and the job's work horse it forks),
    sampled every half second: what a job costs the machine that runs it."""

    def __init__(self, workers: list[subprocess.Popen]) -> None:
        super().__init__(daemon=True)
        self.workers, self.peak, self.running = workers, 0, True

    def run(self) -> None:
        import psutil  # installed with Locust

        while self.running:
            for worker in self.workers:
                try:
                    tree = [psutil.Process(worker.pid), *psutil.Process(worker.pid).children(recursive=True)]
                    self.peak = max(self.peak, max(process.memory_info().rss for process in tree))
                except psutil.Error:
                    pass
            time.sleep(0.5)


def wait_until_served(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/health", timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the app did not answer on {url} within {seconds:.0f} s")


def report(stats_csv: Path) -> tuple[list[str], int]:
    """The per-page lines, and the number of failed requests."""
    rows = list(csv.DictReader(stats_csv.open()))
    by_name = {row["Name"]: row for row in rows if row["Name"] != "Aggregated"}
    bare_p50 = float(by_name["bare page"]["50%"])
    lines = [f"  {'page':<30}{'requests':>9}{'errors':>7}{'req/s':>7}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
             f"{'ratio':>7}"]
    failures = 0
    for name, row in sorted(by_name.items(), key=lambda item: (item[1]["Type"] == "JOB", item[0])):
        p50 = float(row["50%"])
        failures += int(row["Failure Count"])
        ratio = f"{bare_p50 / p50:.2f}" if row["Type"] == "GET" and p50 else ""
        lines.append(f"  {name:<30}{row['Request Count']:>9}{row['Failure Count']:>7}{float(row['Requests/s']):>7.1f}"
                     f"{row['50%']:>8}{row['95%']:>8}{row['99%']:>8}{ratio:>7}")
    return lines, failures


def job_times(app) -> list[str]:
    """Each kind of job's count, waiting and running times (seconds, median and longest), from the jobs table."""
    with app.app_context():
        rows = db.session.execute(text(
            "SELECT title, status, extract(epoch FROM started_at - created_at), "
            "extract(epoch FROM finished_at - started_at) FROM core_jobs WHERE created_at > now() - interval '1 day'"
        )).all()
    kinds: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for title, status, waited, ran in rows:
        kinds.setdefault((title.split(" (")[0], status), []).append((float(waited or 0), float(ran or 0)))
    lines = []
    for (title, status), times in sorted(kinds.items()):
        waits, runs = sorted(t[0] for t in times), sorted(t[1] for t in times)
        lines.append(f"  {title:<40}{status:<10}{len(times):>4}  waited {waits[len(waits) // 2]:6.1f} s "
                     f"(longest {waits[-1]:.1f})  ran {runs[len(runs) // 2]:6.1f} s (longest {runs[-1]:.1f})")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("OBSERVATORY_LOAD_DATABASE_URL"),
                        help="an empty PostgreSQL database: everything in it is dropped")
    parser.add_argument("--redis-url", default=os.environ.get("OBSERVATORY_LOAD_REDIS_URL"))
    parser.add_argument("--scale", type=int, default=250, help="demo-data scale (250 is about 100,000 records)")
    parser.add_argument("--users", type=int, default=40, help="simulated users at once")
    parser.add_argument("--spawn-rate", type=float, default=4)
    parser.add_argument("--run-time", type=int, default=180, help="seconds of load, after every user started")
    parser.add_argument("--processes", type=int, default=4, help="gunicorn processes")
    parser.add_argument("--workers", type=int, default=2, help="rq workers")
    parser.add_argument("--port", type=int, default=8765)
    options = parser.parse_args()
    if not (options.database_url or "").startswith("postgresql") or not options.redis_url:
        raise SystemExit("bench/load.py needs --database-url postgresql+psycopg://... and --redis-url redis://...")
    folder = Path(tempfile.mkdtemp(prefix="observatory-load-"))
    secret_key = secrets.token_hex(32)  # production refuses the tests' key
    app = build_app(options.database_url, folder, secret_key)
    print(f"loading scale {options.scale} into {options.database_url.rsplit('@', 1)[-1]}", flush=True)
    plan = prepare(app, options.scale)
    (folder / "plan.json").write_text(json.dumps(plan))
    url = f"http://127.0.0.1:{options.port}"
    # The key the data was loaded with: the phone index is keyed with it (another key would make it outdated).
    env = {**os.environ, "OBSERVATORY_ENV": "production", "OBSERVATORY_SECRET_KEY": secret_key,
           "OBSERVATORY_DATABASE_URL": options.database_url, "OBSERVATORY_REDIS_URL": options.redis_url,
           "OBSERVATORY_RQ_QUEUE": f"load-{os.getpid()}", "OBSERVATORY_ATTACHMENTS_DIR": str(folder / "files"),
           "OBSERVATORY_BASE_URL": url, "OBSERVATORY_LOAD_PLAN": str(folder / "plan.json")}
    processes = [start([str(BIN / "gunicorn"), "-w", str(options.processes), "-b", f"127.0.0.1:{options.port}",
                        "--chdir", str(BENCH), "--pythonpath", str(BENCH.parent), "load_app:app"],
                       env, folder / "gunicorn.log")]
    workers = [start([str(BIN / "observatory"), "worker"], env, folder / f"worker-{n}.log")
               for n in range(options.workers)]
    processes += workers
    memory = PeakMemory(workers)
    memory.start()
    try:
        wait_until_served(url)
        ramp = int(options.users / options.spawn_rate) + 1
        print(f"{options.users} users ({options.spawn_rate}/s), {options.run_time} s of load, "
              f"{options.processes} app processes, {options.workers} workers", flush=True)
        locust = subprocess.run([str(BIN / "locust"), "-f", str(BENCH / "locustfile.py"), "--headless",
                                 "-u", str(options.users), "-r", str(options.spawn_rate),
                                 "-t", f"{options.run_time + ramp}s", "--host", url, "--only-summary",
                                 "--csv", str(folder / "load"), "--stop-timeout", "60"],
                                env=env, cwd=BENCH.parent, capture_output=True, text=True)
    finally:
        memory.running = False
        for process in processes:
            stop(process)
    lines, failures = report(folder / "load_stats.csv")
    print("\n".join(lines))
    print("jobs:")
    print("\n".join(job_times(app)) or "  none")
    print(f"  largest worker process: {memory.peak / 2**20:.0f} MB resident")
    traced = [log.name for log in folder.glob("*.log") if "Traceback" in log.read_text(errors="replace")]
    with app.app_context():
        failed_jobs = db.session.execute(text("SELECT count(*) FROM core_jobs WHERE status = 'failed'")).scalar()
    errors = failures + failed_jobs + len(traced)
    print(f"errors: {failures} failed requests, {failed_jobs} failed jobs, tracebacks in {traced or 'no log'}"
          f" (logs and figures in {folder})")
    if locust.returncode not in (0, 1):  # 1: some requests failed, counted above
        print(locust.stderr[-3000:])
        errors += 1
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
