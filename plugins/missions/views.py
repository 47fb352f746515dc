"""Mission pages: list, plan and edit, the overview (workflow, people and records concerned), security."""
from __future__ import annotations

from typing import Callable

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from core.api import (
    REGIONS,
    User,
    assignee_ids,
    assignee_names,
    can,
    country_choices,
    country_named,
    country_options,
    currency_choices,
    db,
    defender_search,
    links_of,
    paginate,
    partner_search,
    permission_required,
    visible_ids,
    visible_record,
)
from core.api import gettext as _

from . import services
from .forms import (
    DELEGATE_KINDS,
    STATUS_LABELS,
    MissionForm,
    SecurityForm,
    StepForm,
)
from .models import Delegate, Mission, MissionDefender, MissionPartner, MissionStep

FILTERS = ("q", "type", "status", "country", "region", "year", "sort")


def mission_helpers() -> dict:
    """What every mission page's header needs: status names and whether the security tab is shown."""
    return {"statuses": {key: str(label) for key, label in STATUS_LABELS.items()},  # translated once per page
            "security_visible": lambda mission, assigned_ids=None:
            services.may_see_security(mission, current_user, assigned_ids)}


def visible_mission(mission_id: int) -> Mission:
    return visible_record(Mission, mission_id)


@permission_required(services.VIEW)
def index():
    filters = services.MissionFilters(**{key: request.args.get(key, "")[:100] for key in FILTERS})
    pagination = paginate(services.missions_query(current_user, filters), selectinload(Mission.country_links))
    types = services.mission_types(active_only=False)  # retired types still name their missions
    return render_template("missions/index.html", pagination=pagination, filters=filters,
                           country_options=country_options, regions=REGIONS,
                           types=[t for t in types if t.active], type_labels={t.id: t.label for t in types})


def staff() -> list:
    """(id, name) rows of active staff, for choices: no need to load their roles."""
    return db.session.execute(select(User.id, User.name).where(User.active.is_(True)).order_by(User.name)).all()


def _mission_form(mission: Mission | None) -> MissionForm:
    form = MissionForm(obj=mission)
    form.type.choices = [(t.id, t.label) for t in services.mission_types(active_only=mission is None)]
    form.countries.choices = [(c.alpha3, c.name) for c in country_choices()]
    form.reporting_currency.choices = currency_choices(mission.reporting_currency if mission else None)
    form.assignees.choices = [(u.id, u.name) for u in staff()]
    if mission is not None and not form.is_submitted():
        form.type.data = mission.type_id
        form.countries.data = [c.alpha3 for c in mission.countries]
        form.assignees.data = sorted(assignee_ids(mission))
    return form


def _save(form: MissionForm, mission: Mission | None):
    if form.validate_on_submit():
        data = {name: form[name].data for name in ("start_date", "end_date", "reporting_currency", "confidentiality")}
        data.update({name: (form[name].data or "").strip() for name in (
            "title", "terms_of_reference", "objectives", "court", "court_case_number", "charges")})
        data["type_id"] = form.type.data
        country_ids = [country.id for country in map(country_named, form.countries.data) if country]
        saved = services.save_mission(mission or Mission(), data, country_ids, set(form.assignees.data or []),
                                      current_user)
        flash(_("The mission was saved."), "success")
        return redirect(url_for("missions.show", mission_id=saved.id))
    return render_template("missions/form.html", form=form, mission=mission), 422 if form.errors else 200


@permission_required(services.EDIT)
def create():
    return _save(_mission_form(None), None)


@permission_required(services.EDIT)
def edit(mission_id: int):
    mission = visible_mission(mission_id)
    return _save(_mission_form(mission), mission)


def _no_options() -> tuple:
    return ()


def load_mission(mission_id: int, options: Callable[[], tuple] = _no_options) -> Mission:
    """The mission with its type and countries joined (and the loader ``options()`` of the page), if the user
    may see it (``visible_record``: 404 otherwise, and a restricted mission's view audited)."""
    return visible_record(Mission, mission_id, load=lambda found_id: db.session.scalars(
        select(Mission).where(Mission.id == found_id).options(
            joinedload(Mission.type), joinedload(Mission.country_links), *options())).unique().first())


@permission_required(services.VIEW)
def show(mission_id: int):
    return render_overview(load_mission(mission_id, _overview_options))


def _overview_options() -> tuple:
    """Steps (a few rows) joined into the mission's own query, as its countries are; the larger lists read
    in one query each."""
    return (joinedload(Mission.steps).joinedload(MissionStep.by).lazyload("*"),
            selectinload(Mission.defender_links).joinedload(MissionDefender.defender),
            selectinload(Mission.partner_links).joinedload(MissionPartner.partner),
            selectinload(Mission.delegates).joinedload(Delegate.user).lazyload("*"),
            selectinload(Mission.record_links))


def render_overview(mission: Mission, status: int = 200, **forms):
    can_edit = can(services.EDIT)
    assignees = assignee_names(mission)
    return render_template(
        "missions/show.html", mission=mission, can_edit=can_edit, delegate_kinds=DELEGATE_KINDS,
        defender_links=shown_links(mission.defender_links, "defender"),
        partner_links=shown_links(mission.partner_links, "partner"),
        steps=services.available_steps(mission, current_user),
        step_form=forms.get("step_form") or StepForm(formdata=None),
        links=links_of(mission),
        defender_search=defender_search(mission),
        partner_search=partner_search(mission),
        assignees=assignees, assigned_ids={row.id for row in assignees}), status


def shown_links(links: list, attribute: str) -> list:
    """The links to defenders (or partners) the user may see: a restricted one linked to the mission stays
    unnamed for staff not assigned to it."""
    records = [getattr(link, attribute) for link in links]
    seen = visible_ids(type(records[0]), records, current_user) if records else set()
    return [link for link, record in zip(links, records) if record.id in seen]


def page_with_errors(mission_id: int, **forms):
    """The overview again with the submitted form and its errors (422); nothing was saved."""
    db.session.rollback()
    return render_overview(load_mission(mission_id, _overview_options), 422, **forms)


@permission_required(services.VIEW)  # each step checks its own permission (approve, edit) in services.move
def step(mission_id: int):
    mission = visible_mission(mission_id)
    form = StepForm()
    if form.validate_on_submit():
        try:
            services.move(mission, form.target.data, current_user, form.reason.data or "")
        except services.WorkflowError as error:
            form.reason.errors.append(error.message)
        else:
            flash(_("The mission is now: %(status)s.", status=STATUS_LABELS[mission.status]), "success")
            return redirect(url_for("missions.show", mission_id=mission.id))
    return page_with_errors(mission_id, step_form=form)


@permission_required(services.VIEW)
def security(mission_id: int):
    """The security assessment: restricted to admins, assigned staff and holders of the security
    permission; every view is audited."""
    mission = visible_mission(mission_id)
    if not services.may_see_security(mission, current_user):
        abort(403)
    form = SecurityForm(obj=mission)
    if form.is_submitted() and not can(services.EDIT):
        abort(403)
    if form.validate_on_submit():
        for name in ("risk_level", "security_measures", "emergency_contacts"):
            setattr(mission, name, (form[name].data or "").strip())
        db.session.commit()
        flash(_("The security assessment was saved."), "success")
        return redirect(url_for("missions.security", mission_id=mission.id))
    if not form.is_submitted():
        services.viewed_security(mission)
    return render_template("missions/security.html", mission=mission, form=form,
                           can_edit=can(services.EDIT)), 422 if form.errors else 200
