"""Advocacy action pages: the list, the form with its requirement checklist, the action's page (defenders and
their consent, linked records, sending, answers) and the country pages."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from core.api import (
    Attachment,
    AttachmentForm,
    ConfirmForm,
    Defender,
    RejectedFile,
    User,
    assignee_ids,
    assignee_names,
    attachments_of,
    can,
    country_choices,
    country_named,
    country_options,
    db,
    defender_search,
    linked_defender,
    links_of,
    paginate,
    permission_required,
    remove_file,
    store_file,
    utcnow,
    visible_ids,
    visible_record,
)
from core.api import gettext as _

from . import requirements, services
from .forms import (
    ANSWER_KINDS,
    CONSENT_LABELS,
    STATE_LABELS,
    ActionForm,
    AnswerForm,
    ConsentForm,
    SendForm,
    language_choices,
    language_name,
)
from .models import ActionDefender, AdvocacyAction, Answer, Mechanism

FILTERS = ("q", "mechanism", "system", "type", "country", "state", "year", "sort")


def advocacy_helpers() -> dict:
    """Labels translated once per page (a list shows them on every row)."""
    type_labels = {key: str(label) for key, (label, _elements) in requirements.TYPES.items()}
    return {"type_label": lambda kind: type_labels.get(kind, kind), "type_labels": type_labels,
            "answer_kinds": {key: str(label) for key, label in ANSWER_KINDS.items()}, "language_name": language_name,
            "working_languages": lambda codes: ", ".join(map(language_name, codes)),
            "system_labels": {key: str(label) for key, label in services.SYSTEM_LABELS.items()},
            "today": utcnow().date()}


# What a row of a table of actions shows, read as plain rows (the text and the details stay unread).
TABLE_COLUMNS = (AdvocacyAction.id, AdvocacyAction.title, AdvocacyAction.type, AdvocacyAction.mechanism_id,
                 AdvocacyAction.country_id, AdvocacyAction.sent_on, AdvocacyAction.reference,
                 AdvocacyAction.reply_expected_by, AdvocacyAction.confidentiality)


def list_context(pagination, mechanisms: list[Mechanism]) -> dict:
    """What a table of actions needs besides its rows: the names of ``mechanisms`` (those its rows went to, which
    the page has read already) and each country's code, from the per-process country list."""
    return {"outcomes": services.latest_outcomes([a.id for a in pagination.items]),
            "mechanism_names": {m.id: (m.name, m.short_name) for m in mechanisms},
            "country_codes": {c.id: c.alpha3 for c in country_choices()}}


# --- List ----------------------------------------------------------------------------------------

@permission_required(services.VIEW)
def index():
    filters = services.ActionFilters(**{key: request.args.get(key, "")[:100] for key in FILTERS})
    pagination = paginate(services.actions_query(current_user, filters), columns=TABLE_COLUMNS)
    catalogue = services.mechanisms(active_only=False)
    return render_template("advocacy/index.html", pagination=pagination, filters=filters,
                           states={key: str(label) for key, label in STATE_LABELS.items()},
                           country_options=country_options, mechanisms=catalogue,
                           **list_context(pagination, catalogue))


# --- Drafting ------------------------------------------------------------------------------------

def _action_form(action: AdvocacyAction | None) -> ActionForm:
    catalogue = services.mechanisms(active_only=False)
    offered = [m for m in catalogue if m.active or (action is not None and m.id == action.mechanism_id)]
    form = ActionForm(obj=action, working_languages={m.id: m.languages for m in catalogue})
    form.mechanism.choices = [(m.id, f"{services.SYSTEM_LABELS[m.system]} — {m.name}") for m in offered]
    form.country.choices = [("", _("Choose a country"))] + [(c.alpha3, c.name) for c in country_choices()]
    form.language.choices = language_choices()
    form.assignees.choices = [(row.id, row.name) for row in db.session.execute(
        select(User.id, User.name).where(User.active.is_(True)).order_by(User.name))]
    if not form.is_submitted():
        if action is not None:
            form.mechanism.data = action.mechanism_id
            form.country.data = action.country.alpha3 if action.country else ""
            form.assignees.data = sorted(assignee_ids(action))
            for name in ActionForm.DETAIL_FIELDS:
                form[name].data = action.detail(name)
        elif request.args.get("mechanism", "").isdecimal() and len(request.args["mechanism"]) < 10:
            form.mechanism.data = int(request.args["mechanism"])
    return form


def _save(form: ActionForm, action: AdvocacyAction | None):
    if form.validate_on_submit():
        data = {name: form[name].data for name in ("type", "language", "made_public_on", "confidentiality")}
        data["mechanism_id"] = form.mechanism.data
        data.update({name: (form[name].data or "").strip() for name in ("title", "text", "reference")})
        country = country_named(form.country.data) if form.country.data else None
        data["country_id"] = country.id if country else None
        details = {name: (form[name].data or "").strip() for name in ActionForm.DETAIL_FIELDS}
        saved = services.save_action(action or AdvocacyAction(), data, details, set(form.assignees.data or []),
                                     current_user)
        flash(_("The action was saved."), "success")
        return redirect(url_for("advocacy.show", action_id=saved.id))
    return render_template("advocacy/form.html", form=form, action=action,
                           needs={key: requirements.types_needing(key) for key in requirements.ELEMENTS},
                           missing=requirements.missing(action) if action else []), 422 if form.errors else 200


@permission_required(services.EDIT)
def create():
    return _save(_action_form(None), None)


@permission_required(services.EDIT)
def edit(action_id: int):
    action = load_action(action_id)
    return _save(_action_form(action), action)


# --- The action's page ---------------------------------------------------------------------------

def load_action(action_id: int) -> AdvocacyAction:
    """The action with what its page shows, if the user may see it (``visible_record``: 404 otherwise, and a
    restricted action's view audited). Its answers are joined to it (one row each, the only list joined: two
    would multiply each other's rows); its defenders and linked records one query each. Of its defenders, only
    what the page shows of them and what tells who may see them: their contact details, whereabouts and family
    stay unread."""
    return visible_record(
        AdvocacyAction, action_id, joinedload(AdvocacyAction.mechanism), joinedload(AdvocacyAction.country),
        joinedload(AdvocacyAction.answers),
        selectinload(AdvocacyAction.defender_links).joinedload(ActionDefender.defender).load_only(
            Defender.name, Defender.consent_to_publish, Defender.publication_name, Defender.confidentiality),
        selectinload(AdvocacyAction.record_links))


@permission_required(services.VIEW)
def show(action_id: int):
    return render_action(load_action(action_id))


def render_action(action: AdvocacyAction, status: int = 200, **forms):
    can_edit = can(services.EDIT)
    answer_files = {}  # each answer's documents, by their names (a link to each)
    if action.answers:
        for file in db.session.execute(select(Attachment.id, Attachment.record_id, Attachment.name).where(
                Attachment.record_type == Answer.__record_type__,
                Attachment.record_id.in_([r.id for r in action.answers])).order_by(Attachment.id)):
            answer_files.setdefault(file.record_id, []).append(file)
    allowed = visible_ids(Defender, [link.defender for link in action.defender_links], current_user)
    defender_links = [link for link in action.defender_links if link.defender_id in allowed]
    # A blank form only where the page offers it (to editors: sending a draft, an answer to what was sent, consent
    # on each defender's line): building one costs about as much as a statement.
    send_form = forms.get("send_form") or (SendForm(formdata=None, reference=action.reference, sent_on=utcnow().date())
                                           if can_edit and not action.sent_on else None)
    answer_form = forms.get("answer_form") or (AnswerForm(formdata=None, received_on=utcnow().date())
                                               if can_edit and action.sent_on else None)
    return render_template(
        "advocacy/show.html", action=action, can_edit=can_edit, record=action,
        missing=requirements.missing(action), elements=requirements.elements_for(action.type),
        defender_links=defender_links, hidden_defenders=len(action.defender_links) - len(defender_links),
        consent_labels=CONSENT_LABELS, links=links_of(action),
        defender_search=defender_search(action),
        answer_files=answer_files, assignees=assignee_names(action),
        send_form=send_form, answer_form=answer_form,
        consent_form=ConsentForm(formdata=None) if can_edit and defender_links else None,
        attachments=attachments_of(action), attachment_form=AttachmentForm), status


def page_with_errors(action_id: int, **forms):
    """The action's page again with the submitted form and its errors (422); nothing was saved."""
    db.session.rollback()
    return render_action(load_action(action_id), 422, **forms)


def visible_action(action_id: int) -> AdvocacyAction:
    return visible_record(AdvocacyAction, action_id, joinedload(AdvocacyAction.mechanism))


@permission_required(services.EDIT)
def delete(action_id: int):
    """Delete a draft (the audit trail keeps what it held)."""
    action = visible_action(action_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        stored = services.delete_draft(action)
    except services.AdvocacyError as error:
        flash(str(error.message), "danger")
        return redirect(url_for("advocacy.show", action_id=action_id))
    for name in stored:
        remove_file(name)
    flash(_("The draft was deleted."), "success")
    return redirect(url_for("advocacy.index"))


@permission_required(services.EDIT)
def consent(action_id: int):
    action = visible_action(action_id)
    form = ConsentForm()
    if not form.validate_on_submit():
        abort(400)
    if linked_defender(action, form.defender_id.data) is None:
        abort(404)  # not linked, or a defender the user may not see: the same answer
    try:
        services.record_consent(action, form.defender_id.data, form.consent.data, form.consent_on.data)
    except services.AdvocacyError as error:
        flash(str(error.message), "danger")
    else:
        flash(_("The consent was recorded."), "success")
    return redirect(url_for("advocacy.show", action_id=action.id) + "#defenders")


@permission_required(services.EDIT)
def send(action_id: int):
    action = visible_action(action_id)
    form = SendForm()
    if form.validate_on_submit():
        try:
            services.mark_sent(action, form.sent_on.data, (form.reference.data or "").strip(),
                               form.reply_expected_by.data)
        except services.AdvocacyError as error:
            form.sent_on.errors = [*form.sent_on.errors, error.message]
        else:
            flash(_("The action is recorded as sent."), "success")
            return redirect(url_for("advocacy.show", action_id=action.id))
    return page_with_errors(action_id, send_form=form)


@permission_required(services.EDIT)
def add_answer(action_id: int):
    """Record an answer and, if given, its document; both or neither are saved."""
    action = visible_action(action_id)
    form = AnswerForm()
    if form.validate_on_submit():
        try:
            response = services.add_response(action, form.kind.data, form.received_on.data,
                                             (form.summary.data or "").strip(), form.expect_reply_by.data,
                                             current_user)
            upload = form.document.data
            if upload and getattr(upload, "filename", ""):
                stored = store_file(upload.stream, upload.filename)
                db.session.add(Attachment(record_type=Answer.__record_type__, record_id=response.id,
                                          name=stored.name, stored_name=stored.stored_name, mimetype=stored.mimetype,
                                          size=stored.size, sha256=stored.sha256, uploaded_by_id=current_user.id))
        except services.AdvocacyError as error:
            form.received_on.errors = [*form.received_on.errors, error.message]
        except RejectedFile as refusal:
            form.document.errors = [*form.document.errors, str(refusal)]
        else:
            db.session.commit()
            flash(_("The answer was recorded."), "success")
            return redirect(url_for("advocacy.show", action_id=action.id) + "#answers")
    return page_with_errors(action_id, answer_form=form)


@permission_required(services.VIEW)
def answer(answer_id: int):
    """Where an answer lives (its action's page): attachments and the audit trail link answers here."""
    found = db.session.get(Answer, answer_id)
    if found is None:
        abort(404)
    action = visible_action(found.action_id)
    return redirect(url_for("advocacy.show", action_id=action.id) + f"#answer-{found.id}")


# --- Countries -----------------------------------------------------------------------------------

@permission_required(services.VIEW)
def countries():
    return render_template("advocacy/countries.html", rows=services.countries_with_actions(current_user))


@permission_required(services.VIEW)
def country(alpha3: str):
    """Every action about a country the user may see, with what each mechanism was sent and what came back."""
    code = alpha3.upper()
    found = next((c for c in country_choices() if c.alpha3 == code), None)  # the per-process list: no query
    if found is None:
        abort(404)
    condition = AdvocacyAction.country_id == found.id  # by id: the database reads its index of countries' actions
    counts = services.outcome_counts(current_user, condition)
    pagination = paginate(services.actions_query(current_user, services.ActionFilters()).where(condition),
                          columns=TABLE_COLUMNS, total=counts["all"])
    per_mechanism = services.by_mechanism(current_user, condition)  # every mechanism the table's rows went to
    return render_template("advocacy/country.html", country=found, pagination=pagination,
                           **list_context(pagination, [mechanism for mechanism, _count in per_mechanism]),
                           counts=counts, per_mechanism=per_mechanism)


def mechanism_page_data(mechanism: Mechanism) -> dict:
    """What the mechanism's page lists: its sessions, what was sent to it (paginated), and the results."""
    condition = AdvocacyAction.mechanism_id == mechanism.id
    coming, gone = services.sessions_of(mechanism.id, utcnow().date())
    counts = services.outcome_counts(current_user, condition)
    pagination = paginate(services.actions_query(current_user, services.ActionFilters()).where(condition),
                          columns=TABLE_COLUMNS, total=counts["all"])
    return {"coming": coming, "gone": gone, "pagination": pagination, **list_context(pagination, [mechanism]),
            "counts": counts}
