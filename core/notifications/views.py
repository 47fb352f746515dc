"""The user's notifications, their choices, and (for admins) the email outbox."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import delete, insert, select
from wtforms import BooleanField, IntegerField, SubmitField
from wtforms.validators import NumberRange, Optional

from ..extensions import db
from ..languages.i18n import gettext as _
from ..languages.i18n import lazy_gettext as _l
from ..records.pages import countries
from ..web.forms import ConfirmForm, MultiCheckboxField
from ..web.navigation import page_argument, page_size
from ..web.permissions import login_only, permission_required
from .models import (
    Notification,
    NotificationPreference,
    OutboxMessage,
    followed_countries,
)
from .services import kinds, mark_all_read, wording

blueprint = Blueprint("notifications", __name__)
OUTBOX = "core.outbox.view"


class PreferencesForm(FlaskForm):
    countries = MultiCheckboxField(_l("Countries I follow"), coerce=int)
    reminder_days = IntegerField(_l("Remind me this many days before a deadline"), default=3, validators=[
        Optional(), NumberRange(min=0, max=60, message=_l("Give a number of days between 0 and 60."))])
    submit = SubmitField(_l("Save my choices"))


def _preferences_form() -> PreferencesForm:
    """The form with an in-app and an email box per kind of notification."""

    class Form(PreferencesForm):
        pass

    for key, kind in kinds().items():
        setattr(Form, f"{key}_in_app", BooleanField(_l("In Observatory"), default=kind.in_app))
        setattr(Form, f"{key}_email", BooleanField(_l("By email"), default=kind.email))
    form = Form()
    form.countries.choices = [(c.id, c.name) for c in countries()]
    return form


@blueprint.route("/notifications")
@login_only
def index():
    query = (select(Notification).where(Notification.user_id == current_user.id)
             .order_by(Notification.created_at.desc(), Notification.id.desc()))
    pagination = db.paginate(query, page=page_argument(), per_page=page_size(), error_out=False)
    return render_template("core/notifications/index.html", pagination=pagination, wording=wording,
                           form=ConfirmForm())


@blueprint.route("/notifications/read", methods=["POST"])
@login_only
def read_all():
    if ConfirmForm().validate_on_submit():
        mark_all_read(current_user)
    return redirect(url_for("notifications.index"))


@blueprint.route("/account/notifications", methods=["GET", "POST"])
@login_only
def preferences():
    form = _preferences_form()
    saved = {p.kind: p for p in db.session.scalars(
        select(NotificationPreference).where(NotificationPreference.user_id == current_user.id))}
    if not form.is_submitted():
        for key in kinds():
            if key in saved:
                form[f"{key}_in_app"].data, form[f"{key}_email"].data = saved[key].in_app, saved[key].email
        form.countries.data = list(db.session.scalars(select(followed_countries.c.country_id).where(
            followed_countries.c.user_id == current_user.id)))
        form.reminder_days.data = current_user.reminder_days
    if form.validate_on_submit():
        db.session.execute(delete(NotificationPreference).where(NotificationPreference.user_id == current_user.id))
        db.session.add_all(NotificationPreference(user_id=current_user.id, kind=key,
                                                  in_app=form[f"{key}_in_app"].data, email=form[f"{key}_email"].data)
                           for key in kinds())
        db.session.execute(delete(followed_countries).where(followed_countries.c.user_id == current_user.id))
        if form.countries.data:
            db.session.execute(insert(followed_countries), [{"user_id": current_user.id, "country_id": cid}
                                                           for cid in set(form.countries.data)])
        current_user.reminder_days = form.reminder_days.data if form.reminder_days.data is not None else 3
        db.session.commit()
        flash(_("Your choices were saved."), "success")
        return redirect(url_for("notifications.preferences"))
    return render_template("core/notifications/preferences.html", form=form, kinds=kinds()), 200 if not form.errors else 422


@blueprint.route("/admin/outbox")
@permission_required(OUTBOX)
def outbox():
    query = select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    pagination = db.paginate(query, page=page_argument(), per_page=page_size(), error_out=False)
    return render_template("core/notifications/outbox.html", pagination=pagination)
