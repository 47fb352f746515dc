"""The preflight: before an output leaves, the person building it sees every hit of the guard in context, what
will be masked and what waits for their decision; their decisions are audited, and the build applies them.

Every preflight shows :func:`summary` with the macro of ``core/_preflight.html``. An output built from one
record (a letter, a mission report, a defender's file) or from a choice (an advocacy dossier) uses the whole
step: :func:`step_page` answers its preflight address (the hits in context, what is masked, what was left out
and why, the decisions to take and the build buttons, usable only when nothing waits); a decision taken there is
audited (who, what, why) and kept in the core's table of preflight decisions
(:class:`~core.database.models.PreflightDecision`: per person, step address and hit, with the reason and when),
and the build view asks :func:`request_guard` with ``step=`` that address, so the build applies that person's
decisions on that step and nothing else. There is no cap on their number, and they outlive a log-out; a decision
on a hit the output no longer holds is simply unused. A decision is kept ``PREFLIGHT_DECISIONS_DAYS`` (30 by
default): an older one is no longer applied, and is deleted when anyone next keeps a decision
(:func:`forget_old_decisions`). Every build through a step is audited in turn
(:func:`audit_build`: the hit keys of the decisions it applied, masked or kept). A build refused all the same (a
forced request) answers :func:`blocked_page`: nothing was built, and a link back to the step. The publications
show the same macro in their own pages (their decisions are kept on the edition: :func:`keep_decisions`).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Iterable, Mapping
from urllib.parse import urlsplit

from flask import abort, current_app, flash, redirect, render_template, request
from flask_login import current_user
from sqlalchemy import delete, select

from ..audit.capture import record as audit
from ..database.models import PreflightDecision, utcnow
from ..extensions import db
from ..languages.i18n import gettext
from ..languages.i18n import lazy_gettext as _l
from ..web.forms import ConfirmForm
from .guard import DECISIONS, MASK, Blocked, Guard, Hit
from .register import INTERNAL_TITLE, NAME, PERSONAL, SOURCE

FIELD_PREFIX = "disclose-"
REASON_FIELD = "disclose_reason"
KIND_LABELS = {NAME: _l("A name that may not be published"), PERSONAL: _l("A personal detail"),
               SOURCE: _l("A confidential source"), INTERNAL_TITLE: _l("An internal title")}
BUILD = "build"  # the audit action of a build through a preflight step (:func:`audit_build`)
REASON_MISSING = _l("Say why you decided as you did: it is kept in the audit trail.")
REASON_LABELS = {"common word": _l("it is also a common word"),
                 "many people": _l("many people have this name, and one of them may not be named here"),
                 "shared": _l("someone this output may name has the same name"),
                 "namesake": _l("two protected people have this name"),
                 "given name": _l("it may be someone's given name rather than this family name"),
                 "spelling": _l("it may be this family name spelt another way, or another name")}


@dataclass(frozen=True)
class Summary:
    """What the preflight shows: hits to decide (one per form and protected thing), hits masked, and counts."""

    waiting: list[Hit]
    masked: list[Hit]
    decided: list[Hit]

    @property
    def blocking(self) -> bool:
        return bool(self.waiting)


def reader_guard() -> Guard:
    """The guard of what the person looking at a page may see (an internal output for them)."""
    return Guard(current_user if current_user.is_authenticated else None, external=False)


def summary(hits: list[Hit], decisions: Mapping[str, str], reader: Guard | None = None) -> Summary:
    """The hits as a preflight shows them, to the person looking (``reader``: their :func:`reader_guard`): a
    preflight shows each hit to decide it, never a name its reader may not see elsewhere either."""
    hits = (reader or reader_guard()).as_seen(hits)
    first: dict[str, Hit] = {}
    for hit in hits:
        first.setdefault(hit.key, hit)
    ambiguous = [hit for hit in first.values() if hit.ambiguous]
    return Summary(waiting=[hit for hit in ambiguous if hit.key not in decisions],
                   masked=[hit for hit in hits if not hit.ambiguous],
                   decided=[hit for hit in ambiguous if hit.key in decisions])


def decisions_from(form: Mapping[str, str]) -> dict[str, str]:
    """The decisions posted with a build form (``disclose-<hit key>`` = ``mask`` or ``other``)."""
    return {name[len(FIELD_PREFIX):]: value for name, value in form.items()
            if name.startswith(FIELD_PREFIX) and value in DECISIONS and len(name) <= len(FIELD_PREFIX) + 32}


def undecided_message(count: int) -> str:
    return gettext("Decide each highlighted name or detail before building: it may be someone else's "
                   "(%(num)d waiting).", num=count)


def audit_decisions(hits: list[Hit] | list[dict[str, Any]], decisions: Mapping[str, str], reason: str, output: str,
                    actor: Any = None) -> None:
    """One audit row per decided hit (a :class:`Hit` or its :func:`as_data`): what was found (its form, never the
    text around it), the decision and the reason, on the protected record."""
    seen = set()
    for hit in (as_data([h])[0] if isinstance(h, Hit) else h for h in hits):
        if not hit["ambiguous"] or hit["key"] not in decisions or hit["key"] in seen:
            continue
        seen.add(hit["key"])
        kind, record_id = hit["record"] or ("", None)
        audit("disclose", kind or "output", record_id, output[:200],
              {"decision": "masked" if decisions[hit["key"]] == MASK else "another person", "form": hit["form"],
               "found": hit["found"], "why": reason, "ambiguous_because": hit["reason"], "key": hit["key"]},
              actor=actor)


def audit_build(guard: Guard, output: str, actor: Any = None) -> None:
    """After a build through a preflight step (a guard with ``step``): one audit row, on the output (its file
    name), with the decisions the build applied by hit key, "masked" or "kept" (what was found and why is on the
    decision's own row, which holds the same key). The step is named by its path: a dossier's address holds
    the text typed for it."""
    if not guard.step:
        return
    audit(BUILD, "output", None, output[:200],
          {"step": urlsplit(guard.step).path, "decisions": {key: "masked" if decision == MASK else "kept"
                                                            for key, decision in sorted(guard.applied.items())}},
          actor=actor)


def step_key(address: str) -> str:
    return hashlib.sha256(address.encode("utf-8")).hexdigest()


def decisions_cutoff() -> datetime:
    """When the oldest decision still applied was taken: ``PREFLIGHT_DECISIONS_DAYS`` ago."""
    return utcnow() - timedelta(days=current_app.config["PREFLIGHT_DECISIONS_DAYS"])


def kept_decisions(user: Any, address: str) -> dict[str, str]:
    """The decisions ``user`` took on the step at ``address`` (hit key -> "mask" or "other") in the last
    ``PREFLIGHT_DECISIONS_DAYS``."""
    if not address or user is None or not getattr(user, "is_authenticated", False):
        return {}
    rows = db.session.execute(select(PreflightDecision.hit_key, PreflightDecision.decision).where(
        PreflightDecision.user_id == user.id, PreflightDecision.step_key == step_key(address),
        PreflightDecision.decided_at >= decisions_cutoff()))
    return {hit_key: decision for hit_key, decision in rows if decision in DECISIONS}


def forget_old_decisions() -> int:
    """Delete every decision older than ``PREFLIGHT_DECISIONS_DAYS`` (no longer applied): the table keeps no more
    than what builds may use. Returns how many; the caller commits."""
    return db.session.execute(delete(PreflightDecision).where(
        PreflightDecision.decided_at < decisions_cutoff())).rowcount or 0


def keep_step_decisions(user: Any, address: str, decisions: Mapping[str, str], reason: str) -> None:
    """Keep ``user``'s ``decisions`` on the step at ``address``, with their reason (a decision taken again
    replaces the one before), and delete the decisions too old to be applied; the caller commits."""
    forget_old_decisions()
    key = step_key(address)
    rows = {row.hit_key: row for row in db.session.scalars(select(PreflightDecision).where(
        PreflightDecision.user_id == user.id, PreflightDecision.step_key == key))}
    for hit_key, decision in decisions.items():
        row = rows.get(hit_key) or PreflightDecision(user_id=user.id, step=urlsplit(address).path, step_key=key,
                                                        hit_key=hit_key)
        row.decision, row.reason, row.decided_at = decision, reason, utcnow()
        db.session.add(row)


def request_guard(audience: Any, *, external: bool, records: Iterable[tuple[str, int]] = (),
                  allowed_restricted: Iterable[tuple[str, int]] = (), no_personal_details: bool = False,
                  step: str = "") -> Guard:
    """The guard of a download answered at once. ``step``: the address of the page where the person decides what
    the guard finds ambiguous in it (the output's :func:`step_page`, or a publication's page); the guard applies
    the decisions the person asking took and audited there (:func:`kept_decisions`), and nothing in the
    download's own request can add one. A refused download links back to that page (:func:`blocked_page`)."""
    return Guard(audience, external=external, records=records, allowed_restricted=allowed_restricted,
                 decisions=kept_decisions(current_user, step), no_personal_details=no_personal_details, step=step)


def blocked_page(blocked: Blocked) -> Any:
    """The answer to a download the guard refused (422): nothing was built, and the way back to the page where
    the person decides."""
    return render_template("core/preflight_required.html", message=blocked.user_message, step=blocked.step), 422


@dataclass(frozen=True)
class Step:
    """An output's preflight step (see :func:`step_page`).

    ``address``: the step's own URL (built the same way by the build view, as its ``request_guard(step=...)``);
    ``title`` and ``subtitle``: what is about to leave; ``guard`` and ``content``: the output's guard (as its
    build makes it) and what it will release (a Document); ``left_out``: what the output leaves out, and why,
    one sentence each; ``builds``: ``(label, URL)`` of each build (a POST, allowed once nothing waits);
    ``back``: ``(label, URL)`` of the page the person came from; ``output``: how the audit trail names it."""

    address: str
    title: str
    guard: Guard
    content: Any
    output: str
    builds: list[tuple[str, str]]
    back: tuple[str, str]
    subtitle: str = ""
    left_out: list[str] = field(default_factory=list)


def step_page(step: Step) -> Any:
    """Answer an output's preflight address: GET shows it; POST keeps the decisions posted on the hits waiting
    or decided (one audit row each, with who and why) in the table of preflight decisions, then shows it again."""
    hits = step.guard.preflight(step.content)
    decisions = kept_decisions(current_user, step.address)
    reason, problem = "", ""
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        known = {hit.key for hit in hits if hit.ambiguous}
        posted = {key: value for key, value in decisions_from(request.form).items() if key in known}
        reason = request.form.get(REASON_FIELD, "").strip()[:1000]
        problem = undecided_message(len(known - set(decisions))) if not posted else "" if reason \
            else str(REASON_MISSING)
        if not problem:
            audit_decisions(hits, posted, reason, step.output)
            keep_step_decisions(current_user, step.address, posted, reason)
            db.session.commit()
            flash(gettext("Your decisions were kept in the audit trail: the build applies them."), "success")
            return redirect(step.address)
        decisions = {**decisions, **posted}
    reader = reader_guard()
    check = summary(hits, decisions, reader)
    title, subtitle = (reader.clean(text, strict=False) for text in (step.title, step.subtitle))
    left_out = [reader.clean(str(line), strict=False) for line in step.left_out]  # a file's name may hold a name
    return render_template("core/preflight_step.html", step=step, title=title, subtitle=subtitle, check=check,
                           left_out=left_out, decisions=decisions, reason=reason, problem=problem,
                           kind_labels=KIND_LABELS, reason_labels=REASON_LABELS), 422 if problem else 200


def keep_decisions(target: Any, form: Mapping[str, str], hits: list[Hit] | list[dict[str, Any]], output: str) -> str:
    """Keep on ``target`` (a bulletin, an annual report: every later build applies them) the decisions posted in
    ``form`` on these ``hits`` (or their :func:`as_data`), and audit them; returns what is wrong ("" when kept)."""
    known = {hit.key if isinstance(hit, Hit) else hit["key"] for hit in hits
             if (hit.ambiguous if isinstance(hit, Hit) else hit["ambiguous"])}
    decisions = {key: value for key, value in decisions_from(form).items() if key in known}
    reason = form.get(REASON_FIELD, "").strip()[:1000]
    if not decisions:
        return undecided_message(len(known))
    if not reason:
        return str(REASON_MISSING)
    target.disclosure_decisions = {**(target.disclosure_decisions or {}), **decisions}
    target.disclosure_reason = reason
    audit_decisions(hits, decisions, reason, output)
    return ""


def as_data(hits: list[Hit]) -> list[dict[str, Any]]:
    """Hits as plain values (one per key): the undecided hits of a refused build are kept on its job this way,
    for the page that asks for decisions on them."""
    return [{"key": hit.key, "found": hit.found, "before": hit.before, "after": hit.after, "form": hit.form,
             "reason": hit.reason, "ambiguous": hit.ambiguous, "kind": hit.protected.kind,
             "replacement": hit.protected.replacement,
             "record": list(hit.protected.record) if hit.protected.record else None}
            for hit in {hit.key: hit for hit in hits}.values()]


def from_data(rows: list[dict[str, Any]]) -> list[Hit]:
    """:func:`as_data` back as hits, to show them with the preflight template."""
    from .register import Protected

    found = []
    for row in rows:
        text = row["before"] + row["found"] + row["after"]
        start = len(row["before"])
        protected = Protected(row["kind"], "", row["replacement"], record=tuple(row["record"]) if row["record"] else None)
        found.append(Hit(text, start, start + len(row["found"]), protected, row["form"], ambiguous=row["ambiguous"],
                         reason=row["reason"], known_key=row["key"]))
    return found
