"""Job functions used by the job tests; a real worker imports them by dotted path."""
from __future__ import annotations

from core.disclosure import Guard
from core.disclosure.files import text_file
from core.jobs.jobs import JobContext


def write_report(ctx: JobContext, *, words: list[str]) -> None:
    ctx.progress(50, "half way")
    ctx.save_result(text_file("report.txt", " ".join(words), Guard(ctx.job.created_by, external=False)))


def explode(ctx: JobContext, *, marker: str) -> None:
    """Fails on the first attempt only, so a retry can succeed."""
    if ctx.job.attempts < 2:
        raise ValueError(f"the {marker} is missing")
    ctx.save_result(text_file("fixed.txt", marker, Guard(ctx.job.created_by, external=False)))


def keep_bytes(ctx: JobContext, *, text: str) -> None:
    """A job keeping bytes it wrote itself: refused, whatever they hold."""
    ctx.save_result(text.encode())  # type: ignore[arg-type]


def set_bytes_on_the_row(ctx: JobContext, *, text: str) -> None:
    """A job skipping ``save_result``: it sets the row's result itself, so nothing sealed it."""
    ctx.job.result_filename, ctx.job.result_mimetype = "people.txt", "text/plain"
    ctx.job.result_data = text.encode()
    ctx.job.result_size = len(ctx.job.result_data)


def change_a_kept_result(ctx: JobContext, *, text: str) -> None:
    """A job keeping a guarded file, then swapping its bytes on the row: the seal no longer matches."""
    ctx.save_result(text_file("report.txt", "nothing here", Guard(ctx.job.created_by, external=False)))
    ctx.job.result_data = text.encode()


def slow_report(ctx: JobContext, *, steps: int, pause: float) -> None:
    """A job that takes its time on its first attempt, reporting each step: a test stops its worker or its process
    half way, then tries again without waiting."""
    import time

    for step in range(steps):
        ctx.progress(step * 100 // steps, f"step {step + 1} of {steps}")
        time.sleep(pause if ctx.job.attempts < 2 else 0)
    ctx.save_result(text_file("report.txt", f"all {steps} steps", Guard(ctx.job.created_by, external=False)))
