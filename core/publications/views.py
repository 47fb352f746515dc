"""Publications: the monthly bulletin of a chosen month (by default the previous one) in a chosen language, as a
page and as a file to send (self-contained HTML, PDF, DOCX)."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, get_locale
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Length

from .. import publications
from ..database.models import utcnow
from ..disclosure import Blocked, Guard, door, preflight
from ..disclosure.preflight import request_guard
from ..documents import documents
from ..extensions import db
from ..jobs import jobs
from ..languages.i18n import format_date
from ..languages.i18n import gettext as _
from ..languages.i18n import lazy_gettext as _l
from ..plugin_host import gather
from ..web.forms import ConfirmForm
from ..web.permissions import can, permission_required
from . import left_out
from .jobs import editions, latest_files, not_published, undecided
from .models import Bulletin

blueprint = Blueprint("publications", __name__, url_prefix="/publications")
VIEW, EDIT = "core.publications.view", "core.publications.edit"


class IntroductionForm(FlaskForm):
    introduction_en = TextAreaField(_l("Introduction in English"), validators=[Length(max=20000)])
    introduction_fr = TextAreaField(_l("Introduction in French"), validators=[Length(max=20000)])
    introduction_es = TextAreaField(_l("Introduction in Spanish"), validators=[Length(max=20000)])


def _choice() -> tuple[int, int, str]:
    """The month, year and language asked for, when valid; else the previous month, in the reader's language."""
    year, month = publications.previous_month(utcnow().date())
    raw_year, raw_month = request.args.get("year", ""), request.args.get("month", "")
    if raw_year.isdecimal() and len(raw_year) == 4 and raw_month.isdecimal() and len(raw_month) <= 2 and 2000 <= int(raw_year) <= utcnow().year + 1 \
            and 1 <= int(raw_month) <= 12:
        year, month = int(raw_year), int(raw_month)
    language = request.args.get("language", "")
    if language not in current_app.config["LANGUAGES"]:
        language = str(get_locale() or "en")
    return year, month, language


@blueprint.route("/bulletin")
@permission_required(VIEW)
def bulletin():
    year, month, language = _choice()
    return render_bulletin(year, month, language)


def render_bulletin(year: int, month: int, language: str, form: IntroductionForm | None = None,
                    errors: list[str] | None = None, status: int = 200):
    """The bulletin as readers will see it (the disclosure guard's masks applied) and, for editors, the form that
    shapes it and the guard's preflight."""
    shaped = publications.edition(year, month)
    document = publications.bulletin(year, month, language)
    guard = Guard(None, external=True, decisions=shaped.disclosure_decisions if shaped else {})
    check = preflight.summary(guard.preflight(document), guard.decisions) if can(EDIT) else None
    items = []
    if can(EDIT):
        with force_locale(language):
            sections = gather.bulletin_sections(year, month, language)
        dropped = set(shaped.dropped or []) if shaped else set()
        items = [(section, item, item.key in dropped)
                 for section, listed in publications.arranged(sections, shaped, keep_dropped=True) for item in listed]
        form = form or IntroductionForm(obj=shaped, formdata=None)
    return render_template("core/publications/bulletin.html", document=guard.masked(document), check=check,
                           decisions=guard.decisions, reason=shaped.disclosure_reason if shaped else "",
                           kind_labels=preflight.KIND_LABELS, reason_labels=preflight.REASON_LABELS,
                           left_out=[str(line) for line in left_out.BULLETIN], year=year, month=month,
                           language=language, kinds=lambda block: type(block).__name__,
                           years=range(utcnow().year, 1999, -1), shaped=shaped, form=form, items=items,
                           errors=errors or [],
                           files=latest_files(year, month)), status


def _month(year: int, month: int) -> None:
    if not (2000 <= year <= utcnow().year + 1 and 1 <= month <= 12):
        abort(404)


@blueprint.route("/bulletin/<int:year>/<int:month>", methods=["POST"])
@permission_required(EDIT)
def edit_bulletin(year: int, month: int):
    """Save the introduction, the order (a number per item) and the items left out; nothing is saved when a
    number is wrong."""
    _month(year, month)
    language = request.form.get("language", "")
    language = language if language in current_app.config["LANGUAGES"] else str(get_locale() or "en")
    if _locked(year, month):
        return redirect(url_for("publications.bulletin", year=year, month=month, language=language))
    form = IntroductionForm()
    keys = [key for key in request.form.getlist("item") if 0 < len(key) <= 120][:2000]  # item keys are short
    positions, errors = {}, []
    for key in keys:
        raw = request.form.get(f"position:{key}", "").strip()
        if not (raw.isdecimal() and len(raw) <= 4) or not 1 <= int(raw) <= 9999:
            errors.append(_("Give each item a position from 1 to 9999 (not “%(value)s”).", value=raw[:20]))
        else:
            positions[key] = int(raw)
    if not form.validate_on_submit() or errors:
        db.session.rollback()
        return render_bulletin(year, month, language, form, sorted(set(errors)), 422)
    shaped = publications.edition(year, month) or Bulletin(year=year, month=month)
    for name in ("introduction_en", "introduction_fr", "introduction_es"):
        setattr(shaped, name, (form[name].data or "").strip())
    shaped.item_order = sorted(positions, key=lambda key: (positions[key], keys.index(key)))
    shaped.dropped = sorted(key for key in keys if request.form.get(f"drop:{key}"))
    db.session.add(shaped)
    db.session.commit()
    flash(_("The bulletin was saved."), "success")
    return redirect(url_for("publications.bulletin", year=year, month=month, language=language))


@blueprint.route("/bulletin/<int:year>/<int:month>/disclosure", methods=["POST"])
@permission_required(EDIT)
def decide_bulletin(year: int, month: int):
    """Keep the editors' decisions on the names the guard found ambiguous in the bulletin (in the language shown),
    with their reason: every build of this bulletin applies them."""
    _month(year, month)
    language = request.form.get("language", "")
    language = language if language in current_app.config["LANGUAGES"] else str(get_locale() or "en")
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if _locked(year, month):
        return redirect(url_for("publications.bulletin", year=year, month=month, language=language))
    shaped = publications.edition(year, month) or Bulletin(year=year, month=month)
    hits = Guard(None, external=True).preflight(publications.bulletin(year, month, language))
    problem = preflight.keep_decisions(shaped, request.form, hits, shaped.name)
    if problem:
        db.session.rollback()
        flash(problem, "danger")
    else:
        db.session.add(shaped)
        db.session.commit()
        flash(_("Your decisions were kept: every build of this bulletin applies them."), "success")
    return redirect(url_for("publications.bulletin", year=year, month=month, language=language) + "#preflight")


@blueprint.route("/bulletin/<int:year>/<int:month>/publish", methods=["POST"])
@permission_required(EDIT)
def publish_bulletin(year: int, month: int):
    """Publish the bulletin and build its files, once every language passes the guard's preflight: while a name
    waits for a decision, its files would be refused, so nothing is published."""
    _month(year, month)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if _locked(year, month):  # published already: its edition stays as it was
        return redirect(url_for("publications.bulletin", year=year, month=month))
    shaped = publications.edition(year, month) or Bulletin(year=year, month=month)
    waiting = undecided(editions(lambda language: publications.bulletin(year, month, language), shaped))
    if waiting:  # its files would be refused: nothing is published, and the page asks for the decisions
        db.session.rollback()
        flash(not_published(waiting), "danger")
        shown = request.form.get("language", "")
        return redirect(url_for("publications.bulletin", year=year, month=month,
                                language=shown if shown in waiting else next(iter(waiting))) + "#preflight")
    shaped.status, shaped.published_at, shaped.published_by_id = Bulletin.PUBLISHED, utcnow(), current_user.id
    db.session.add(shaped)
    db.session.commit()
    _build_files(year, month)  # the published edition, as it was on publication
    flash(_("The bulletin is published; its files in every language and format are being built."), "success")
    return redirect(url_for("publications.bulletin", year=year, month=month,
                            language=request.form.get("language", "en")))


@blueprint.route("/bulletin/<int:year>/<int:month>/reopen", methods=["POST"])
@permission_required(EDIT)
def reopen_bulletin(year: int, month: int):
    """Back to a draft, to correct it (then publish it again, which builds its files again)."""
    _month(year, month)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    shaped = publications.edition(year, month)
    if shaped is None or shaped.status != Bulletin.PUBLISHED:
        abort(404)
    shaped.status, shaped.published_at, shaped.published_by_id = Bulletin.DRAFT, None, None
    db.session.commit()
    flash(_("The bulletin is open for corrections; publish it again when they are done."), "success")
    return redirect(url_for("publications.bulletin", year=year, month=month))


def _locked(year: int, month: int) -> bool:
    """A published bulletin changes only after it is reopened: what was sent must stay what we have."""
    shaped = publications.edition(year, month)
    if shaped is not None and shaped.status == Bulletin.PUBLISHED:
        flash(_("The bulletin is published: reopen it for corrections first."), "danger")
        return True
    return False


def _build_files(year: int, month: int):
    return jobs.enqueue("core.publications.jobs.build_bulletin_files", user=current_user, year=year, month=month,
                        title=_("Monthly bulletin — %(period)s", period=format_date(date(year, month, 1), "month")))


@blueprint.route("/bulletin/<int:year>/<int:month>/files", methods=["POST"])
@permission_required(EDIT)
def build_bulletin_files(year: int, month: int):
    """Build every language and format of the month's bulletin in one ZIP (as the scheduler does on the 1st)."""
    _month(year, month)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if _locked(year, month):
        return redirect(url_for("publications.bulletin", year=year, month=month))
    return redirect(url_for("jobs.show", job_id=_build_files(year, month).id))


@blueprint.route("/bulletin/<int:year>/<int:month>/files.zip")
@permission_required(VIEW)
def bulletin_files(year: int, month: int):
    """The month's latest files, whoever (or the scheduler) built them."""
    _month(year, month)
    job = latest_files(year, month)
    if job is None or job.status != job.FINISHED or job.result_data is None:
        abort(404)
    return door.send_result(job)


@blueprint.route("/bulletin.<fmt>")
@permission_required(VIEW)
def bulletin_file(fmt: str):
    if fmt not in documents.FORMATS:
        abort(404)
    year, month, language = _choice()
    shaped = publications.edition(year, month)
    kept = shaped.disclosure_decisions if shaped else {}
    if can(EDIT):  # its editors decide on the bulletin's page; a refused download leads them back there
        guard = request_guard(None, external=True, step=url_for("publications.bulletin", year=year, month=month,
                                                                 language=language) + "#preflight")
        guard.decisions = {**guard.decisions, **kept}
    else:
        guard = Guard(None, external=True, decisions=kept)
    document = publications.bulletin(year, month, language)
    if not can(EDIT):
        try:
            guard.release(document)
        except Blocked:  # only its editors decide what may leave; readers are told, and shown nothing more
            return render_template("errors/error.html", code=409, title=_("Not ready"), message=_(
                "The bulletin holds a name its editors have not decided yet. Ask them to decide it on the "
                "bulletin's page.")), 409
    return documents.download(document, fmt, f"bulletin-{year}-{month:02d}-{language}", guard)
