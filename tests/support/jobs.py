"""Job functions used by the job tests; a real worker imports them by dotted path."""
from __future__ import annotations

from core.jobs.jobs import JobContext


def write_report(ctx: JobContext, *, words: list[str]) -> None:
    ctx.progress(50, "half way")
    ctx.save_result("report.txt", " ".join(words).encode(), "text/plain")


def explode(ctx: JobContext, *, marker: str) -> None:
    """Fails on the first attempt only, so a retry can succeed."""
    if ctx.job.attempts < 2:
        raise ValueError(f"the {marker} is missing")
    ctx.save_result("fixed.txt", marker.encode(), "text/plain")
