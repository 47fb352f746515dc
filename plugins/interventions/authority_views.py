"""The directory of authorities per country, the authorities an action addresses, the letters to them
(PDF, DOCX, HTML in the chosen language) and the log of what was sent to whom, how and when."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from core.api import (
    DOCUMENT_FORMATS,
    PreflightStep,
    country_choices,
    country_named,
    country_options,
    db,
    download_document,
    paginate,
    permission_required,
    preflight_step_page,
    request_guard,
    safe_next,
)
from core.api import gettext as _
from core.api import lazy_gettext as _l

from . import letters, services
from .action_views import FORMAT_NAMES, LANGUAGE_NAMES, action_page, dispatch_languages, visible_action
from .forms import AddresseesForm, AuthorityForm, DispatchForm, parts_text
from .models import LANGUAGES, Authority, Dispatch

#: What a letter never carries, said on its preflight.
LETTER_LEFT_OUT = (
    _l("Defenders who did not consent to be named appear under their publishable names only."),
    _l("The case's source and its verification notes, and the defenders' contacts, addresses and families, "
       "never leave."),
    _l("The case's internal title, unless it was published, is replaced by its reference."),
)


@permission_required(services.VIEW)
def authorities():
    code = request.args.get("country", "")[:3]
    query = select(Authority).order_by(Authority.country_id, Authority.position, Authority.id)
    country = country_named(code) if code else None
    if country is not None:
        query = query.where(Authority.country_id == country.id)
    return render_template("interventions/authorities.html", pagination=paginate(query), country=code,
                           country_options=country_options, languages=LANGUAGES, language_names=LANGUAGE_NAMES,
                           parts_text=parts_text)


def _authority_form(authority: Authority | None) -> AuthorityForm:
    form = AuthorityForm(obj=authority)
    form.country.choices = [("", _("Choose a country"))] + [(c.alpha3, c.name) for c in country_choices()]
    if not form.is_submitted():
        form.country.data = authority.country.alpha3 if authority else request.args.get("country", "")
    return form


def _save_authority(form: AuthorityForm, authority: Authority | None):
    if form.validate_on_submit():
        authority = authority or Authority()
        for name, value in form.text_data().items():
            setattr(authority, name, value)
        for name in ("person", "email", "fax"):
            setattr(authority, name, (form[name].data or "").strip())
        authority.position = form.position.data if form.position.data is not None else 100
        authority.active = form.active.data
        authority.country = country_named(form.country.data)
        db.session.add(authority)
        db.session.commit()
        flash(_("The authority was saved."), "success")
        # added from an action's letters: back to that action (a path of this site only, never another site)
        back = request.args.get("next")
        if back and safe_next(back) == back:
            return redirect(back)
        return redirect(url_for("interventions.authorities", country=authority.country.alpha3))
    return render_template("interventions/authority_form.html", form=form, authority=authority,
                           languages=LANGUAGES, language_names=LANGUAGE_NAMES), 422 if form.errors else 200


@permission_required(services.EDIT)
def new_authority():
    return _save_authority(_authority_form(None), None)


@permission_required(services.EDIT)
def edit_authority(authority_id: int):
    authority = db.session.get(Authority, authority_id) or abort(404)
    return _save_authority(_authority_form(authority), authority)


@permission_required(services.EDIT)
def addressees(action_id: int):
    action = visible_action(action_id)
    form = AddresseesForm()
    choices = {a.id: a for a in services.country_authorities(action.case.country_id)} | {a.id: a for a in action.authorities}
    form.authorities.choices = [(a.id, a.name) for a in choices.values()]
    if not form.validate_on_submit():
        abort(400)
    action.authorities = [choices[i] for i in form.authorities.data]
    db.session.commit()
    flash(_("The addressees were saved."), "success")
    return redirect(url_for("interventions.action", action_id=action.id) + "#letters")


def _letter_of(action_id: int, authority_id: int, lang: str):
    action = visible_action(action_id)
    authority = next((a for a in action.authorities if a.id == authority_id), None)
    if authority is None or lang not in LANGUAGES or lang not in action.languages():
        abort(404)
    return action, authority


def _letter_guard(action, authority, lang: str):
    """The letter's guard, with the decisions taken on its preflight step (the same for every format)."""
    return request_guard(current_user, external=True, records=[("case", action.case_id)],
                         step=url_for("interventions.letter_check", action_id=action.id, authority_id=authority.id,
                                      lang=lang))


@permission_required(services.VIEW)
def letter_check(action_id: int, authority_id: int, lang: str):
    """The letter's preflight: what the disclosure guard found in it, the decisions it waits for, the build."""
    action, authority = _letter_of(action_id, authority_id, lang)
    guard = _letter_guard(action, authority, lang)
    builds = [(_("Build the letter (%(format)s)", format=label),
               url_for("interventions.letter", action_id=action.id, authority_id=authority.id, lang=lang, fmt=fmt))
              for fmt, label in FORMAT_NAMES.items()]
    return preflight_step_page(PreflightStep(
        address=guard.step, title=_("Letter to %(authority)s", authority=authority.name),
        subtitle=f"{action.reference or action.title(lang)} · {LANGUAGE_NAMES[lang]}", guard=guard,
        content=letters.letter(action, authority, lang), output=f"Letter {action.id} to {authority.office} ({lang})",
        builds=builds, back=(_("Back to the action"), url_for("interventions.action", action_id=action.id) + "#letters"),
        left_out=missing_parts(authority, lang) + [str(line) for line in LETTER_LEFT_OUT]))


def missing_parts(authority: Authority, lang: str) -> list[str]:
    """What the directory lacks in the letter's language, said on its page: the letter shows the gap, it does
    not borrow another language's words."""
    gaps = authority.missing(lang)
    if not gaps:
        return []
    return [_("Missing from the directory for this authority in the letter's language (%(language)s): %(parts)s. "
              "The letter says so in their place; add them in the directory.",
              parts=parts_text(gaps), language=LANGUAGE_NAMES[lang])]


@permission_required(services.VIEW)
def letter(action_id: int, authority_id: int, lang: str, fmt: str):
    """Build the letter, applying the decisions taken on its preflight (refused while one waits)."""
    action, authority = _letter_of(action_id, authority_id, lang)
    if fmt not in DOCUMENT_FORMATS:
        abort(404)
    stem = f"{action.reference or action.type}-{authority.text('office', lang) or authority.office}-{lang}"
    return download_document(letters.letter(action, authority, lang), fmt, stem, _letter_guard(action, authority, lang))


@permission_required(services.EDIT)
def dispatch(action_id: int):
    action = visible_action(action_id)
    form = DispatchForm()
    form.authority.choices = [(a.id, a.name) for a in action.authorities]
    form.language.choices = dispatch_languages(action)
    if form.validate_on_submit():
        action.dispatches.append(Dispatch(authority_id=form.authority.data, channel=form.channel.data,
                                          language=form.language.data, sent_on=form.sent_on.data,
                                          notes=(form.notes.data or "").strip(), recorded_by_id=current_user.id))
        db.session.commit()
        flash(_("The dispatch was recorded."), "success")
        return redirect(url_for("interventions.action", action_id=action.id) + "#letters")
    return action_page(action, 422, dispatch_form=form)
