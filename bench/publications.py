"""Publication speed and memory: the annual report and the monthly bulletin of a year with N interventions.

For each N it loads the demo data into a fresh SQLite database (or the PostgreSQL one given), makes N public
interventions the target year's (their cases and actions spread over its twelve months), then builds, each in
a process of its own so that its peak memory is its own:

- the annual report as PDF, timing the gathering (every plugin's part and the figures), the HTML, and the PDF
  engine (WeasyPrint) on that same HTML; the target at 1,000 interventions is a total of at most 1.3 times
  the engine's own time, with a peak memory under 500 MB;
- the annual report as DOCX;
- the bulletin of one month of that year in every language and format (the scheduled ZIP).

    make bench-publications                                 # N = 1,000 and 10,000
    .venv/bin/python bench/publications.py --interventions 1000
"""
from __future__ import annotations

import argparse
import io
import json
import math
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
YEAR = 2015  # before any demo data, so that the year holds exactly the interventions moved into it
MAX_RATIO, MAX_MEGABYTES = 1.3, 500


def _app(database_url: str, folder: Path):
    from core import create_app

    return create_app({"OBSERVATORY_ENV": "testing", "SQLALCHEMY_DATABASE_URI": database_url,
                       "INSTANCE_PATH": str(folder / "instance"), "REDIS_URL": None, "PLUGINS_DISABLED": []})


def prepare(database_url: str, folder: Path, interventions: int) -> int:
    """Demo data big enough, then ``interventions`` public cases moved into ``YEAR``; returns how many."""
    from flask_migrate import upgrade
    from sqlalchemy import select, update

    from core.extensions import db
    from core.plugin_host.contributions import RESTRICTED
    from core.plugin_host.gather import load_demo_data
    from plugins.interventions.models import Action, Case

    app = _app(database_url, folder)
    with app.app_context():
        upgrade(revision="heads")
        load_demo_data(max(1, math.ceil(interventions / 150)))
        db.session.commit()
        ids = list(db.session.scalars(select(Case.id).where(
            Case.confidentiality != RESTRICTED, Case.year.is_not(None)).order_by(Case.id).limit(interventions)))
        rng = random.Random(7)
        for number, case_id in enumerate(ids, start=1):
            moment = datetime(YEAR, 1, 1, tzinfo=timezone.utc) + timedelta(days=rng.randint(0, 364))
            db.session.execute(update(Case).where(Case.id == case_id).values(year=YEAR, obs_number=number,
                                                                                  country_number=number))
            db.session.execute(update(Action).where(Action.case_id == case_id).values(published_at=moment))
        db.session.commit()
        db.engine.dispose()
        return len(ids)


def _decided(guard, document):
    """The guard with every name that may be someone else's decided "mask", as the editors decide them once per
    edition (a demo this large has namesakes)."""
    from core.disclosure import MASK

    guard.decisions.update({hit.key: MASK for hit in guard.preflight(document) if hit.ambiguous})
    return guard


def measure(database_url: str, folder: Path, what: str) -> dict[str, float]:
    """One measurement, in this process (run by ``main`` in a child process of its own)."""
    from pypdf import PdfReader

    from core import publications
    from core.documents import documents, pdf
    from core.publications import annual
    from core.publications.jobs import LANGUAGES, public_guard

    app = _app(database_url, folder)
    result: dict[str, float] = {}
    with app.test_request_context():
        started = time.perf_counter()
        if what in ("annual-pdf", "annual-docx"):
            document = annual.report(YEAR, "en")
            result["gather_s"] = time.perf_counter() - started
            result["blocks"] = len(document.blocks)
            if what == "annual-pdf":
                mark = time.perf_counter()  # the disclosure guard, as every build of the report runs it
                document = _decided(public_guard(annual.edition(YEAR)), document).release(document)
                result["guard_s"] = time.perf_counter() - mark
                mark = time.perf_counter()  # the HTML and the engine, in parts past PDF_PART_BLOCKS blocks
                data = pdf.render_pdf(document)
                result["pages"] = len(PdfReader(io.BytesIO(data)).pages)
                result["engine_s"] = time.perf_counter() - mark
                result["total_s"] = result["gather_s"] + result["guard_s"] + result["engine_s"]
            else:
                documents.render(document, "docx", _decided(public_guard(annual.edition(YEAR)), document))
                result["total_s"] = time.perf_counter() - started
        else:  # the bulletin of June in every language and format
            for language in LANGUAGES:
                document = publications.bulletin(YEAR, 6, language)
                for fmt in documents.FORMATS:
                    documents.render(document, fmt, _decided(public_guard(publications.edition(YEAR, 6)), document))
            result["items"] = sum(1 for block in document.blocks if isinstance(block, documents.Heading))
            result["total_s"] = time.perf_counter() - started
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interventions", default="1000,10000", help="interventions in the year, comma-separated")
    parser.add_argument("--database-url", default=None, help="an empty PostgreSQL database (default: SQLite)")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.measure:  # a child process
        print(json.dumps(measure(options.database_url, Path(options.folder), options.measure)))
        return
    ok = True
    for wanted in (int(n) for n in options.interventions.split(",")):
        with tempfile.TemporaryDirectory() as folder:
            url = options.database_url or f"sqlite:///{folder}/bench.sqlite3"
            started = time.perf_counter()
            count = prepare(url, Path(folder), wanted)
            print(f"\n{count:,} interventions in {YEAR} (data loaded in {time.perf_counter() - started:.0f} s)")
            for what in ("annual-pdf", "annual-docx", "bulletin"):
                child = subprocess.run([sys.executable, __file__, "--measure", what, "--folder", folder,
                                        "--database-url", url], capture_output=True, text=True, cwd=ROOT)
                if child.returncode:
                    print(f"  {what}: failed\n{child.stderr[-3000:]}")
                    ok = False
                    continue
                found = json.loads(child.stdout.strip().splitlines()[-1])
                if what == "annual-pdf":
                    ratio = found["total_s"] / found["engine_s"]
                    flag = "" if (wanted > 1000 or ratio <= MAX_RATIO) and found["peak_mb"] < MAX_MEGABYTES \
                        else "  <- over target"
                    ok &= not flag
                    print(f"  annual report PDF: {found['pages']:.0f} pages in {found['total_s']:.1f} s — gathering "
                          f"{found['gather_s']:.1f} s, disclosure guard {found['guard_s']:.1f} s, HTML and PDF "
                          f"engine {found['engine_s']:.1f} s"
                          f" (total {ratio:.2f}× the engine); peak memory {found['peak_mb']:.0f} MB{flag}")
                else:
                    flag = "" if found["peak_mb"] < MAX_MEGABYTES else "  <- over target"
                    ok &= not flag
                    what_said = "annual report DOCX" if what == "annual-docx" else \
                        "bulletin of June, 3 languages × HTML, PDF, DOCX"
                    print(f"  {what_said}: {found['total_s']:.1f} s; peak memory {found['peak_mb']:.0f} MB{flag}")
    print("\nwithin targets" if ok else "\nover target")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
