"""The catalogue of mechanisms (edited by admins) and each mechanism's page with its sessions and deadlines."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for

from core.api import ConfirmForm, can, db, index_tokens, permission_required
from core.api import gettext as _

from . import services
from .forms import SESSION_KINDS, MechanismForm, SessionForm, language_choices
from .models import Mechanism, MechanismSession
from .views import mechanism_page_data

EDITABLE = ("system", "abbreviation", "name_en", "name_fr", "name_es", "submission_en", "submission_fr",
            "submission_es", "active")


@permission_required(services.VIEW)
def mechanisms():
    rows = services.mechanisms(active_only=not can(services.CATALOGUE))
    return render_template("advocacy/mechanisms.html", groups=services.grouped(rows))


def _mechanism(mechanism_id: int) -> Mechanism:
    mechanism = db.session.get(Mechanism, mechanism_id)
    if mechanism is None:
        abort(404)
    return mechanism


@permission_required(services.VIEW)
def mechanism(mechanism_id: int):
    return render_mechanism(_mechanism(mechanism_id))


def render_mechanism(mechanism: Mechanism, status: int = 200, session_form: SessionForm | None = None):
    return render_template("advocacy/mechanism.html", mechanism=mechanism, session_kinds=SESSION_KINDS,
                           session_form=session_form or SessionForm(formdata=None), **mechanism_page_data(mechanism)), status


def _mechanism_form(mechanism: Mechanism | None) -> MechanismForm:
    form = MechanismForm(obj=mechanism)
    form.system.choices = list(services.SYSTEM_LABELS.items())
    form.working_languages.choices = language_choices()
    if mechanism is not None:
        del form.key  # a permanent identifier: the shipped catalogue is matched by it
        if not form.is_submitted():
            form.working_languages.data = mechanism.languages
    return form


def _save_mechanism(form: MechanismForm, mechanism: Mechanism | None):
    if form.validate_on_submit():
        if mechanism is None:
            key = form.key.data.strip()
            if db.session.query(Mechanism.id).filter_by(key=key).first():
                form.key.errors = [*form.key.errors, _("Another mechanism already has this identifier.")]
                return render_template("advocacy/mechanism_form.html", form=form, mechanism=None), 422
            mechanism = Mechanism(key=key)
            db.session.add(mechanism)
        for name in EDITABLE:
            value = form[name].data
            setattr(mechanism, name, value.strip() if isinstance(value, str) else value)
        mechanism.position = form.position.data or 0
        mechanism.working_languages = ",".join(form.working_languages.data)
        db.session.flush()
        index_tokens(mechanism)  # the global search finds it by its new names
        db.session.commit()
        flash(_("The mechanism was saved."), "success")
        return redirect(url_for("advocacy.mechanism", mechanism_id=mechanism.id))
    return render_template("advocacy/mechanism_form.html", form=form, mechanism=mechanism), \
        422 if form.errors else 200


@permission_required(services.CATALOGUE)
def create_mechanism():
    return _save_mechanism(_mechanism_form(None), None)


@permission_required(services.CATALOGUE)
def edit_mechanism(mechanism_id: int):
    mechanism = _mechanism(mechanism_id)
    return _save_mechanism(_mechanism_form(mechanism), mechanism)


@permission_required(services.EDIT)
def add_session(mechanism_id: int):
    mechanism = _mechanism(mechanism_id)
    form = SessionForm()
    if form.validate_on_submit():
        services.add_session(mechanism, {"kind": form.kind.data, "title": form.title.data.strip(),
                                         "starts_on": form.starts_on.data, "ends_on": form.ends_on.data,
                                         "notes": (form.notes.data or "").strip()})
        flash(_("The date was added."), "success")
        return redirect(url_for("advocacy.mechanism", mechanism_id=mechanism.id) + "#sessions")
    return render_mechanism(mechanism, 422, form)


@permission_required(services.EDIT)
def remove_session(mechanism_id: int, session_id: int):
    session = db.session.get(MechanismSession, session_id)
    if session is None or session.mechanism_id != mechanism_id or not ConfirmForm().validate_on_submit():
        abort(404 if session is None or session.mechanism_id != mechanism_id else 400)
    db.session.delete(session)
    db.session.commit()
    return redirect(url_for("advocacy.mechanism", mechanism_id=mechanism_id) + "#sessions")
