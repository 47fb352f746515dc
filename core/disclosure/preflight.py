"""The preflight: before an output leaves, the person building it sees every hit of the guard in context, what
will be masked and what waits for their decision; their decisions travel with the build and are audited.

A page shows :func:`summary` with the template ``core/_preflight.html`` inside its build form; the build view
reads :func:`decisions_from` the form, refuses the build with :func:`undecided_message` while a hit waits, and
:func:`audit_decisions` records who decided what, and why.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from flask import render_template, request

from ..audit.capture import record as audit
from ..extensions import db
from ..languages.i18n import gettext
from ..languages.i18n import lazy_gettext as _l
from .guard import DECISIONS, MASK, Blocked, Guard, Hit
from .register import INTERNAL_TITLE, NAME, PERSONAL, SOURCE

FIELD_PREFIX = "disclose-"
REASON_FIELD = "disclose_reason"
KIND_LABELS = {NAME: _l("A name that may not be published"), PERSONAL: _l("A personal detail"),
               SOURCE: _l("A confidential source"), INTERNAL_TITLE: _l("An internal title")}
REASON_MISSING = _l("Say why you decided as you did: it is kept in the audit trail.")
REASON_LABELS = {"common word": _l("it is also a common word"),
                 "shared": _l("someone this output may name has the same name"),
                 "namesake": _l("two protected people have this name"),
                 "given name": _l("it may be someone's given name rather than this family name")}


@dataclass(frozen=True)
class Summary:
    """What the preflight shows: hits to decide (one per form and protected thing), hits masked, and counts."""

    waiting: list[Hit]
    masked: list[Hit]
    decided: list[Hit]

    @property
    def blocking(self) -> bool:
        return bool(self.waiting)


def summary(hits: list[Hit], decisions: Mapping[str, str]) -> Summary:
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
               "found": hit["found"], "why": reason, "ambiguous_because": hit["reason"]}, actor=actor)


def request_guard(audience: Any, *, external: bool, records: Iterable[tuple[str, int]] = (),
                  allowed_restricted: Iterable[tuple[str, int]] = (), no_personal_details: bool = False) -> Guard:
    """The guard of a download answered at once: with the decisions the person took on the preflight page
    (:func:`blocked_page`, which sends them back with the same address), accepted only with their reason."""
    decisions = decisions_from(request.values)
    reason = request.values.get(REASON_FIELD, "").strip()[:1000]
    guard = Guard(audience, external=external, records=records, allowed_restricted=allowed_restricted,
                  decisions=decisions if reason else {}, no_personal_details=no_personal_details)
    guard.reason = reason
    return guard


def audit_request_decisions(guard: Guard, output: str) -> None:
    """Audit the decisions a released download used (none when it needed none)."""
    if guard.decisions and guard.register is not None:
        audit_decisions(guard.seen, guard.decisions, guard.reason, output)
        db.session.commit()


def blocked_page(blocked: Blocked) -> Any:
    """The answer to a download the guard refused: its preflight, to decide and ask again (422)."""
    decisions = decisions_from(request.values)
    reason = request.values.get(REASON_FIELD, "").strip()
    kept = [(name, value) for name, value in request.args.items(multi=True)
            if not name.startswith(FIELD_PREFIX) and name != REASON_FIELD]
    return render_template("core/preflight_required.html", check=summary(blocked.hits, decisions),
                           decisions=decisions, reason=reason, kept=kept, message=blocked.user_message,
                           needs_reason=bool(decisions) and not reason, reason_missing=REASON_MISSING,
                           kind_labels=KIND_LABELS,
                           reason_labels=REASON_LABELS), 422


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
