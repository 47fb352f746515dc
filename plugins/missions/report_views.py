"""The mission report in three languages, its documents, and its recommendations followed over time."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from core.api import (
    DOCUMENT_FORMATS,
    AttachmentForm,
    attachments_of,
    can,
    db,
    download_document,
    permission_required,
    request_guard,
    utcnow,
)
from core.api import gettext as _

from . import services
from .forms import ADDRESSEES, RECOMMENDATION_STATUSES, FollowUpForm, RecommendationForm, ReportForm
from .models import LANGUAGES, ChecklistAnswer, Hearing, Mission, MissionDefender, Recommendation, RecommendationUpdate
from .report import report_document
from .views import load_mission

PARTS = ("title", "summary", "findings")


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


@permission_required(services.VIEW)
def report_file(mission_id: int):
    """The report (or, with ``part=findings``, its findings) in the ``language`` and ``format`` asked for."""
    fmt = request.args.get("format", "")
    if fmt not in DOCUMENT_FORMATS:
        abort(404)
    mission = load_mission(mission_id, _document_options)
    language = request.args.get("language", "")
    if language not in mission.report_languages():
        abort(404)
    findings_only = request.args.get("part") == "findings"
    document = report_document(mission, language, findings_only=findings_only)
    guard = request_guard(current_user, external=True, records=[("mission", mission.id)])
    return download_document(document, fmt, f"{'findings' if findings_only else 'report'}-{mission.id}-{language}",
                              guard)


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
