"""Action pages: write an appeal or letter in up to three languages, then take it through the workflow."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy.orm import joinedload

from core.api import can, can_see, db, in_language, permission_required, utcnow, visible_record
from core.api import gettext as _

from . import drafts, search, services
from .forms import (
    ACTION_STATUS_LABELS,
    ACTION_TYPES,
    CHANNELS,
    IMPACTS,
    LANGUAGE_NAMES,
    RESPONSES,
    ActionForm,
    AddresseesForm,
    DispatchForm,
    ImpactForm,
    ResponseForm,
    StepForm,
    parts_text,
)
from .models import LANGUAGES, Action, Case
from .views import visible_case

FORMAT_NAMES = {"pdf": "PDF", "docx": "DOCX", "html": "HTML"}


def visible_action(action_id: int) -> Action:
    """The action, if the user may see its case (404 otherwise); it shows its case, so a restricted case's view
    is audited."""
    action = db.session.get(Action, action_id, options=[joinedload(Action.case).joinedload(Case.country)])
    if action is None:
        abort(404)
    visible_record(Case, action.case_id, load=lambda _case_id: action.case)
    return action


@permission_required(services.EDIT)
def new_action(case_id: int):
    case = visible_case(case_id)
    form = ActionForm()
    if form.validate_on_submit():
        action = Action(case=case, type=form.type.data, created_by_id=current_user.id, **form.text_data())
        db.session.add(action)
        db.session.flush()
        search.index_case(case)
        db.session.commit()
        flash(_("The draft was saved."), "success")
        return redirect(url_for("interventions.action", action_id=action.id))
    if not form.is_submitted():
        asked = request.args.get("type", "")
        form.type.data = asked if asked in ACTION_TYPES else "follow_up" if any(
            a.public and a.status == Action.PUBLISHED for a in case.actions) else "urgent_appeal"
        template = request.args.get("template", "")
        languages = [language for language in request.args.getlist("lang") if language in LANGUAGES]
        if template in drafts.TEMPLATES and languages:
            form.type.data = template
            for name, text in drafts.draft(case, template, languages, current_user).items():
                form[name].data = text
        elif "template" in request.args:
            flash(_("Choose the type of action and at least one language of the template."), "danger")
        elif form.type.data == "follow_up":
            _start_from_developments(form, case)
    return _form_page(form, case, None, template_form=True)


def _start_from_developments(form: ActionForm, case: Case) -> None:
    """A follow-up starts from the case's developments since its latest public action, in the user's language,
    for the writer to rework (through the guard, as the templates)."""
    text = drafts.developments_text(drafts.new_developments(case, current_user))
    if not text:
        return
    language = str(get_locale() or "en")
    field = f"body_{language if language in LANGUAGES else 'en'}"
    form[field].data = drafts.released(case, {field: text}, current_user)[field]


@permission_required(services.EDIT)
def edit_action(action_id: int):
    action = visible_action(action_id)
    if not services.editable(action):
        flash(_("An approved or published action cannot be edited; send it back to draft first."), "danger")
        return redirect(url_for("interventions.action", action_id=action.id))
    form = ActionForm(obj=action)
    if form.validate_on_submit():
        action.type = form.type.data
        for field, value in form.text_data().items():
            setattr(action, field, value)
        search.index_case(action.case)
        db.session.commit()
        flash(_("The action was saved."), "success")
        return redirect(url_for("interventions.action", action_id=action.id))
    return _form_page(form, action.case, action)


def _form_page(form: ActionForm, case: Case, action: Action | None, template_form: bool = False):
    """The action's form; a new one offers to start from the template of a type, in chosen languages."""
    return render_template("interventions/action_form.html", form=form, case=case, action=action,
                           languages=LANGUAGES, language_names=LANGUAGE_NAMES, template_form=template_form,
                           action_types=in_language(ACTION_TYPES),
                           template_languages=request.args.getlist("lang") if template_form else []), \
        422 if form.errors else 200


@permission_required(services.VIEW)
def action(action_id: int):
    action = visible_action(action_id)
    return action_page(action)


def _named(defender) -> str:
    """The warning's line for a defender the text names: the real name only to those who may see the record
    (the text may have matched an alias; the warning must not tell who is behind it)."""
    replacement = defender.publication_name or "?"
    if can_see(defender, current_user):
        return f"{defender.name} → {replacement}"
    return _("a defender whose record you may not see → %(name)s", name=replacement)


def dispatch_languages(action: Action) -> list[tuple[str, str]]:
    """A letter is sent in a language the action is written in (its letter is built in that language)."""
    return [(lang, LANGUAGE_NAMES[lang]) for lang in action.languages() or LANGUAGES]


def action_page(action: Action, status: int = 200, error: str | None = None, **forms):
    """The action's page; ``forms`` replace blank ones (a form that failed, shown with its errors)."""
    missing = [LANGUAGE_NAMES[lang] for lang in LANGUAGES if lang not in action.languages()]
    named = [_named(defender) for defender in services.consent_problems(action)] \
        if action.status != Action.PUBLISHED else []
    candidates = {a.id: a for a in services.country_authorities(action.case.country_id)}
    candidates.update({a.id: a for a in action.authorities})
    addressees_form = AddresseesForm(formdata=None)
    addressees_form.authorities.choices = [(a.id, a.name) for a in candidates.values()]
    addressees_form.authorities.data = [a.id for a in action.authorities]
    dispatch_form = forms.get("dispatch_form") or DispatchForm(formdata=None, sent_on=utcnow().date(),
                                                               language=(action.languages() or ["en"])[0])
    dispatch_form.authority.choices = [(a.id, a.name) for a in action.authorities]
    dispatch_form.language.choices = dispatch_languages(action)
    return render_template("interventions/action.html", action=action, case=action.case, languages=LANGUAGES,
                           language_names=LANGUAGE_NAMES, missing=missing, named=named, error=error,
                           steps=services.allowed_steps(action, current_user), step_form=StepForm(formdata=None),
                           action_types=in_language(ACTION_TYPES), status_labels=in_language(ACTION_STATUS_LABELS),
                           channels=CHANNELS, addressees_form=addressees_form,
                           dispatch_form=dispatch_form, formats=FORMAT_NAMES, responses=RESPONSES, impacts=IMPACTS,
                           response_form=forms.get("response_form") or ResponseForm(
                               formdata=None, received_on=utcnow().date()),
                           impact_form=forms.get("impact_form") or ImpactForm(formdata=None, impact=action.impact),
                           can_edit=can(services.EDIT) and services.editable(action),
                           can_send=can(services.EDIT), parts_text=parts_text), status


@permission_required(services.EDIT)  # approving and publishing also need the publish permission
def step(action_id: int):
    action = visible_action(action_id)
    form = StepForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        action = services.move(action, form.step.data, current_user)
    except services.WorkflowError as error:
        db.session.rollback()
        return action_page(visible_action(action_id), 422, str(error.message))
    messages = {"submit": _("Sent for review."), "return": _("Sent back to draft."), "approve": _("Approved."),
                "publish": _("Published.")}
    flash(messages[form.step.data] + (" " + _("Reference: %(code)s", code=action.reference)
                                      if form.step.data == "publish" and action.reference else ""), "success")
    return redirect(url_for("interventions.action", action_id=action.id))
