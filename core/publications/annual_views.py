"""The annual report: its editors write a foreword and thematic chapters in each language and publish it, which
builds the published edition (every language, PDF and DOCX) and locks the text until it is reopened; anyone who
may see publications builds it, in a language and a format, as a job (a year's report is long)."""
from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional

from ..database.models import Job, utcnow
from ..disclosure import door, preflight
from ..documents import documents
from ..extensions import db
from ..jobs import jobs
from ..languages.i18n import gettext as _
from ..languages.i18n import lazy_gettext as _l
from ..web.forms import ConfirmForm
from ..web.permissions import can, permission_required
from . import language_name, left_out
from .annual import edition
from .jobs import published_files
from .models import AnnualChapter, AnnualReport

blueprint = Blueprint("annual_report", __name__, url_prefix="/publications/annual")
VIEW, EDIT = "core.publications.view", "core.publications.edit"
BUILDER = "core.publications.jobs.build_annual_report"
CHECKER = "core.publications.jobs.check_annual_report"


class ForewordForm(FlaskForm):
    foreword_en = TextAreaField(_l("Foreword in English"), validators=[Length(max=50000)])
    foreword_fr = TextAreaField(_l("Foreword in French"), validators=[Length(max=50000)])
    foreword_es = TextAreaField(_l("Foreword in Spanish"), validators=[Length(max=50000)])


class ChapterForm(FlaskForm):
    position = IntegerField(_l("Position"), default=1, validators=[
        Optional(), NumberRange(min=1, max=999, message=_l("Give a number between 1 and 999."))])
    title_en = StringField(_l("Title in English"), validators=[Length(max=300)])
    title_fr = StringField(_l("Title in French"), validators=[Length(max=300)])
    title_es = StringField(_l("Title in Spanish"), validators=[Length(max=300)])
    body_en = TextAreaField(_l("Text in English"), validators=[Length(max=200000)])
    body_fr = TextAreaField(_l("Text in French"), validators=[Length(max=200000)])
    body_es = TextAreaField(_l("Text in Spanish"), validators=[Length(max=200000)])

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not any((self[f"title_{code}"].data or "").strip() for code in ("en", "fr", "es")):
            self.title_en.errors = [*self.title_en.errors, _("Give the chapter a title in at least one language.")]
            return False
        return True


def _last_check(report: AnnualReport | None) -> dict:
    """What the page shows of the report's last check before it leaves (:func:`core.publications.jobs.keep_check`)
    and of the names a refused build or publishing left waiting: the preflight's summary, when it was checked,
    and how many places each language masks."""
    if report is None:
        return {"check": None, "checked_at": None, "masked_by_language": {}, "decisions": {}, "reason": ""}
    kept = report.disclosure_check or {}
    hits = preflight.from_data([*(report.disclosure_waiting or []), *kept.get("shown", [])])
    checked_at = datetime.fromisoformat(kept["checked_at"]) if kept.get("checked_at") else None
    return {"check": preflight.summary(hits, report.disclosure_decisions or {}) if hits or checked_at else None,
            "checked_at": checked_at, "masked_by_language": {
                _capitalised(language_name(code, str(get_locale() or "en"))): count
                for code, count in kept.get("masked", {}).items()},
            "decisions": report.disclosure_decisions or {}, "reason": report.disclosure_reason or ""}


def _capitalised(name: str) -> str:
    """A language's name at the head of a line ("anglais" -> "Anglais")."""
    return name[:1].upper() + name[1:]


def _year(year: int) -> int:
    if not 2000 <= year <= utcnow().year + 1:
        abort(404)
    return year


def _chosen_year() -> int:
    raw = request.args.get("year", "")
    if raw.isdecimal() and len(raw) == 4 and 2000 <= int(raw) <= utcnow().year + 1:
        return int(raw)
    today = utcnow().date()
    return today.year if today.month == 12 else today.year - 1  # the year being reported on


def _locked(year: int) -> bool:
    """A published report changes only after it is reopened: what was published must stay what we have."""
    report = edition(year)
    if report is not None and report.status == AnnualReport.PUBLISHED:
        flash(_("The annual report is published: reopen it for corrections first."), "danger")
        return True
    return False


def _report(year: int) -> AnnualReport:
    """The year's editorial record, created when an editor first writes in it."""
    report = edition(year)
    if report is None:
        report = AnnualReport(year=year)
        db.session.add(report)
    return report


@blueprint.route("/")
@permission_required(VIEW)
def index():
    return _render(_chosen_year())


def _render(year: int, foreword: ForewordForm | None = None, status: int = 200):
    report = edition(year)
    builds = db.session.scalars(select(Job).where(Job.function == BUILDER, Job.created_by_id == current_user.id)
                                .order_by(Job.id.desc()).limit(50)).all()
    builds = [job for job in builds if (job.params or {}).get("year") == year][:6]
    if can(EDIT) and foreword is None:
        foreword = ForewordForm(obj=report, formdata=None)
    published = report is not None and report.status == AnnualReport.PUBLISHED
    return render_template("core/publications/annual.html", year=year, report=report, foreword=foreword,
                           **_last_check(report), left_out=[str(line) for line in left_out.ANNUAL_REPORT],
                           kind_labels=preflight.KIND_LABELS, reason_labels=preflight.REASON_LABELS,
                           builds=builds, years=range(utcnow().year + 1, 1999, -1), formats=list(documents.FORMATS),
                           language=str(get_locale() or "en"),
                           published=published, edition_files=published_files(year) if published else None), status


@blueprint.route("/<int:year>/build", methods=["POST"])
@permission_required(VIEW)
def build(year: int):
    """Start building the report in the chosen language and format; the job's page shows its progress."""
    _year(year)
    language, fmt = request.form.get("language", ""), request.form.get("format", "")
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if language not in current_app.config["LANGUAGES"] or fmt not in documents.FORMATS:
        flash(_("Choose a language and a format from the lists."), "danger")
        return redirect(url_for(".index", year=year))
    job = jobs.enqueue(BUILDER, title=_("Annual report %(year)s (%(language)s, %(format)s)", year=year,
                                        language=language.upper(), format=fmt.upper()),
                       user=current_user, year=year, language=language, fmt=fmt)
    return redirect(url_for("jobs.show", job_id=job.id))


@blueprint.route("/<int:year>/check", methods=["POST"])
@permission_required(VIEW)
def check(year: int):
    """Check the report before it leaves, in every language, as a job: its page then shows what the guard will
    mask, what is left out and what waits for a decision (see :func:`core.publications.jobs.check_annual_report`)."""
    _year(year)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    job = jobs.enqueue(CHECKER, title=_("Annual report %(year)s: check before it leaves", year=year),
                       user=current_user, year=year)
    if job.status == Job.FAILED:
        flash(job.error or _("The report could not be checked."), "danger")
    if job.done:
        return redirect(url_for(".index", year=year) + "#annual-check")
    flash(_("The report is being checked in every language; its result appears on this page (follow it in My "
            "jobs)."), "info")
    return redirect(url_for(".index", year=year))


@blueprint.route("/<int:year>", methods=["POST"])
@permission_required(EDIT)
def save_foreword(year: int):
    _year(year)
    if _locked(year):
        return redirect(url_for(".index", year=year))
    form = ForewordForm()
    if not form.validate_on_submit():
        db.session.rollback()
        return _render(year, form, 422)
    report = _report(year)
    for code in ("en", "fr", "es"):
        setattr(report, f"foreword_{code}", (form[f"foreword_{code}"].data or "").strip())
    db.session.commit()
    flash(_("The foreword was saved."), "success")
    return redirect(url_for(".index", year=year))


@blueprint.route("/<int:year>/chapters/new", methods=["GET", "POST"])
@permission_required(EDIT)
def new_chapter(year: int):
    _year(year)
    if _locked(year):
        return redirect(url_for(".index", year=year))
    report = edition(year)
    form = ChapterForm(position=len(report.chapters) + 1 if report else 1)
    if form.validate_on_submit():
        chapter = AnnualChapter(report=_report(year))
        _fill(chapter, form)
        db.session.add(chapter)
        db.session.commit()
        flash(_("The chapter was saved."), "success")
        return redirect(url_for(".index", year=year))
    return _chapter_page(year, form, None)


def _chapter(year: int, chapter_id: int) -> AnnualChapter:
    chapter = db.session.get(AnnualChapter, chapter_id)
    if chapter is None or chapter.report.year != _year(year):
        abort(404)
    return chapter


@blueprint.route("/<int:year>/chapters/<int:chapter_id>", methods=["GET", "POST"])
@permission_required(EDIT)
def edit_chapter(year: int, chapter_id: int):
    chapter = _chapter(year, chapter_id)
    if _locked(year):
        return redirect(url_for(".index", year=year))
    form = ChapterForm(obj=chapter)
    if form.validate_on_submit():
        _fill(chapter, form)
        db.session.commit()
        flash(_("The chapter was saved."), "success")
        return redirect(url_for(".index", year=year))
    return _chapter_page(year, form, chapter)


@blueprint.route("/<int:year>/chapters/<int:chapter_id>/delete", methods=["POST"])
@permission_required(EDIT)
def delete_chapter(year: int, chapter_id: int):
    chapter = _chapter(year, chapter_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if _locked(year):
        return redirect(url_for(".index", year=year))
    db.session.delete(chapter)
    db.session.commit()
    flash(_("The chapter was deleted."), "success")
    return redirect(url_for(".index", year=year))


def _fill(chapter: AnnualChapter, form: ChapterForm) -> None:
    chapter.position = form.position.data or 1
    for code in ("en", "fr", "es"):
        setattr(chapter, f"title_{code}", (form[f"title_{code}"].data or "").strip())
        setattr(chapter, f"body_{code}", (form[f"body_{code}"].data or "").strip())


def _chapter_page(year: int, form: ChapterForm, chapter: AnnualChapter | None):
    status = 422 if form.errors else 200
    if status == 422:
        db.session.rollback()
    return render_template("core/publications/annual_chapter.html", year=year, form=form, chapter=chapter), status


@blueprint.route("/<int:year>/disclosure", methods=["POST"])
@permission_required(EDIT)
def decide(year: int):
    """Keep the editors' decisions on the names a refused build found ambiguous, with their reason: every later
    build of the report applies them."""
    _year(year)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if _locked(year):
        return redirect(url_for(".index", year=year))
    report = _report(year)
    waiting = report.disclosure_waiting or []
    problem = preflight.keep_decisions(report, request.form, waiting, report.name)
    if problem:
        db.session.rollback()
        flash(problem, "danger")
    else:
        report.disclosure_waiting = [row for row in waiting if row["key"] not in report.disclosure_decisions]
        db.session.commit()
        flash(_("Your decisions were kept: every build of this report applies them."), "success")
    return redirect(url_for(".index", year=year))


@blueprint.route("/<int:year>/publish", methods=["POST"])
@permission_required(EDIT)
def publish(year: int):
    """Publish the report: a job checks every language through the guard first, and publishes only when no name
    waits for a decision (see :func:`core.publications.jobs.publish_annual_report`)."""
    _year(year)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if _locked(year):  # published already: its edition stays as it was
        return redirect(url_for(".index", year=year))
    job = jobs.enqueue("core.publications.jobs.publish_annual_report", user=current_user, year=year,
                       title=_("Annual report %(year)s: the published edition", year=year))
    if job.status == Job.FAILED:  # run at once (no queue): its message says why; names to decide are on the page
        flash(job.error or _("The annual report was not published."), "danger")
    elif job.status == Job.FINISHED:
        flash(_("The annual report is published; its edition in every language (PDF and DOCX) is built."),
              "success")
    else:
        flash(_("The annual report is being checked in every language: it is published, and its edition built, "
                "once no name waits for a decision (follow it in My jobs)."), "info")
    return redirect(url_for(".index", year=year))


@blueprint.route("/<int:year>/reopen", methods=["POST"])
@permission_required(EDIT)
def reopen(year: int):
    """Back to a draft, to correct it (publishing it again builds its edition again)."""
    _year(year)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    report = edition(year)
    if report is None or report.status != AnnualReport.PUBLISHED:
        abort(404)
    report.status, report.published_at, report.published_by_id = AnnualReport.DRAFT, None, None
    db.session.commit()
    flash(_("The annual report is open for corrections; publish it again when they are done."), "success")
    return redirect(url_for(".index", year=year))


@blueprint.route("/<int:year>/files.zip")
@permission_required(VIEW)
def files(year: int):
    """The published edition: every language as PDF and DOCX."""
    _year(year)
    job = published_files(year)
    if job is None or job.status != job.FINISHED or job.result_data is None:
        abort(404)
    return door.send_result(job)
