"""Publications built in the background: the annual report in one language and format, its publishing (checked
in every language, then locked with its published edition: every language, PDF and DOCX, in one ZIP), every
language and format of a month's bulletin in one ZIP, and the bulletin the scheduler asks for on the first of
each month.

Job functions take plain values (see :mod:`core.jobs.jobs`), so they run the same inline and in an rq worker.
"""
from __future__ import annotations

import logging
from contextlib import contextmanager
from datetime import date
from typing import Any, Callable, Iterator

from flask import current_app, has_app_context, url_for
from flask_babel import force_locale, get_locale
from sqlalchemy import select

from ..database.models import Job, utcnow
from ..disclosure import Blocked, Guard, Hit
from ..disclosure.files import GuardedZip
from ..disclosure.preflight import as_data
from ..documents import documents
from ..extensions import db
from ..jobs import jobs
from ..jobs.jobs import JobContext
from ..languages.i18n import format_date
from ..languages.i18n import gettext as _
from . import annual, bulletin, edition, language_name, previous_month

log = logging.getLogger(__name__)
LANGUAGES = ("en", "fr", "es")
PAGES_PER_UPDATE = 10


def build_annual_report(ctx: JobContext, *, year: int, language: str, fmt: str) -> None:
    """The annual report of ``year`` in ``language`` as ``fmt``: gathering, then laying out page by page."""
    def tell(percent: int, message: str) -> None:
        ctx.progress(percent, message)

    document = annual.report(year, language, tell)
    ctx.progress(40, _("Laying out the pages"))

    def on_page(number: int) -> None:
        if number % PAGES_PER_UPDATE == 0:
            ctx.progress(min(90, 40 + number // PAGES_PER_UPDATE), _("Laying out page %(number)s", number=number))

    with _refusal_kept(year):
        file = documents.render_file(document, fmt, f"annual-report-{year}-{language}",
                                     public_guard(annual.edition(year)), on_page)
    ctx.progress(99, _("Written: %(file)s", file=file.name))
    ctx.save_result(file)


@contextmanager
def _refusal_kept(year: int) -> Iterator[None]:
    """When the guard refuses the report, keep its undecided names on the report, for its page, which asks the
    editors to decide them (a publication refused so goes back to a draft: nothing was published); the job
    then fails with the guard's message."""
    from .models import AnnualReport

    try:
        yield
    except Blocked as blocked:
        report = annual.edition(year) or AnnualReport(year=year)
        waiting = {row["key"]: row for row in [*(report.disclosure_waiting or []), *as_data(blocked.hits)]}
        report.disclosure_waiting = list(waiting.values())
        if report.status == AnnualReport.PUBLISHED:
            report.status, report.published_at, report.published_by_id = AnnualReport.DRAFT, None, None
        db.session.add(report)
        db.session.commit()
        raise


def public_guard(shaped: object | None) -> Guard:
    """Publications are public: every name without consent, every restricted record and every personal detail
    stays out, whoever asked for the build; the editors' decisions on ambiguous names (kept on the edition)
    apply."""
    return Guard(None, external=True, decisions=getattr(shaped, "disclosure_decisions", None) or {})


Editions = dict[str, tuple[documents.Document, Guard]]


def editions(build: Callable[[str], documents.Document], shaped: object | None) -> Editions:
    """Every language of a publication (``build(language)``) with the guard that releases it."""
    return {language: (build(language), public_guard(shaped)) for language in LANGUAGES}


def undecided(built: Editions) -> dict[str, list[Hit]]:
    """The names each language's files would be refused for, by language: publishing checks them first, so a
    publication is never published while its files cannot be built."""
    waiting = {language: guard.undecided(guard.preflight(document)) for language, (document, guard) in built.items()}
    return {language: hits for language, hits in waiting.items() if hits}


def not_published(waiting: dict[str, list[Hit]]) -> str:
    """Why publishing was refused, in the user's language."""
    locale = str(get_locale() or "en")
    return _("Nothing was published: a name or detail in it may be someone else's and nobody decided it "
             "(%(num)d waiting, in %(languages)s). Decide each one, then publish again.",
             num=len({hit.key for hits in waiting.values() for hit in hits}),
             languages=", ".join(language_name(code, locale) for code in waiting))


MASKED_SHOWN = 200  # the places masked that a check keeps to show (one per protected form); all are counted


def check_annual_report(ctx: JobContext, *, year: int) -> None:
    """The annual report's check before it leaves, as a job (a year's report is too long to check while a page
    waits): every language read through the guard, without building a file; what it will mask and what waits
    for a decision are kept on the report (:func:`keep_check`) for its page."""
    from .models import AnnualReport

    report = annual.edition(year) or AnnualReport(year=year)
    found: dict[str, list[Hit]] = {}
    for number, language in enumerate(LANGUAGES):
        ctx.progress(1 + number * 33, _("Checking the report in %(language)s",
                                        language=language_name(language, str(get_locale() or "en"))))
        found[language] = public_guard(report).preflight(annual.report(year, language))
    waiting = keep_check(report, found)
    db.session.commit()
    ctx.progress(100, _check_message(waiting))


def _check_message(waiting: dict[str, list[Hit]]) -> str:
    count = len({hit.key for hits in waiting.values() for hit in hits})
    if count:
        return _("Checked: %(num)d name or detail waits for a decision before it can be built.", num=count)
    return _("Checked: nothing waits for a decision; it can be built.")


def keep_check(report: Any, found: dict[str, list[Hit]]) -> dict[str, list[Hit]]:
    """Keep on ``report`` what the guard found in each language (``found``): the hits waiting for a decision,
    and the check itself (when, how many places each language masks, the first places masked to show in
    context). Returns the hits waiting, by language; the caller commits."""
    guard = public_guard(report)
    waiting = {language: hits for language, hits in ((language, guard.undecided(hits))
                                                     for language, hits in found.items()) if hits}
    masked = [hit for hits in found.values() for hit in hits if not hit.ambiguous]
    report.disclosure_waiting = as_data([hit for hits in waiting.values() for hit in hits])
    report.disclosure_check = {
        "checked_at": utcnow().isoformat(),
        "masked": {language: sum(not hit.ambiguous for hit in hits) for language, hits in found.items()},
        "shown": as_data(masked)[:MASKED_SHOWN]}
    db.session.add(report)
    return waiting


def publish_annual_report(ctx: JobContext, *, year: int) -> None:
    """Publish the annual report of ``year`` for the editor who asked: every language through the guard's
    preflight first (a year's report is too long to check while a page waits), so that a name waiting for a
    decision refuses it and leaves the report as it was, with those names on its page; then lock it and build
    its published edition from the documents checked."""
    from .models import AnnualReport

    report = annual.edition(year) or AnnualReport(year=year)
    if report.status == AnnualReport.PUBLISHED:
        return  # published by an earlier request: its edition stays as it was
    ctx.progress(1, _("Checking the names in every language"))
    built = editions(lambda language: annual.report(year, language), report)
    waiting = keep_check(report, {language: guard.preflight(document)
                                  for language, (document, guard) in built.items()})
    db.session.commit()
    if waiting:
        raise Blocked([hit for hits in waiting.values() for hit in hits], message=not_published(waiting))
    report.status, report.published_at, report.published_by_id = AnnualReport.PUBLISHED, utcnow(), \
        ctx.job.created_by_id
    db.session.commit()
    _annual_files(ctx, report, built)


def build_annual_files(ctx: JobContext, *, year: int) -> None:
    """The published edition of the annual report built again (a job that failed, retried)."""
    from .models import AnnualReport

    report = annual.edition(year) or AnnualReport(year=year)
    _annual_files(ctx, report, editions(lambda language: annual.report(year, language), report))


def _annual_files(ctx: JobContext, report: Any, built: Editions) -> None:
    """The published edition of the annual report: every language as PDF and DOCX in one ZIP, kept on the
    report (built when it is published, so later changes to the records do not alter what was published)."""
    year = report.year
    report.files_job_id = ctx.job_id
    db.session.add(report)
    db.session.commit()
    archive, done, formats = GuardedZip(public_guard(report)), 0, ("pdf", "docx")
    with _refusal_kept(year):
        for language, (document, guard) in built.items():
            for fmt in formats:
                file = documents.render_file(document, fmt, f"annual-report-{year}-{language}", guard)
                archive.add(file)
                done += 1
                ctx.progress(done * 100 // (len(built) * len(formats)) - 1, _("Written: %(file)s", file=file.name))
    ctx.save_result(archive.finish(f"annual-report-{year}.zip"))


def build_bulletin_files(ctx: JobContext, *, year: int, month: int, notify: bool = False) -> None:
    """Every language and format of the bulletin of ``month``/``year`` in one ZIP, kept as the month's files;
    with ``notify`` (the scheduled run), the editors are told it is ready to review."""
    from .models import Bulletin

    shaped = edition(year, month) or Bulletin(year=year, month=month)
    shaped.files_job_id = ctx.job_id
    db.session.add(shaped)
    db.session.commit()
    archive, done = GuardedZip(public_guard(shaped)), 0
    for language in LANGUAGES:
        document = bulletin(year, month, language)
        for fmt in documents.FORMATS:
            file = documents.render_file(document, fmt, f"bulletin-{year}-{month:02d}-{language}", public_guard(shaped))
            archive.add(file)
            done += 1
            ctx.progress(done * 100 // (len(LANGUAGES) * len(documents.FORMATS)) - 1,
                         _("Written: %(file)s", file=file.name))
    ctx.save_result(archive.finish(f"bulletin-{year}-{month:02d}.zip"))
    if notify:
        _tell_editors(year, month)


def _tell_editors(year: int, month: int) -> None:
    from ..notifications.services import notify
    from ..web.permissions import holders

    editors = [user.id for user in holders("core.publications.edit")]
    notify(editors, "publication", {"month": f"{month:02d}", "year": str(year)},
           url_for("publications.bulletin", year=year, month=month), dedup_key=f"bulletin:{year}-{month:02d}")


def scheduled_bulletin(today: str | None = None) -> int | None:
    """Run by the scheduler on the first of each month: build last month's bulletin files as a job (once per
    month, whatever restarts happen) and tell the editors. Returns the job's id, ``None`` when already done."""
    if not has_app_context():
        from .. import create_app  # a worker without an application builds one

        with create_app({"PROCESS_KIND": "worker"}).app_context():
            return scheduled_bulletin(today)
    year, month = previous_month(date.fromisoformat(today) if today else utcnow().date())
    shaped = edition(year, month)
    if shaped is not None and shaped.status == shaped.PUBLISHED:
        log.info("bulletin %s-%02d already published", year, month)
        return None
    if shaped is not None and shaped.files_job_id:
        earlier = db.session.get(Job, shaped.files_job_id)
        if earlier is not None and earlier.status != Job.FAILED:
            log.info("bulletin %s-%02d already built by job %s", year, month, earlier.id)
            return None
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]), \
            force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        title = _("Monthly bulletin — %(period)s", period=format_date(date(year, month, 1), "month"))
        job = jobs.enqueue("core.publications.jobs.build_bulletin_files", title=title, year=year, month=month,
                           notify=True)
    return job.id


def latest_files(year: int, month: int) -> Job | None:
    """The job holding the month's bulletin files, if one was started."""
    from .models import Bulletin

    job_id = db.session.scalar(select(Bulletin.files_job_id).where(Bulletin.year == year, Bulletin.month == month))
    return db.session.get(Job, job_id) if job_id else None


def published_files(year: int) -> Job | None:
    """The job holding the annual report's published edition, if it was published."""
    from .models import AnnualReport

    job_id = db.session.scalar(select(AnnualReport.files_job_id).where(AnnualReport.year == year))
    return db.session.get(Job, job_id) if job_id else None
