"""Trial observation: the proceedings' hearings, each with its fair-trial checklist, and the summary of the
guarantees not respected across hearings."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy.orm import joinedload, selectinload

from core.api import db, permission_required, utcnow
from core.api import gettext as _

from . import services
from .forms import ANSWERS, HEARING_OUTCOMES, HearingForm, checklist_answers
from .models import ChecklistAnswer, Delegate, Hearing, Mission, MissionDefender
from .views import load_mission, shown_links, visible_mission


def _trial_options() -> tuple:
    return (selectinload(Mission.hearings).joinedload(Hearing.observer).joinedload(Delegate.user).lazyload("*"),
            selectinload(Mission.hearings).selectinload(Hearing.answers).joinedload(ChecklistAnswer.term),
            selectinload(Mission.defender_links).joinedload(MissionDefender.defender))


def _delegates_options() -> tuple:
    return (selectinload(Mission.delegates).joinedload(Delegate.user).lazyload("*"),)


@permission_required(services.VIEW)
def trial(mission_id: int):
    mission = load_mission(mission_id, _trial_options)
    return render_template("missions/trial.html", mission=mission, breaches=services.breaches(mission),
                           defender_links=shown_links(mission.defender_links, "defender"),
                           counts=services.answer_counts, outcomes=HEARING_OUTCOMES, answers=ANSWERS)


def _hearing_form(mission: Mission, hearing: Hearing | None) -> HearingForm:
    form = HearingForm(obj=hearing) if request.method == "POST" else HearingForm(
        formdata=None, obj=hearing, held_on=None if hearing else utcnow().date())
    form.observer.choices = [(0, "—")] + [(d.id, d.display_name) for d in mission.delegates]
    if hearing is not None and request.method != "POST":
        form.observer.data = hearing.observer_id or 0
    return form


def _edit_hearing(mission: Mission, hearing: Hearing | None):
    form = _hearing_form(mission, hearing)
    terms = services.guarantees()
    current = {answer.term_id: answer for answer in hearing.answers} if hearing else {}
    errors: list[str] = []
    if request.method == "POST":
        answers, errors = checklist_answers(form, [term.id for term in terms])
        if form.validate_on_submit() and not errors:
            data = {"held_on": form.held_on.data, "observer_id": form.observer.data or None,
                    "outcome": form.outcome.data, "outcome_details": (form.outcome_details.data or "").strip(),
                    "notes": (form.notes.data or "").strip()}
            saved = services.save_hearing(hearing or Hearing(mission=mission), data, answers)
            flash(_("The hearing was saved."), "success")
            return redirect(url_for("missions.trial", mission_id=mission.id) + f"#hearing-{saved.id}")
    submitted = {term.id: (request.form.get(f"answer-{term.id}", ""), request.form.get(f"notes-{term.id}", ""))
                 for term in terms} if request.method == "POST" else {
        term_id: (answer.answer, answer.notes) for term_id, answer in current.items()}
    status = 422 if form.errors or errors else 200
    return render_template("missions/hearing_form.html", mission=mission, hearing=hearing, form=form, terms=terms,
                           submitted=submitted, checklist_errors=errors, answers=ANSWERS), status


@permission_required(services.EDIT)
def new_hearing(mission_id: int):
    mission = load_mission(mission_id, _delegates_options)
    if not mission.is_trial_observation:
        abort(404)
    return _edit_hearing(mission, None)


@permission_required(services.EDIT)
def edit_hearing(mission_id: int, hearing_id: int):
    mission = visible_mission(mission_id)
    hearing = db.session.scalar(db.select(Hearing).where(Hearing.id == hearing_id, Hearing.mission_id == mission.id)
                                .options(selectinload(Hearing.answers), joinedload(Hearing.observer)))
    if hearing is None:
        abort(404)
    return _edit_hearing(mission, hearing)
