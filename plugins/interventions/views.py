"""Case pages: list, intake form, the case file (defenders, verification, actions, timeline)."""
from __future__ import annotations

from datetime import timezone
from typing import Mapping, NamedTuple

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_timezone
from flask_login import current_user
from sqlalchemy import or_, select

from core.api import (
    EXPORT_PERMISSION,
    REGIONS,
    ConfirmForm,
    CountryChoice,
    Defender,
    Guard,
    Partner,
    assignee_ids,
    can,
    countries_by_id,
    country_choices,
    country_named,
    country_options,
    db,
    defender_search,
    enqueue_job,
    fragment,
    id_url,
    in_language,
    inputs_of,
    json_answer,
    paginate,
    permission_required,
    the_user,
    utcnow,
    visible,
    visible_ids,
    visible_record,
)
from core.api import gettext as _

from . import queries, services, timeline
from .forms import (
    ACTION_STATUS_LABELS,
    ACTION_TYPES,
    ACTS,
    ANSWERS,
    CASE_STATUS_LABELS,
    OUTCOMES,
    PERPETRATOR_KINDS,
    PERPETRATOR_TYPES,
    PRIORITY_LABELS,
    RELIABILITY,
    SOURCE_LABELS,
    VERIFICATION_DECISIONS,
    VERIFICATION_LABELS,
    CaseForm,
)
from .models import Case, reference_code

FILTERS = ("q", "country", "region", "status", "verification", "violation", "action_type", "action_stage", "year",
           "officer", "confidentiality", "sort")


def visible_case(case_id: int) -> Case:
    return visible_record(Case, case_id)


@permission_required(services.VIEW)
def index():
    filters = services.CaseFilters(**{key: request.args.get(key, "")[:100] for key in FILTERS})
    # a full-text search finds its matches before they are ordered: read their ids first (core.web.pagination)
    pagination = paginate(queries.cases_query(current_user, filters), columns=LIST_COLUMNS,
                          deferred=bool(filters.q.strip()))
    pagination.items = _case_rows(pagination.items)
    violations, staff = queries.filter_choices()
    filter_form = fragment("interventions/_filters.html", FILTER_CONSTANTS, filters=filters,
                           violations=tuple((term.key, term.label) for term in violations),
                           officers=inputs_of(staff))
    return render_template("interventions/index.html", pagination=pagination, filters=filters,
                           filter_form=filter_form, verification_labels=in_language(VERIFICATION_LABELS),
                           status_labels=in_language(CASE_STATUS_LABELS))


FILTER_CONSTANTS = {"country_options": country_options, "regions": REGIONS, "action_types": ACTION_TYPES,
                    "action_stages": ACTION_STATUS_LABELS,
                    "verification_labels": VERIFICATION_LABELS, "status_labels": CASE_STATUS_LABELS}


# What a row of the list shows, read as plain rows (descriptions and sources stay unread).
LIST_COLUMNS = (Case.id, Case.title, Case.country_id, Case.country_number, Case.first_issued, Case.obs_number,
                Case.verification, Case.status, Case.confidentiality)


class CaseRow(NamedTuple):
    """A case as its list shows it."""

    id: int
    title: str
    reference: str | None
    country: CountryChoice | None
    verification: str
    status: str
    confidentiality: str


def _case_rows(rows: list) -> list[CaseRow]:
    countries = countries_by_id()
    listed = []
    # unpacked in LIST_COLUMNS' order: a row's attributes are looked up by name, 7 a row, 25 rows a page
    for case_id, title, country_id, country_number, first_issued, obs_number, verification, status, \
            confidentiality in rows:
        country = countries.get(country_id)
        reference = reference_code(country.alpha3, country_number, first_issued, obs_number) \
            if obs_number is not None and country else None
        listed.append(CaseRow(case_id, title, reference, country, verification, status, confidentiality))
    return listed


@permission_required(EXPORT_PERMISSION)
def export():
    if not ConfirmForm().validate_on_submit() or request.form.get("format") not in ("csv", "xlsx"):
        abort(400)
    filters = {key: request.form.get(key, "")[:100] for key in FILTERS}
    job = enqueue_job("plugins.interventions.exports.export_cases", title=_("Export of intervention cases"),
                       user=current_user, user_id=current_user.id, filters=filters, fmt=request.form["format"])
    return redirect(url_for("jobs.show", job_id=job.id))


def partner_choices(country_id: int | None) -> list[tuple[int, str]]:
    """Partners of the case's country and those with no country (international networks), as the user sees them."""
    if country_id is None:
        return []
    rows = db.session.execute(select(Partner.id, Partner.name).where(
        visible(Partner, current_user), or_(Partner.country_id == country_id, Partner.country_id.is_(None)))
        .order_by(Partner.name).limit(500))
    return [(row.id, row.name) for row in rows]


def _case_form(case: Case | None) -> CaseForm:
    form = CaseForm(obj=case)
    form.country.choices = [("", _("Choose a country"))] + [(c.alpha3, c.name) for c in country_choices()]
    violations, staff = queries.filter_choices()
    form.violations.choices = [(t.id, t.label) for t in violations]
    form.assignees.choices = [(u.id, u.name) for u in staff]
    chosen = form.country.data if form.is_submitted() else (case.country.alpha3 if case else request.args.get("country"))
    country = country_named(chosen) if chosen else None
    form.source_partner.choices = [(0, _("— none or not listed —"))] + partner_choices(country.id if country else None)
    if not form.is_submitted():  # the form shows times in the user's time zone, without offset
        form.received_at.data = (case.received_at if case else utcnow()).astimezone(get_timezone()).replace(tzinfo=None)
    if case is not None and not form.is_submitted():
        form.country.data = case.country.alpha3
        form.violations.data = [t.id for t in case.violations]
        form.assignees.data = sorted(assignee_ids(case))
        form.source_partner.data = case.source_partner_id or 0
        for entry, perpetrator in zip(form.perpetrators.entries, case.perpetrators):
            entry.form.type.data, entry.form.details.data = perpetrator.type, perpetrator.details
    return form


@permission_required(services.EDIT)
def source_partners():
    """The source partners a report of the chosen country may name (``?country=TUR``), for the registration
    form's script: the same list, by the same visibility rule, as the form offers; released by the disclosure
    guard as the reader's own data."""
    code = request.args.get("country", "")[:3]
    country = country_named(code) if code else None
    choices = [(0, _("— none or not listed —"))] + partner_choices(country.id if country else None)
    return json_answer({"country": country.alpha3 if country else "",
                        "choices": [{"value": str(value), "label": label} for value, label in choices]},
                       Guard(current_user, external=False, unattended=True))


def _save(form: CaseForm, case: Case | None):
    if form.is_submitted() and SHOW_PARTNERS in request.form:
        # without JavaScript: the partners of the country just chosen, and nothing saved yet
        return render_template("interventions/form.html", form=form, case=case, partners_url=_partners_url())
    if form.validate_on_submit():
        data = {name: form[name].data for name in ("title", "events_date", "source_kind", "received_via", "priority",
                                                   "confidentiality")}
        data.update({name: (form[name].data or "").strip() for name in ("events_place", "description",
                                                                         "source_details")})
        data["title"] = data["title"].strip()
        data["country"] = country_named(form.country.data)
        data["received_at"] = form.received_at.data.replace(tzinfo=get_timezone()).astimezone(timezone.utc)
        data["source_partner_id"] = form.source_partner.data or None
        saved = services.save_case(case or Case(), data, [link.defender_id for link in case.links] if case else [],
                                   form.violations.data or [], form.perpetrator_rows(),
                                   set(form.assignees.data or []), current_user)
        flash(_("The case was saved.") if case else _("The case was registered. Add the defenders it concerns."),
              "success")
        return redirect(url_for("interventions.show", case_id=saved.id))
    return render_template("interventions/form.html", form=form, case=case, partners_url=_partners_url()), \
        422 if form.errors else 200


#: The form's button that asks for the partners of the chosen country (a script does it as the country changes).
SHOW_PARTNERS = "show_partners"


def _partners_url() -> str:
    return url_for("interventions.source_partners")


@permission_required(services.EDIT)
def create():
    return _save(_case_form(None), None)


@permission_required(services.EDIT)
def edit(case_id: int):
    case = visible_case(case_id)
    return _save(_case_form(case), case)


@permission_required(services.VIEW)
def show(case_id: int):
    return _render_case(visible_record(Case, case_id, load=queries.case))


def _render_case(case: Case):
    """The case page, to read: its steps (verification, outcome, closing...) each have a page of their own."""
    can_edit = can(services.EDIT)
    hours = current_app.config["INTERVENTIONS_VERIFICATION_HOURS"]
    # Linked defenders and partners the user may not see (restricted, not assigned) are not named here.
    user = the_user(current_user)
    parts = queries.parts(case.id, services.sees_confidential(user))
    developments = parts.developments
    partners = [c.partner for c in parts.consultations] + ([parts.source_partner] if parts.source_partner else []) \
        + [d.source_partner for d in developments if d.source_partner is not None]
    shown = {"defenders": visible_ids(Defender, parts.defenders, user), "partners": visible_ids(Partner, partners, user)}
    defenders = [defender for defender in parts.defenders if defender.id in shown["defenders"]]
    actions = queries.actions(case.id)
    return render_template(
        "interventions/show.html", case=case, parts=parts, can_edit=can_edit, defenders=defenders, shown=shown,
        actions=actions,
        defender_search=defender_search(case),
        overdue=services.overdue(case, hours), hours=hours,
        timeline=timeline.case_timeline(case, parts, actions, shown, developments),
        developments=developments,
        new_developments=len(services.new_developments(developments, services.last_public_action_at(actions))),
        can_verify=can("interventions.verify"), can_override=can("interventions.override"),
        assignees=parts.assignees, links=_case_links(case.id), defender_url=id_url("defenders.show", "defender_id"),
        action_url=id_url("interventions.action", "action_id"), **_case_labels())


#: The case's own pages that its page links to, by endpoint (each takes the case's id).
CASE_LINKS = ("show", "edit", "new_action", "outcome", "reopen", "close", "consult", "verify",
              "override", "add_development")


def _case_links(case_id: int) -> dict[str, str]:
    """The addresses of the case's own pages (``core.web.navigation.id_url``: a dozen ``url_for`` calls took a
    twentieth of the page's time)."""
    return {name: id_url(f"interventions.{name}", "case_id")(case_id) for name in CASE_LINKS}


def _case_labels() -> dict[str, Mapping[str, str]]:
    """The labels the case page shows, in the user's language."""
    return {name: in_language(labels) for name, labels in (
        ("action_types", ACTION_TYPES), ("answers", ANSWERS), ("perpetrator_types", PERPETRATOR_TYPES),
        ("outcomes", OUTCOMES), ("verification_labels", VERIFICATION_DECISIONS),
        ("status_labels", ACTION_STATUS_LABELS), ("priorities", PRIORITY_LABELS), ("sources", SOURCE_LABELS),
        ("acts", ACTS), ("perpetrator_kinds", PERPETRATOR_KINDS), ("reliability", RELIABILITY))}


def outcome_choices(defenders: list[Defender]) -> list[tuple[int, str]]:
    """The whole case, or one of its defenders the user may see."""
    return [(0, _("The whole case"))] + [(d.id, d.name) for d in defenders]


def step_page(case: Case, form, heading: str, **context):
    """A page of its own for one step of a case (a decision, an outcome, closing...): the case page stays a
    page to read, and a form with errors comes back alone, with what was typed (422; nothing saved)."""
    return render_template("interventions/step.html", case=case, form=form, heading=heading, **context), \
        422 if form.errors else 200
