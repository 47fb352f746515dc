"""Exporting a dossier for a body: choose the mechanism and a country or cases, preview what it will hold and
what was left out, pick the annexes; then its preflight step (the core's, as for a letter or a mission report)
shows what the disclosure guard found, takes the decisions on what may be someone else's, and offers the builds.
The file is built as a job, kept on the job's page.

The choice is posted (it holds the cover paragraph the person typed, names included) and kept on the server as a
:class:`~.models.DossierDraft`: the preview, the step and the builds name it by its opaque token, so no address
carries the typed text (access logs, proxies, browser history)."""
from __future__ import annotations

import hashlib
import hmac
import json
import re
from datetime import timedelta

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import MultiDict

from core.api import (
    ANNEX_IMAGE,
    ANNEX_PROTECTED,
    ANNEX_UNREADABLE,
    FileRefused,
    PreflightStep,
    audit,
    choices,
    country_choices,
    db,
    enqueue_job,
    permission_required,
    preflight_step_page,
    record_types,
    request_guard,
    utcnow,
)
from core.api import gettext as _
from core.api import lazy_gettext as _l

from . import dossiers, services
from .forms import DOSSIER_FORMATS, DossierForm, language_name
from .models import DossierDraft, Mechanism

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


def _wanted(form, annex_ids: tuple[int, ...] = ()) -> dossiers.DossierRequest:
    by_cases = form.scope.data == "cases"
    return dossiers.DossierRequest(
        mechanism_id=form.mechanism.data, language=form.language.data,
        country="" if by_cases or not (form.country.data or "").isalpha() else form.country.data.upper()[:3],
        case_ids=tuple(sorted(set(form.case_ids.data or ()))) if by_cases else (),
        include_restricted=bool("include_restricted" in form and form.include_restricted.data),
        cover_note=(form.cover_note.data or "").strip(), annex_ids=annex_ids)


def _choice(wanted: dossiers.DossierRequest) -> dict:
    """The dossier asked for (without its annexes), as the choice form's fields: what a draft keeps."""
    arguments = {"mechanism": wanted.mechanism_id, "language": wanted.language,
                 "scope": "cases" if wanted.case_ids else "country", "country": wanted.country,
                 "case_ids": list(wanted.case_ids), "include_restricted": "y" if wanted.include_restricted else "",
                 "cover_note": wanted.cover_note}
    return {key: value for key, value in arguments.items() if value not in ("", [])}


def _asked(data) -> tuple[dossiers.DossierRequest | None, Mechanism | None]:
    """The dossier a preflight step or a build is asked for (posted, or kept in a draft), checked as the preview
    checks the choice; ``None`` when the choice is not complete. Restricted records asked for without the
    permission are refused (403)."""
    if data.get("include_restricted") and not dossiers.may_include_restricted(current_user):
        abort(403)
    form, mechanism = _form(data)
    if not form.validate() or mechanism is None:
        return None, mechanism
    annex_ids = tuple(sorted({int(value) for value in data.getlist("annex_ids")
                               if value.isdecimal() and len(value) < 10}))
    return _wanted(form, annex_ids), mechanism


TOKEN = re.compile(r"[0-9a-f]{40}")  # a draft's key (anything else names none: not looked up)


def _keep_draft(wanted: dossiers.DossierRequest) -> str:
    """Keep the dossier ``current_user`` chose (typed text included) and return its token: a keyed hash of its
    author and choice, so the same choice comes back to the same step and its decisions. Drafts unused for
    ``PREFLIGHT_DECISIONS_DAYS`` (as long as a step's decisions are kept) are deleted."""
    choice = _choice(wanted)
    signed = f"dossier-draft\n{current_user.id}\n{json.dumps(choice, sort_keys=True)}".encode()
    token = hmac.new(current_app.config["SECRET_KEY"].encode(), signed, hashlib.sha256).hexdigest()[:40]
    now = utcnow()
    db.session.execute(delete(DossierDraft).where(
        DossierDraft.used_at < now - timedelta(days=current_app.config["PREFLIGHT_DECISIONS_DAYS"])))
    for _attempt in range(2):  # the same choice kept at the same moment by another request (a double click)
        draft = db.session.scalar(select(DossierDraft).where(DossierDraft.token == token)) \
            or DossierDraft(token=token, user_id=current_user.id, choice=choice)
        draft.used_at = now
        db.session.add(draft)
        try:
            db.session.commit()
            break
        except IntegrityError:
            db.session.rollback()
    return token


def _draft(token: str, annex_ids: list[str] = ()) -> MultiDict:
    """The choice kept under ``token`` by ``current_user`` (anyone else's, or one deleted: 404), as form data, with
    the annexes chosen since."""
    draft = db.session.scalar(select(DossierDraft).where(DossierDraft.token == token,
                                                         DossierDraft.user_id == current_user.id)) \
        if TOKEN.fullmatch(token) else None
    if draft is None:
        abort(404)
    fields = [(key, str(value)) for key, values in draft.choice.items()
              for value in (values if isinstance(values, list) else [values])]
    return MultiDict(fields + [("annex_ids", value) for value in annex_ids])


def _from_draft(token: str, annex_ids: list[str]) -> tuple[dossiers.DossierRequest, Mechanism]:
    wanted, mechanism = _asked(_draft(token, annex_ids))
    if wanted is None:  # no longer a complete choice (a mechanism retired since): chosen again from the start
        abort(404)
    return wanted, mechanism


def _gather(wanted: dossiers.DossierRequest, mechanism: Mechanism, shown_on: str) -> dossiers.Dossier:
    """The dossier as ``current_user`` may send it; every restricted record it holds is a view to audit."""
    gathered = dossiers.gather_dossier(wanted, current_user)
    if gathered.restricted_included:
        for kind, record_id in gathered.restricted_included:
            audit("view", kind, record_id, shown_on, {"dossier": mechanism.key})
        db.session.commit()
    return gathered


def _guard(gathered: dossiers.Dossier, token: str, wanted: dossiers.DossierRequest):
    """The dossier's guard, with the decisions taken on its preflight step (the same for every format)."""
    return request_guard(current_user, external=True, records=gathered.records,
                         allowed_restricted=gathered.restricted_included,
                         step=url_for("advocacy.dossier_check", token=token, annex_ids=list(wanted.annex_ids)))


@permission_required(services.VIEW)
def dossier():
    """The choice of what the dossier is about (an address may suggest a mechanism, a scope, a country) and its
    preview. The choice is posted; a complete one asked to preview is kept as a draft and shown from it
    (``?draft=<token>``), anything else (finding cases, a mistake) is shown again as posted."""
    if request.method == "POST":
        form, mechanism = _form(request.form)
        if request.form.get("preview") and form.validate() and mechanism is not None:
            return redirect(url_for("advocacy.dossier", draft=_keep_draft(_wanted(form))))
        return _page(request.form, bool(request.form.get("preview")))
    if request.args.get("draft"):
        return _page(_draft(request.args["draft"]), True, request.args["draft"])
    return _page(MultiDict([(key, value) for key, value in request.args.items(multi=True)
                            if key in ("mechanism", "scope", "country", "language", "case_ids")]), False)


def _page(data, previewing: bool, token: str = ""):
    """The choice and, when ``previewing``, the preview: the dossier as it will leave (the disclosure guard's
    certain masks applied; what may be someone else's is decided on the preflight step) and the annexes to
    choose (on the way to the step of the draft ``token``)."""
    form, mechanism = _form(data)
    cases_enabled = "case" in record_types()
    chosen = choices("case", current_user, ids=form.case_ids.data or [], limit=200) if form.case_ids.data else []
    words = data.get("find_case", "").strip()[:100]
    found = [c for c in choices("case", current_user, query=words, limit=20)
             if c.id not in {choice.id for choice in chosen}] if words and cases_enabled else []
    preview = None
    annexes_found: dict[int, str] = {}
    if previewing and form.validate():
        gathered = _gather(_wanted(form), mechanism, "Dossier preview")
        guard = dossiers.guard_for(gathered, current_user)
        preview = guard.masked(gathered)
        annexes_found = dossiers.annex_checks(gathered, guard)
    status = 422 if form.errors else 200
    return render_template("advocacy/dossier.html", form=form, mechanism=mechanism, preview=preview,
                           chosen=chosen, found=found, cases_enabled=cases_enabled, words=words, token=token,
                           annexes_found=annexes_found, annex_notes=ANNEX_NOTES), status


@permission_required(services.VIEW)
def dossier_check(token: str):
    """The dossier's preflight step (the draft's token in the path, the annexes chosen in the query): what the
    disclosure guard found, the decisions it waits for, what is left out, and a build for each format."""
    wanted, mechanism = _from_draft(token, request.args.getlist("annex_ids"))
    gathered = _gather(wanted, mechanism, "Dossier check")
    guard = _guard(gathered, token, wanted)
    builds = [(_("Build the dossier (%(format)s)", format=str(label)),
               url_for("advocacy.export_dossier", draft=token, annex_ids=list(wanted.annex_ids), fmt=fmt))
              for fmt, label in DOSSIER_FORMATS.items()]
    notes = dossiers.annex_checks(gathered, guard, list(wanted.annex_ids))
    left_out = gathered.left_out + [f"{annex['name']}: {ANNEX_NOTES[notes[annex['id']]]}"
                                    for annex in gathered.annexes if annex["id"] in notes]
    return preflight_step_page(PreflightStep(
        address=guard.step, title=_("Dossier for %(mechanism)s", mechanism=gathered.mechanism),
        subtitle=f"{gathered.subject} · {language_name(gathered.language)}", guard=guard,
        content=dossiers.outgoing(gathered), output=f"Dossier for {mechanism.key}", builds=builds,
        back=(_("Back to the preview"), url_for("advocacy.dossier", draft=token)), left_out=left_out))


@permission_required(services.VIEW)
def export_dossier():
    """Start the job that builds the dossier checked on its preflight step, in the format asked for, applying the
    decisions taken there (the step's build buttons name its draft and annexes; a form may post the whole choice,
    which is kept as a draft, for its step): refused while a hit waits (422, with the way back to the step), or
    when a chosen annex may not leave whole. The job's page shows the progress and keeps the file."""
    fmt = request.values.get("fmt", "")
    token = request.values.get("draft", "")
    if token:
        wanted, mechanism = _from_draft(token, request.values.getlist("annex_ids"))
    else:
        wanted, mechanism = _asked(request.values)
    if fmt not in DOSSIER_FORMATS or wanted is None:
        abort(400)
    token = token or _keep_draft(wanted)
    gathered = dossiers.gather_dossier(wanted, current_user)
    guard = _guard(gathered, token, wanted)
    guard.release(dossiers.outgoing(gathered))  # refused (Blocked) while a hit waits on the step
    if fmt == "zip":  # the annexes leave whole: none may hold what the guard would mask
        found = dossiers.annex_checks(gathered, guard, list(wanted.annex_ids))
        for annex in gathered.annexes:
            if found.get(annex["id"]) in (ANNEX_PROTECTED, ANNEX_UNREADABLE):
                raise FileRefused(guard.release(annex["name"]), unreadable=found[annex["id"]] == ANNEX_UNREADABLE)
    # The job applies exactly the decisions this dossier's hits use, taken (and audited) on its step.
    params = {"mechanism_id": wanted.mechanism_id, "language": wanted.language, "country": wanted.country,
              "case_ids": list(wanted.case_ids), "include_restricted": wanted.include_restricted,
              "cover_note": wanted.cover_note, "annex_ids": list(wanted.annex_ids),
              "decisions": dict(guard.applied), "step": guard.step}
    job = enqueue_job("plugins.advocacy.dossiers.build_dossier",
                      title=_("Dossier for %(mechanism)s (%(format)s)", mechanism=mechanism.name,
                              format=str(DOSSIER_FORMATS[fmt])),
                      user=current_user, user_id=current_user.id, request=params, fmt=fmt)
    return redirect(url_for("jobs.show", job_id=job.id))
