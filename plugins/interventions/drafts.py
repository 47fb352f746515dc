"""The templates a draft starts from: an appeal, a follow-up, a closing appeal or a letter, in each language,
filled from the case (its facts, its defenders by the names they may be published under, the actions requested
and the addresses of the country's authorities in that language).

The filled texts pass through the disclosure guard as a text leaving the organisation would: a real name a
defender did not consent to, the case's source or someone's address typed into the case's description never
reaches the draft (staff then write in the draft what may be published, and publishing checks it again).
"""
from __future__ import annotations

from typing import Any

from flask_babel import force_locale

from core.api import Defender, Guard, format_date, visible_ids
from core.api import gettext as _

from . import services
from .forms import ACTS, PERPETRATOR_TYPES
from .letters import missing_text
from .models import LANGUAGES, Action, Authority, Case, Development
from .services import country_authorities

#: Which template each type of action starts from.
TEMPLATES = {"urgent_appeal": "appeal", "press_release": "appeal", "follow_up": "follow_up", "closing": "closing",
             "open_letter": "letter", "private_letter": "letter"}
assert set(TEMPLATES) == set(Action.TYPES)
#: Violations after which the actions requested ask for a release.
DETENTIONS = ("arbitrary_detention",)
NUMERALS = ("i", "ii", "iii", "iv", "v", "vi")


def draft(case: Case, kind: str, languages: list[str], user: Any) -> dict[str, str]:
    """The ``title_*``, ``body_*`` and ``requested_*`` texts of a new action of ``kind`` in ``languages``,
    released by the case's guard as an output leaving the organisation (nobody there to decide: an ambiguous
    name is masked)."""
    shown = visible_ids(Defender, case.defenders, user)  # a defender the user may not see is not named to them
    defenders = [defender for defender in case.defenders if defender.id in shown]
    authorities = country_authorities(case.country_id) if TEMPLATES[kind] in ("appeal", "follow_up") else []
    fresh = new_developments(case, user) if TEMPLATES[kind] == "follow_up" else []
    texts: dict[str, str] = {}
    for language in languages:
        if language not in LANGUAGES:
            continue
        with force_locale(language):
            texts.update(_texts(case, TEMPLATES[kind], language, defenders, authorities, fresh))
    return released(case, texts, user)


def new_developments(case: Case, user: Any) -> list[Development]:
    """What a follow-up tells: the case's developments since its latest public action (never the confidential
    ones, nor their sources)."""
    return services.new_developments(services.developments(case, user), services.last_public_action_at(case.actions))


def developments_text(fresh: list[Development]) -> str:
    """The new developments, one paragraph each, in the current language ("" when there are none)."""
    if not fresh:
        return ""
    paragraphs = [_("New developments since our last appeal:")]
    for development in fresh:
        day = format_date(development.occurred_on, "long")
        where = _("%(day)s, in %(place)s", day=day, place=development.place) if development.place else day
        paragraphs.append(_("%(when)s — %(act)s: %(what)s", when=where, act=ACTS[development.act],
                            what=development.what))
    return "\n\n".join(paragraphs)


def released(case: Case, texts: dict[str, str], user: Any) -> dict[str, str]:
    """Texts a draft starts from, as the guard lets them leave the organisation (a real name becomes the name to
    publish, a source or an address ``[…]``): what is published begins from what may be published."""
    return Guard(user, external=True, records=[(Case.__record_type__, case.id)], unattended=True).release(texts)


def _names(defenders: list) -> str:
    names = [defender.public_name.strip() or _("[name to publish not given]") for defender in defenders]
    return ", ".join(names) if names else _("[the defenders concerned]")


def _texts(case: Case, template: str, language: str, defenders: list, authorities: list[Authority],
           fresh: list[Development]) -> dict[str, str]:
    """One language's texts (called under ``force_locale(language)``); a follow-up tells the ``fresh``
    developments."""
    names, country = _names(defenders), case.country.name
    violations = ", ".join(term.label for term in case.violations)
    if template == "follow_up":
        title = _("%(country)s: new developments – %(names)s", country=country, names=names)
        opening = _("The Observatory for the Protection of Human Rights Defenders has received new information and "
                    "requests your intervention in the following situation (%(country)s).", country=country)
        if case.reference:
            opening += " " + _("Follow-up of %(reference)s.", reference=case.reference)
    elif template == "closing":
        title = _("%(country)s: closing of the appeal – %(names)s", country=country, names=names)
        opening = _("The Observatory for the Protection of Human Rights Defenders thanks all those who intervened "
                    "and closes its appeal on the following situation (%(country)s).", country=country)
    elif template == "letter":
        title = _("%(country)s: letter to the authorities about %(names)s", country=country, names=names)
        opening = _("We are writing to express our deep concern about the situation of %(names)s (%(country)s).",
                    names=names, country=country)
    else:
        title = _("%(country)s: %(violations)s – %(names)s", country=country, violations=violations, names=names) \
            if violations else _("%(country)s: %(names)s", country=country, names=names)
        opening = _("The Observatory for the Protection of Human Rights Defenders requests your urgent intervention "
                    "in the following situation (%(country)s).", country=country)
    body = [opening, _facts(case, names, violations)]
    if template == "follow_up" and fresh:
        body.append(developments_text(fresh))
    if case.description.strip():
        body.append(_("Description of the facts:") + "\n" + case.description.strip())
    if template in ("appeal", "follow_up"):
        body.append(_sentence(_("The Observatory condemns these acts, which seem to aim only at sanctioning the "
                                "legitimate human rights activities of %(names)s.", names=names)))
        body.append(_addresses(authorities, language))
    requested = "" if template == "closing" else _requested(case, template, names)
    return {f"title_{language}": title, f"body_{language}": "\n\n".join(body), f"requested_{language}": requested}


def _sentence(text: str) -> str:
    """A sentence ending with a name that ends with its initial's full stop ("A. K.") ends there."""
    return text[:-1] if text.endswith("..") else text


def _facts(case: Case, names: str, violations: str) -> str:
    lines = [_("Persons concerned: %(names)s", names=names)]
    if case.events_date:
        lines.append(_("Date of the events: %(date)s", date=format_date(case.events_date, "long")))
    if case.events_place.strip():
        lines.append(_("Place of the events: %(place)s", place=case.events_place.strip()))
    if violations:
        lines.append(_("Violations: %(violations)s", violations=violations))
    perpetrators = [str(PERPETRATOR_TYPES[p.type]) + (f" ({p.details})" if p.details else "")
                    for p in case.perpetrators]
    if perpetrators:
        lines.append(_("Alleged perpetrators: %(perpetrators)s", perpetrators="; ".join(perpetrators)))
    return "\n".join(lines)


def _requested(case: Case, template: str, names: str) -> str:
    asks = [_("Guarantee in all circumstances the physical and psychological integrity of %(names)s;", names=names)]
    if any(term.key in DETENTIONS for term in case.violations):
        asks.append(_("Release %(names)s immediately and unconditionally;", names=names))
    asks += [_("Put an end to all acts of harassment, including at the judicial level, against %(names)s and all "
               "human rights defenders in the country;", names=names),
             _("Comply with the UN Declaration on Human Rights Defenders, in particular its articles 1 and 12.2;"),
             _("Ensure in all circumstances respect for human rights and fundamental freedoms in accordance with "
               "the international instruments ratified by the country.")]
    lines = [f"{numeral}. {ask}" for numeral, ask in zip(NUMERALS, asks)]
    if template != "letter":  # a letter says it itself ("We respectfully urge the authorities to:")
        lines.insert(0, _("Please write to the authorities asking them to:"))
    return "\n".join(lines)


def _addresses(authorities: list[Authority], language: str) -> str:
    """The authorities to write to, in the draft's language; a part the directory lacks in it says so."""
    if not authorities:
        return _("Addresses:") + "\n" + _("[No authority of this country in the directory yet]")
    lines = [_("Addresses:")]
    for authority in authorities:
        missing = authority.missing(language)
        parts = [authority.text("office", language) or missing_text("office"), authority.person.strip()]
        parts += authority.address_lines(language) or ([missing_text("address")] if "address" in missing else [])
        line = ", ".join(part for part in parts if part)
        if authority.email:
            line += ". " + _("Email: %(email)s", email=authority.email)
        if authority.fax:
            line += ". " + _("Fax: %(fax)s", fax=authority.fax)
        lines.append(f"· {line}")
    return "\n".join(lines)
