"""The preflight: before an output leaves, the person building it sees every hit of the guard in context, what
will be masked and what waits for their decision; their decisions travel with the build and are audited.

A page shows :func:`summary` with the template ``core/_preflight.html`` inside its build form; the build view
reads :func:`decisions_from` the form, refuses the build with :func:`undecided_message` while a hit waits, and
:func:`audit_decisions` records who decided what, and why.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from ..audit.capture import record as audit
from ..i18n import gettext
from ..i18n import lazy_gettext as _l
from .guard import DECISIONS, MASK, Hit
from .register import INTERNAL_TITLE, NAME, PERSONAL, SOURCE

FIELD_PREFIX = "disclose-"
REASON_FIELD = "disclose_reason"
KIND_LABELS = {NAME: _l("A name that may not be published"), PERSONAL: _l("A personal detail"),
               SOURCE: _l("A confidential source"), INTERNAL_TITLE: _l("An internal title")}
REASON_LABELS = {"common word": _l("it is also a common word"),
                 "shared": _l("someone this output may name has the same name"),
                 "namesake": _l("two protected people have this name")}


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


def audit_decisions(hits: list[Hit], decisions: Mapping[str, str], reason: str, output: str,
                    actor: Any = None) -> None:
    """One audit row per decided hit: what was found (its form, never the text around it), the decision and
    the reason, on the protected record."""
    seen = set()
    for hit in hits:
        if not hit.ambiguous or hit.key not in decisions or hit.key in seen:
            continue
        seen.add(hit.key)
        kind, record_id = hit.protected.record or ("", None)
        audit("disclose", kind or "output", record_id, output[:200],
              {"decision": "masked" if decisions[hit.key] == MASK else "another person", "form": hit.form,
               "found": hit.found, "why": reason, "ambiguous_because": hit.reason}, actor=actor)
