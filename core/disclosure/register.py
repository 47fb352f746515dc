"""The protected register: for one output and its audience, everything that must not appear in it.

The core registers what it owns: names and aliases of defenders who did not consent to be named (replaced by
their publishable names), names of restricted defenders and partners the output may not carry, and the
personal details of the defenders and partners concerned (e-mails, phones, addresses, exact locations, family
members, partners' contacts). Plugins add their own protected fields (confidential sources, internal titles...)
through ``observatory_protected_terms``, and say whom their records concern through
``observatory_records_concerned`` (a letter's case concerns its defenders, whose address must stay out even when
the letter names them only by their publishable name). Defenders are also found by the words of the output
itself, through the names' search index, so a name typed in a text that is not linked to them is found too, and
by the numbers and addresses it holds, through their own indexes (:mod:`.phones`, :mod:`.addresses`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from sqlalchemy import func, or_, select, true
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..languages.i18n import gettext
from ..plugin_host.contributions import RESTRICTED
from ..records.models import Assignment, Defender, Partner
from ..records.tokens import pair_holders
from ..records.visibility import is_admin
from . import addresses, names, phones
from .lookup import PAIRS_BATCH, Audience, Looked, contact_names, look_up, unnamed

WITHHELD = "[…]"
NAME, PERSONAL, SOURCE, INTERNAL_TITLE = "name", "personal", "source", "internal_title"
#: How each kind of protected text is looked for (see :class:`Protected`).
PERSON, PERSON_EXACT, PHRASE, EMAIL, PHONE = "person", "person_exact", "phrase", "email", "phone"
#: A word or pair held by many people, one of whom the output may not name (see :mod:`core.disclosure.lookup`):
#: looked for in the forms it comes with, and always ambiguous.
MANY_PEOPLE = "many_people"
PEOPLE = ("defender", "partner")
LOOKUP_BATCH = 500
CONCERNED_STEPS = 3  # an advocacy action → its linked mission → the mission's linked case → that case's defenders
STATEMENT_VALUES = 10_000  # bound values in one lookup statement, well below every database's limit
_SEGMENTS = re.compile(r"[\n;,]+")


class RegisterIncomplete(Exception):
    """A plugin could not say what it protects: the output is refused rather than built without it."""

    def __init__(self, plugins: list[str]) -> None:
        super().__init__(", ".join(plugins))
        self.plugins = plugins
        self.user_message = gettext("Nothing was sent: a plugin (%(plugins)s) could not say what this output "
                                    "must keep out.", plugins=", ".join(plugins))


@dataclass(frozen=True)
class Protected:
    """One thing that must not leave in this output: ``text`` (looked for as ``match``: a person's name in all
    its forms, ``person_exact`` without the surname alone, a ``phrase``, an ``email`` or a ``phone``), what to
    print instead, the ``kind`` (name, personal, source, internal_title) and the record it belongs to."""

    kind: str
    text: str
    replacement: str = WITHHELD
    match: str = PHRASE
    record: tuple[str, int] | None = None
    region: str = ""  # a phone's country (alpha-2), to read a number written without its country code
    forms: tuple[names.Form, ...] = ()  # for ``many_people``: the forms to look for


@dataclass
class Register:
    """What one output must keep out, and the people it may name (to tell a namesake apart)."""

    protected: list[Protected] = field(default_factory=list)
    allowed_names: list[str] = field(default_factory=list)


def build(texts: Iterable[str], audience: Any, external: bool, records: Iterable[tuple[str, int]] = (),
          allowed_restricted: Iterable[tuple[str, int]] = (), no_personal_details: bool = False) -> Register:
    """The register of an output made of ``texts``, for ``audience`` (a user, or ``None`` for the public).

    ``external``: the output leaves the organisation (dossier, publication, letter, public export), so every
    name without consent and every personal detail is protected; otherwise only what the audience may not see.
    ``records``: the (type, id) of the records the output is about (their details, and those of the people they
    concern, are protected even when their names do not appear). ``allowed_restricted``: restricted records the
    output may name (an exporter with the permission included them, and the export is audited).
    ``no_personal_details``: an internal output that still carries nobody's personal details (a printed file).
    """
    from ..plugin_host.plugins import host

    texts = [text for text in texts if text]
    records = list(dict.fromkeys(records))
    allowed = set(allowed_restricted)
    register = Register()
    tokenized = [(text, names.tokens(text)) for text in texts]  # once: a long text takes milliseconds
    seen = _visible_ids(audience)
    reader = Audience(audience, external, frozenset(allowed), None if seen is None else frozenset(seen))
    looked = look_up(tokenized, reader)
    mails = {found for text in texts for _s, _e, found in names.emails(text)}
    people = concerned(records)
    linked = {kind: looked.ids[kind] | {i for k, i in people if k == kind} for kind in PEOPLE}
    for kind, ids in phones.holders(texts).items():  # a number typed without its holder's name
        linked[kind] |= ids
    details_out = external or no_personal_details
    # An address typed without its holder's name: its holders loaded, or, on a street many live on, the part
    # written whole registered when someone whose details this output keeps out lives there.
    at_address = addresses.look_up(tokenized, None if details_out else unnamed(Defender, reader))
    linked["defender"] |= at_address.ids
    register.protected += [Protected(PERSONAL, written, WITHHELD, PHRASE, ("defender", record_id))
                           for written, record_id in at_address.parts]
    for defender in _defenders(mails, linked["defender"]):
        _add_defender(register, defender, audience, external, allowed, seen, details_out)
    # a partner's contact e-mail typed alone finds it too, in the same statement (its contacts are free text)
    by_mail = [or_(*[func.lower(Partner.contacts).contains(mail, autoescape=True) for mail in chunk])
               for chunk in _chunks(mails, 50)]
    for partner in _found(Partner, [Partner.id.in_(chunk) for chunk in _chunks(linked["partner"])] + by_mail):
        _add_partner(register, partner, audience, external, allowed, seen, details_out)
    _add_details_of_namesakes(register, looked, linked["defender"], tokenized, reader, details_out)
    # Words and pairs held by many people, one of whom this output may not name: each waits for a decision.
    register.protected += [Protected(NAME, text, WITHHELD, MANY_PEOPLE, forms=forms) for text, forms in looked.many]
    failed: list[str] = []
    entries = host().collect("observatory_protected_terms", failed=failed, records=records, audience=audience,
                             external=external)
    if failed:
        raise RegisterIncomplete(failed)
    for entry in entries:
        if isinstance(entry, Protected):
            register.protected.append(entry)
    return register


def _add_details_of_namesakes(register: Register, looked: Looked, loaded: set[int],
                              tokenized: list[tuple[str, list[names.Token]]], audience: Audience,
                              details_out: bool) -> None:
    """The details written in the text of the people holding a full name it holds that many records hold (see
    :mod:`~.lookup`): not loaded as records (their name waits for a decision as many people's), but the
    addresses, exact locations and family members of those whose details this output keeps out (every one in an
    external output or a printed file, otherwise those its reader may not see), each part only when its words
    are all in the text: the register stays small however many hold the name. (Organisations are found by their
    whole name, and then loaded.)"""
    holding = [Defender.id.in_(chunk) for chunk in _chunks(looked.details_ids - loaded, STATEMENT_VALUES)]
    holding += [Defender.id.in_(select(pair_holders("defender", chunk).subquery().c.record_id))
                for chunk in _chunks(looked.details_pairs, PAIRS_BATCH)]
    words = {token.word for _text, text_tokens in tokenized for token in text_tokens}
    keep_out = true() if details_out else unnamed(Defender, audience)
    found: dict[int, tuple[str, str, str]] = {}
    for among in holding:  # one statement for the usual text (a chunk of pairs, or of ids)
        found.update((row[0], tuple(row[1:])) for row in db.session.execute(select(
            Defender.id, Defender.address, Defender.exact_location, Defender.family).where(
            among, Defender.kind == Defender.PERSON, keep_out,
            or_(Defender.address != "", Defender.exact_location != "", Defender.family != ""))))
    for record_id, (address, exact_location, family) in sorted(found.items()):
        if record_id in loaded:  # registered whole already
            continue
        register.protected.extend(
            entry for entry in _personal_details(("defender", record_id), "", address=address,
                                                 exact_location=exact_location, family=family)
            if entry.match not in (PHRASE, PERSON_EXACT) or all(word in words for word in
                                                                names.name_words(entry.text)))


def concerned(records: list[tuple[str, int]]) -> set[tuple[str, int]]:
    """``records`` and every record they concern, as plugins say, followed a few steps (a mission's linked case
    concerns the case's defenders); a plugin that cannot say refuses the output, as for protected terms."""
    from ..plugin_host.plugins import host

    found = set(records)
    asked = [record for record in found if record[0] not in PEOPLE]
    for _step in range(CONCERNED_STEPS):
        if not asked:
            break
        failed: list[str] = []
        answers = host().collect("observatory_records_concerned", failed=failed, records=asked)
        if failed:
            raise RegisterIncomplete(failed)
        new = {(str(kind), int(record_id)) for kind, record_id in answers} - found
        found |= new
        asked = [record for record in new if record[0] not in PEOPLE]
    return found


def _chunks(values: set[Any], size: int = LOOKUP_BATCH) -> list[list[Any]]:
    ordered = sorted(values)
    return [ordered[i:i + size] for i in range(0, len(ordered), size)]


def _found(model: Any, conditions: list[Any]) -> list[Any]:
    """The records meeting any of ``conditions`` (each holding one batch of values), each once, by id: in one
    statement for the usual output, in several for a long one, so that no statement exceeds a database's limit
    of bound values (32,766 on SQLite)."""
    found: dict[int, Any] = {}
    per_statement = STATEMENT_VALUES // LOOKUP_BATCH
    for start in range(0, len(conditions), per_statement):
        statement = select(model).where(or_(*conditions[start:start + per_statement]))
        found.update((record.id, record) for record in db.session.scalars(
            statement.options(joinedload(model.country))))
    return [found[key] for key in sorted(found)]


def _defenders(mails: set[str], ids: set[int]) -> list[Defender]:
    conditions = [func.lower(Defender.email).in_(chunk) for chunk in _chunks(mails)]
    conditions += [Defender.id.in_(chunk) for chunk in _chunks(ids)]
    return _found(Defender, conditions)


def _visible_ids(audience: Any) -> set[tuple[str, int]] | None:
    """The restricted records the audience is assigned to (``None``: an admin, who sees everything)."""
    if audience is None:
        return set()
    if is_admin(audience):
        return None
    rows = db.session.execute(select(Assignment.record_type, Assignment.record_id).where(
        Assignment.user_id == audience.id, Assignment.record_type.in_(("defender", "partner"))))
    return {(kind, record_id) for kind, record_id in rows}


def _may_name(record: Any, key: tuple[str, int], audience: Any, external: bool, allowed: set,
              seen: set | None) -> bool:
    if record.confidentiality == RESTRICTED:
        if key in allowed:
            return True
        if external or audience is None:
            return False
        return seen is None or key in seen
    return True


def _add_defender(register: Register, defender: Defender, audience: Any, external: bool, allowed: set,
                  seen: set | None, details_out: bool) -> None:
    key = ("defender", defender.id)
    visible = _may_name(defender, key, audience, external, allowed, seen)
    named = visible and (defender.consent_to_publish or not external)
    every_name = [defender.name, *defender.alias_list]
    if named:
        register.allowed_names.extend(every_name)
    else:
        replacement = defender.publication_name.strip() if visible and defender.publication_name.strip() \
            else WITHHELD
        match = PERSON if defender.kind == Defender.PERSON else PHRASE
        register.protected.extend(Protected(NAME, name, replacement, match, key) for name in every_name)
    if details_out or not visible:
        region = defender.country.alpha2 if defender.country else ""
        register.protected.extend(_personal_details(key, region, email=defender.email, phone=defender.phone,
                                                    address=defender.address,
                                                    exact_location=defender.exact_location,
                                                    family=defender.family))


def _add_partner(register: Register, partner: Partner, audience: Any, external: bool, allowed: set,
                 seen: set | None, details_out: bool) -> None:
    key = ("partner", partner.id)
    visible = _may_name(partner, key, audience, external, allowed, seen)
    if visible:
        register.allowed_names.extend([partner.name, *partner.alias_list])
    else:
        register.protected.extend(Protected(NAME, name, WITHHELD, PHRASE, key)
                                  for name in (partner.name, *partner.alias_list))
        if partner.acronym.strip():
            register.protected.append(Protected(NAME, partner.acronym, WITHHELD, PHRASE, key))
        # its contact people would name it too: found in every form a defender's name is (typed alone, surname
        # first, "Ms. Haddad", "L. Haddad"...)
        register.protected.extend(Protected(NAME, person, WITHHELD, PERSON, key)
                                  for person in contact_names(partner.contacts or ""))
    if details_out or not visible:
        register.protected.extend(_personal_details(key, partner.country.alpha2 if partner.country else "",
                                                    contacts=partner.contacts))


def _personal_details(key: tuple[str, int], region: str, **fields: str) -> list[Protected]:
    """Each personal field as what can be found of it in a text: e-mails and phones wherever they are written,
    the parts of an address or location (a street, a building: two words or more), family members' names."""
    found: list[Protected] = []
    for name, value in fields.items():
        found.extend(protect_text(PERSONAL, value, key, region, whole=False))
        if name in ("family", "contacts"):  # names in scripts without capitals, or typed in lower case
            found.extend(Protected(PERSONAL, part.strip(), WITHHELD, PERSON_EXACT, key)
                         for part in _SEGMENTS.split(value or "")
                         if 2 <= len(names.name_words(part)) <= 6 and part.strip() == part.strip().lower())
        if name in ("address", "exact_location"):
            found.extend(Protected(PERSONAL, part, WITHHELD, PHRASE, key) for part in names.address_parts(value))
    return found


def protect_text(kind: str, text: str, record: tuple[str, int] | None = None, region: str = "",
                 whole: bool = True) -> list[Protected]:
    """A free text that must not leave (a confidential source, emergency contacts, a relocation place) as the
    register's entries: the e-mails, phone numbers and people's names written in it, and (``whole``) the text
    itself when it is short enough to be quoted as it is (twelve words or fewer). For plugins' hooks."""
    text = text or ""
    if not text.strip():  # most personal fields are empty: nothing to look for
        return []
    found = [Protected(kind, mail, WITHHELD, EMAIL, record) for _s, _e, mail in names.emails(text)]
    found += [Protected(kind, text[s:e], WITHHELD, PHONE, record, region)
              for s, e, digits in names.phones(text) if len(digits) >= 6]
    # a run that is one word once its honorifics are dropped ("Dr Leila") is a given name alone: no name
    found += [Protected(kind, run, WITHHELD, PERSON_EXACT, record) for run in _names_in(text)
              if len(names.name_words(run)) >= 2]
    if whole and 0 < len(names.name_words(text)) <= 12:
        found.append(Protected(kind, text.strip(), WITHHELD, PHRASE, record))
    return found


def _names_in(value: str) -> list[str]:
    """The names written in a free text ("Wife: Leila Haddad; son Omar"): every run of two or more capitalised
    words, and each shorter run inside it ("Son Omar Haddad" also gives "Omar Haddad")."""
    found = []
    for line in _SEGMENTS.split(value):
        run: list[str] = []
        for word in re.findall(r"[^\W\d_][\w'’-]*|\S", line) + ["."]:
            if word[:1].isupper():
                run.append(word)
                continue
            found.extend(" ".join(run[i:j]) for i in range(len(run)) for j in range(i + 2, len(run) + 1))
            run = []
    return found
