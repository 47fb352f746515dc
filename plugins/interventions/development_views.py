"""Developments of a case (an arrest, a threat, a raid... after the report): added in a few clicks from the case
page, each on a small page of its own; changed and deleted with the audit trail keeping each step."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import abort, flash, redirect, url_for
from flask_babel import get_timezone
from flask_login import current_user
from sqlalchemy import select

from core.api import ConfirmForm, db, permission_required, utcnow
from core.api import gettext as _

from . import services
from .forms import DevelopmentForm
from .models import Case, Development
from .views import partner_choices, step_page, visible_case


def _form(case: Case, development: Development | None) -> DevelopmentForm:
    form = DevelopmentForm(obj=development)
    form.source_partner.choices = [(0, _("— none or not listed —"))] + partner_choices(case.country_id)
    if not form.is_submitted():
        if development is None:
            form.occurred_on.data = utcnow().date()
        else:
            form.source_partner.data = development.source_partner_id or 0
            if development.occurred_at is not None:
                form.occurred_time.data = development.occurred_at.astimezone(get_timezone()).time()
    return form


def _data(form: DevelopmentForm) -> dict:
    day, moment = form.occurred_on.data, None
    if form.occurred_time.data is not None:  # typed in the user's time zone, kept in UTC
        moment = datetime.combine(day, form.occurred_time.data).replace(tzinfo=get_timezone()) \
            .astimezone(timezone.utc)
    return {"occurred_on": day, "occurred_at": moment, "act": form.act.data, "perpetrator": form.perpetrator.data,
            "what": (form.what.data or "").strip(), "place": (form.place.data or "").strip(),
            "source_partner_id": form.source_partner.data or None,
            "source_details": (form.source_details.data or "").strip(), "reliability": form.reliability.data,
            "confidential": bool(form.confidential.data)}


def _development(case: Case, development_id: int) -> Development:
    """One of the case's developments (404 for another case's)."""
    development = db.session.scalar(select(Development).where(Development.id == development_id,
                                                              Development.case_id == case.id))
    if development is None:
        abort(404)
    return development


@permission_required(services.EDIT)
def add_development(case_id: int):
    case = visible_case(case_id)
    form = _form(case, None)
    if form.validate_on_submit():
        services.save_development(Development(case_id=case.id), _data(form), current_user)
        flash(_("The development was added."), "success")
        return redirect(url_for("interventions.show", case_id=case.id) + "#developments")
    return step_page(case, form, _("Add a development"))


@permission_required(services.EDIT)
def edit_development(case_id: int, development_id: int):
    case = visible_case(case_id)
    development = _development(case, development_id)
    form = _form(case, development)
    if form.validate_on_submit():
        services.save_development(development, _data(form), current_user)
        flash(_("The development was saved."), "success")
        return redirect(url_for("interventions.show", case_id=case.id) + "#developments")
    return step_page(case, form, _("Change a development"), delete_url=url_for(
        "interventions.delete_development", case_id=case.id, development_id=development.id))


@permission_required(services.EDIT)
def delete_development(case_id: int, development_id: int):
    case = visible_case(case_id)
    development = _development(case, development_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.delete_development(development)
    flash(_("The development was deleted."), "success")
    return redirect(url_for("interventions.show", case_id=case.id) + "#developments")
