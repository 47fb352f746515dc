"""The mission report in three languages, its documents, and its recommendations followed over time."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from core.api import (
    DOCUMENT_FORMATS,
    RESTRICTED,
    AttachmentForm,
    PreflightStep,
    attachments_of,
    can,
    db,
    download_document,
    permission_required,
    preflight_step_page,
    request_guard,
    utcnow,
)
from core.api import gettext as _
from core.api import lazy_gettext as _l

from . import services
from .forms import ADDRESSEES, RECOMMENDATION_STATUSES, FollowUpForm, RecommendationForm, ReportForm
from .models import LANGUAGES, ChecklistAnswer, Hearing, Mission, MissionDefender, Recommendation, RecommendationUpdate
from .report import report_document
from .views import load_mission

PARTS = ("title", "summary", "findings")
LANGUAGE_NAMES = {"en": _l("English"), "fr": _l("French"), "es": _l("Spanish")}
FORMAT_NAMES = {"pdf": "PDF", "docx": "DOCX", "html": "HTML"}
#: What a report never carries, said on its preflight.
REPORT_LEFT_OUT = (
    _l("The security assessment, the delegates' contacts and the budget are never in a report."),
    _l("Defenders who did not consent to be named appear under their publishable names only; their contacts, "
       "addresses and families never leave."),
)


def _load(mission_id: int) -> Mission:
    return load_mission(mission_id, _report_options)


def _report_options() -> tuple:
    return (selectinload(Mission.reports), selectinload(Mission.recommendations).selectinload(Recommendation.updates)
            .joinedload(RecommendationUpdate.by).lazyload("*"))


def _document_options() -> tuple:
    return (selectinload(Mission.reports), selectinload(Mission.recommendations),
            selectinload(Mission.hearings).selectinload(Hearing.answers).joinedload(ChecklistAnswer.term),
            selectinload(Mission.defender_links).joinedload(MissionDefender.defender))


def _render(mission: Mission, status: int = 200, **forms):
    report_form = forms.get("report_form")
    if report_form is None:
        report_form = ReportForm(formdata=None, published_on=mission.report_published_on)
        for report in mission.reports:
            for part in PARTS:
                report_form[f"{part}_{report.language}"].data = getattr(report, part)
    return render_template(
        "missions/report.html", mission=mission, report_form=report_form, can_edit=can(services.EDIT),
        recommendation_form=forms.get("recommendation_form") or RecommendationForm(formdata=None),
        follow_up_form=FollowUpForm(formdata=None, noted_on=utcnow().date()), failed_form=forms.get("failed_form"),
        failed_recommendation=forms.get("failed_recommendation"), addressees=ADDRESSEES,
        implementation=RECOMMENDATION_STATUSES, languages=LANGUAGES, attachments=attachments_of(mission),
        attachment_form=AttachmentForm), status


@permission_required(services.VIEW)
def report(mission_id: int):
    mission = _load(mission_id)
    if request.method == "GET":
        return _render(mission)
    if not can(services.EDIT):
        abort(403)
    form = ReportForm()
    if not form.validate_on_submit():
        db.session.rollback()
        return _render(mission, 422, report_form=form)
    texts = {language: {part: form[f"{part}_{language}"].data for part in PARTS} for language in LANGUAGES}
    services.save_report(mission, texts, form.published_on.data)
    flash(_("The report was saved."), "success")
    return redirect(url_for("missions.report", mission_id=mission.id))


def _asked(mission_id: int) -> tuple[Mission, str, bool]:
    """The mission, the report's language and whether only its findings are asked for."""
    mission = load_mission(mission_id, _document_options)
    language = request.args.get("language", "")
    if language not in mission.report_languages():
        abort(404)
    return mission, language, request.args.get("part") == "findings"


def _report_guard(mission: Mission, language: str, findings_only: bool):
    """The report's guard, with the decisions taken on its preflight step (the same for every format)."""
    return request_guard(current_user, external=True, records=[("mission", mission.id)],
                         step=url_for("missions.report_check", mission_id=mission.id, language=language,
                                      **({"part": "findings"} if findings_only else {})))


@permission_required(services.VIEW)
def report_check(mission_id: int):
    """The report's (or its findings') preflight: what the disclosure guard found, what waits, the build."""
    mission, language, findings_only = _asked(mission_id)
    guard = _report_guard(mission, language, findings_only)
    part = {"part": "findings"} if findings_only else {}
    builds = [(_("Build the findings (%(format)s)", format=label) if findings_only
               else _("Build the report (%(format)s)", format=label),
               url_for("missions.report_file", mission_id=mission.id, language=language, format=fmt, **part))
              for fmt, label in FORMAT_NAMES.items()]
    left_out = [str(line) for line in REPORT_LEFT_OUT]
    hidden = sum(1 for link in mission.defender_links if link.on_trial and link.defender.confidentiality == RESTRICTED)
    if hidden:
        left_out.append(_("%(num)d restricted defender on trial is left out of the defendants.", num=hidden)
                        if hidden == 1 else
                        _("%(num)d restricted defenders on trial are left out of the defendants.", num=hidden))
    if findings_only:
        left_out.append(_("The summary: only the findings, the trial and the recommendations are in."))
    document = report_document(mission, language, findings_only=findings_only)
    return preflight_step_page(PreflightStep(
        address=guard.step, title=document.title, subtitle=f"{mission.title} · {LANGUAGE_NAMES[language]}",
        guard=guard, content=document, output=f"Mission {mission.id} {'findings' if findings_only else 'report'} "
                                               f"({language})", builds=builds,
        back=(_("Back to the report"), url_for("missions.report", mission_id=mission.id)), left_out=left_out))


@permission_required(services.VIEW)
def report_file(mission_id: int):
    """The report (or, with ``part=findings``, its findings) in the ``language`` and ``format`` asked for,
    applying the decisions taken on its preflight (refused while one waits)."""
    fmt = request.args.get("format", "")
    if fmt not in DOCUMENT_FORMATS:
        abort(404)
    mission, language, findings_only = _asked(mission_id)
    document = report_document(mission, language, findings_only=findings_only)
    return download_document(document, fmt, f"{'findings' if findings_only else 'report'}-{mission.id}-{language}",
                             _report_guard(mission, language, findings_only))


@permission_required(services.EDIT)
def add_recommendation(mission_id: int):
    mission = _load(mission_id)
    form = RecommendationForm()
    if not form.validate_on_submit():
        db.session.rollback()
        return _render(mission, 422, recommendation_form=form)
    services.add_recommendation(mission, form.text.data, form.addressee_kind.data, form.addressee.data or "")
    flash(_("The recommendation was added."), "success")
    return redirect(url_for("missions.report", mission_id=mission.id) + "#recommendations")


@permission_required(services.EDIT)
def follow_up(mission_id: int, recommendation_id: int):
    mission = _load(mission_id)
    recommendation = next((r for r in mission.recommendations if r.id == recommendation_id), None)
    if recommendation is None:
        abort(404)
    form = FollowUpForm()
    if not form.validate_on_submit():
        db.session.rollback()
        return _render(mission, 422, failed_form=form, failed_recommendation=recommendation_id)
    services.follow_up(recommendation, form.status.data, form.noted_on.data, form.note.data or "", current_user)
    flash(_("The follow-up was recorded."), "success")
    return redirect(url_for("missions.report", mission_id=mission.id) + f"#recommendation-{recommendation.id}")
