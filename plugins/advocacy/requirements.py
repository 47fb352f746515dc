"""What each kind of submission must contain before it is sent, as the bodies that receive them ask.

A special-procedures communication names the alleged victims and perpetrators, the (confidential) source, the
facts with dates and places and the steps taken at national level (OHCHR's submission form); a request for
precautionary measures follows article 25 of the IACHR's Rules of Procedure: beneficiaries, a serious and
urgent situation risking irreparable harm, the measures requested, the beneficiaries' consent, and whether the
state was informed. Elements are checked against the action as saved: the form lists what is still missing,
and an action cannot be marked as sent until nothing is.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.api import lazy_gettext as _l

TEXT, BODY, DEFENDERS, CONSENT, YES_NO = "text", "body", "defenders", "consent", "yes_no"


@dataclass(frozen=True)
class Element:
    """One thing a submission must contain; ``kind`` says where it lives: a text kept in the action's details
    (``text``), the action's own text (``body``), the defenders linked (``defenders``), their recorded consent
    (``consent``), or an answer yes or no (``yes_no``)."""

    key: str
    label: Any
    kind: str = TEXT
    help: Any = ""
    confidential: bool = False  # never leaves the organisation (dossiers, publications)


ELEMENTS = {element.key: element for element in (
    Element("victims", _l("Identity of the alleged victims"), DEFENDERS,
            _l("Link every defender concerned; their publishable names are used where they did not consent.")),
    Element("beneficiaries", _l("Proposed beneficiaries"), DEFENDERS,
            _l("Link every person the measures should protect.")),
    Element("perpetrators", _l("Alleged perpetrators"), TEXT,
            _l("Who is responsible: state agents (which force or office) or non-state actors.")),
    Element("source", _l("Source of the information"), TEXT,
            _l("Kept confidential: it never appears in a dossier or a publication."), confidential=True),
    Element("facts", _l("Facts, with dates and places"), TEXT,
            _l("What happened, when and where, in the order it happened.")),
    Element("national_steps", _l("Steps taken at national level"), TEXT,
            _l("Complaints filed, remedies tried and their results, or why none was possible.")),
    Element("urgency", _l("Serious and urgent situation risking irreparable harm"), TEXT,
            _l("The facts that show the gravity, the urgency and the harm that could not be repaired.")),
    Element("measures", _l("Measures requested"), TEXT,
            _l("What the state should be asked to do to protect the beneficiaries.")),
    Element("consent", _l("Consent of the people concerned"), CONSENT,
            _l("Recorded for every linked defender, on their line below.")),
    Element("state_informed", _l("Was the state already informed?"), YES_NO,
            _l("Whether the authorities were told of the risk, and how they answered.")),
    Element("session", _l("Session and agenda item"), TEXT,
            _l("The session (and item) the statement or report is for.")),
    Element("statement", _l("Text of the statement"), BODY),
    Element("report", _l("The report or its summary"), BODY,
            _l("The text submitted, or its summary with the report attached.")),
    Element("participants", _l("Participants"), TEXT, _l("Who took part, for each side.")),
    Element("issues", _l("Issues raised and requests made"), TEXT),
    Element("letter", _l("Text of the letter"), BODY),
)}

COMMUNICATION = ("victims", "perpetrators", "source", "facts", "national_steps", "consent")

#: type → (label, elements required)
TYPES: dict[str, tuple[Any, tuple[str, ...]]] = {
    "urgent_appeal": (_l("Communication to special procedures: urgent appeal"), COMMUNICATION),
    "allegation_letter": (_l("Communication to special procedures: allegation letter"), COMMUNICATION),
    "joint_communication": (_l("Communication to special procedures: joint communication"), COMMUNICATION),
    "precautionary_measures": (_l("Request for precautionary measures"),
                               ("beneficiaries", "urgency", "measures", "consent", "state_informed")),
    "written_statement": (_l("Written statement"), ("session", "statement")),
    "oral_statement": (_l("Oral statement"), ("session", "statement")),
    "report_submission": (_l("Report submission"), ("session", "report")),
    "meeting": (_l("Meeting or briefing"), ("participants", "issues")),
    "letter": (_l("Letter"), ("letter",)),
}

#: What ``AdvocacyAction.details`` may hold: the elements kept as text or yes/no, and how the state was informed.
DETAIL_KEYS = tuple(key for key, element in ELEMENTS.items() if element.kind in (TEXT, YES_NO)) + (
    "state_informed_details",)


def type_label(kind: str) -> Any:
    return TYPES[kind][0] if kind in TYPES else kind


def elements_for(kind: str) -> list[Element]:
    return [ELEMENTS[key] for key in TYPES.get(kind, (None, ()))[1]]


def types_needing(key: str) -> list[str]:
    """The types whose submissions require the element ``key`` (to show its field only for them)."""
    return [kind for kind, (_label, keys) in TYPES.items() if key in keys]


def missing(action: Any) -> list[Element]:
    """The elements of the action's type it does not contain yet, in the order the body lists them."""
    return [element for element in elements_for(action.type) if not _present(element, action)]


def _present(element: Element, action: Any) -> bool:
    if element.kind == DEFENDERS:
        return bool(action.defender_links)
    if element.kind == CONSENT:
        return bool(action.defender_links) and all(link.consent == "given" for link in action.defender_links)
    if element.kind == BODY:
        return bool(action.text.strip())
    if element.kind == YES_NO:
        return action.detail(element.key) in ("yes", "no")
    return bool(action.detail(element.key).strip())
