"""Exporting a dossier for a body: choose the mechanism and a country or cases, preview what it will hold and
what was left out, pick the annexes and the format; the file is built as a job, kept on the job's page."""
from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user

from core.api import (
    ANNEX_IMAGE,
    ANNEX_PROTECTED,
    ANNEX_UNREADABLE,
    PREFLIGHT_KIND_LABELS,
    PREFLIGHT_REASON_FIELD,
    PREFLIGHT_REASON_LABELS,
    PREFLIGHT_REASON_MISSING,
    FileRefused,
    audit,
    audit_preflight_decisions,
    choices,
    country_choices,
    db,
    enqueue_job,
    permission_required,
    preflight_decisions,
    preflight_summary,
    preflight_undecided_message,
    record_types,
)
from core.api import gettext as _
from core.api import lazy_gettext as _l

from . import dossiers, services
from .forms import DOSSIER_FORMATS, DossierForm, ExportForm, language_name
from .models import Mechanism

#: What the preview says of an annex the disclosure guard read (a file leaves whole: it cannot be masked).
ANNEX_NOTES = {
    ANNEX_PROTECTED: _l("Holds a protected name or detail: a file cannot be masked, so it cannot be sent."),
    ANNEX_UNREADABLE: _l("Cannot be read, so it cannot be checked: it cannot be sent."),
    ANNEX_IMAGE: _l("An image: its content cannot be checked. Look at it before sending it."),
}


def _form(data) -> tuple[DossierForm, Mechanism | None]:
    form = DossierForm(data)
    catalogue = services.mechanisms()
    form.mechanism.choices = [(m.id, f"{services.SYSTEM_LABELS[m.system]} — {m.name}") for m in catalogue]
    form.country.choices = [("", _("Choose a country"))] + [(c.alpha3, c.name) for c in country_choices()]
    mechanism = next((m for m in catalogue if m.id == form.mechanism.data), None)
    languages = dossiers.languages_for(mechanism) if mechanism else list(dossiers.LANGUAGES)
    form.language.choices = [(code, name) for code, name in _language_names() if code in languages]
    if not data.get("language"):
        form.language.data = languages[0]
    if not dossiers.may_include_restricted(current_user):
        del form.include_restricted
    return form, mechanism


def _language_names() -> list[tuple[str, str]]:
    return [(code, language_name(code)) for code in dossiers.LANGUAGES]


def _wanted(form) -> dossiers.DossierRequest:
    by_cases = form.scope.data == "cases"
    return dossiers.DossierRequest(
        mechanism_id=form.mechanism.data, language=form.language.data,
        country="" if by_cases or not (form.country.data or "").isalpha() else form.country.data.upper()[:3],
        case_ids=tuple(sorted(set(form.case_ids.data or ()))) if by_cases else (),
        include_restricted=bool("include_restricted" in form and form.include_restricted.data),
        cover_note=(form.cover_note.data or "").strip())


@permission_required(services.VIEW)
def dossier():
    """The choice of what the dossier is about and, once complete, its preview."""
    return _page(request.args, bool(request.args.get("preview")))


def _page(data, previewing: bool, refused: str = ""):
    """The choice and, when ``previewing``, the preview: the dossier as it will leave (the disclosure guard's
    certain masks applied) with the guard's preflight; ``refused`` says why a build was refused (422)."""
    form, mechanism = _form(data)
    cases_enabled = "case" in record_types()
    chosen = choices("case", current_user, ids=form.case_ids.data or [], limit=200) if form.case_ids.data else []
    words = data.get("find_case", "").strip()[:100]
    found = [c for c in choices("case", current_user, query=words, limit=20)
             if c.id not in {choice.id for choice in chosen}] if words and cases_enabled else []
    preview = check = None
    annexes_found: dict[int, str] = {}
    decisions = preflight_decisions(data)
    if previewing and form.validate():
        gathered = dossiers.gather_dossier(_wanted(form), current_user)
        if gathered.restricted_included:  # shown on this page: every restricted record is a view to audit
            for kind, record_id in gathered.restricted_included:
                audit("view", kind, record_id, "Dossier preview", {"dossier": mechanism.key})
            db.session.commit()
        guard = dossiers.guard_for(gathered, current_user, decisions)
        check = preflight_summary(guard.preflight(dossiers.outgoing(gathered)), decisions)
        preview = guard.masked(gathered)
        annexes_found = dossiers.annex_checks(gathered, guard)
    export = ExportForm(formdata=None)
    status = 422 if form.errors or refused else 200
    return render_template("advocacy/dossier.html", form=form, mechanism=mechanism, preview=preview, export=export,
                           chosen=chosen, found=found, cases_enabled=cases_enabled, formats=DOSSIER_FORMATS,
                           wanted=_wanted(form) if preview else None, check=check, decisions=decisions,
                           reason=data.get(PREFLIGHT_REASON_FIELD, ""), refused=refused,
                           kind_labels=PREFLIGHT_KIND_LABELS, reason_labels=PREFLIGHT_REASON_LABELS,
                           annexes_found=annexes_found, annex_notes=ANNEX_NOTES), status


@permission_required(services.VIEW)
def export_dossier():
    """Start the job that builds the previewed dossier; its page shows the progress and keeps the file."""
    form = ExportForm()
    if not form.validate_on_submit():
        abort(400)
    mechanism = db.session.get(Mechanism, form.mechanism.data)
    if mechanism is None or form.language.data not in dossiers.languages_for(mechanism):
        abort(400)
    if form.include_restricted.data and not dossiers.may_include_restricted(current_user):
        abort(403)
    wanted = _wanted(form)
    if not wanted.country and not wanted.case_ids:
        abort(400)
    posted = preflight_decisions(request.form)
    reason = request.form.get(PREFLIGHT_REASON_FIELD, "").strip()[:1000]
    gathered = dossiers.gather_dossier(wanted, current_user)
    guard = dossiers.guard_for(gathered, current_user, posted)
    hits = guard.preflight(dossiers.outgoing(gathered))
    # Only decisions on this dossier's ambiguous hits count: what is audited is exactly what the job applies.
    decisions = {key: value for key, value in posted.items() if key in {hit.key for hit in hits if hit.ambiguous}}
    if decisions != posted:
        guard = dossiers.guard_for(gathered, current_user, decisions)
    waiting = preflight_summary(hits, decisions).waiting
    if waiting:
        return _page(request.form, True, preflight_undecided_message(len(waiting)))
    if form.fmt.data == "zip":  # the annexes leave whole: none may hold what the guard would mask
        found = dossiers.annex_checks(gathered, guard, list(form.annex_ids.data or ()))
        refused = [(annex["name"], found[annex["id"]]) for annex in gathered.annex_choices
                   if found.get(annex["id"]) in (ANNEX_PROTECTED, ANNEX_UNREADABLE)]
        if refused:
            name, check = refused[0]
            return _page(request.form, True, FileRefused(guard.release(name),
                                                         unreadable=check == ANNEX_UNREADABLE).user_message)
    if decisions and not reason:
        return _page(request.form, True, str(PREFLIGHT_REASON_MISSING))
    audit_preflight_decisions(hits, decisions, reason, f"Dossier for {mechanism.key}")
    db.session.commit()
    params = {"mechanism_id": wanted.mechanism_id, "language": wanted.language, "country": wanted.country,
              "case_ids": list(wanted.case_ids), "include_restricted": wanted.include_restricted,
              "cover_note": wanted.cover_note, "annex_ids": sorted(set(form.annex_ids.data or ())),
              "decisions": decisions}
    job = enqueue_job("plugins.advocacy.dossiers.build_dossier",
                       title=_("Dossier for %(mechanism)s (%(format)s)", mechanism=mechanism.name,
                               format=str(DOSSIER_FORMATS[form.fmt.data])),
                       user=current_user, user_id=current_user.id, request=params, fmt=form.fmt.data)
    return redirect(url_for("jobs.show", job_id=job.id))
