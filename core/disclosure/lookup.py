"""Which people a text may name: the register's lookup of the text's words in the names' search index.

A word of the text held by few records (:data:`MANY` at most) finds them: they are loaded, and every form of their
names is looked for. A word held by more (a common given name or surname at 100,000 records, or "for" and "Rights"
in organisations' names) is no key to load records one by one:

- two words written next to each other find the records holding both ("Aylin Kaya", "KAYA, Aylin"), as names of
  short words always are ("Li Na", "Lê Văn Hà"); a word beside an initial finds those holding the word and another
  starting with the letter ("L. Na", "Kaya, A.");
- a frequent word standing alone or after an honorific ("Kaya", "Ms. Kaya"), and a pair or an initial with a word
  still held by more than :data:`MANY` records, is an *ambiguous* hit (it waits for a person's decision, and is
  masked when nobody is there to decide) when a person protected for this output holds it: one statement says
  whether one does, without loading anyone;
- a full name written in the text (two words together) that more than :data:`MANY` records hold ("Maria
  Garcia") loads none of them as a name, but it is kept (:attr:`Looked.details_pairs`): the register
  reads the addresses, exact locations and families of the people among them (phones and e-mails are found by
  their own indexes), so that a protected holder's details written beside that name are masked all the same;
- an organisation is named only by its whole name, alias or acronym. A partner the output may not name (a
  restricted one) is found among the restricted partners, read by name (not as records) from the index on
  confidentiality, when all the words of one of its names are in the text: no pair of "Centre for Human Rights"
  is looked up. A defender that is an organisation is found by its rare words or pairs, and, when every word and
  pair of its name is frequent, among those holding a pair that the output may not name, by their names.

The pairs of an organisation's words ("Centre for", "Human Rights") are looked up among the defenders on purpose,
not needlessly: a defender may be an organisation, found by those pairs. It is not wrong either: a pair held by
few loads at most :data:`MANY` records, each adding only its own names and details (a consenting one's words may
make a protected surname written alone wait for a decision as "shared", never let it out); a pair held by many
adds a form to decide only when a protected *person* holds it, and its organisations are kept only when their
whole name is in the text; a partner's name is never looked up through them (see ``_partners_named``).

A handful of statements per text, whatever the number of records and words (see bench/register_lookup.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from sqlalchemy import String, and_, func, literal, not_, or_, select, true

from ..extensions import db
from ..plugin_host.contributions import RESTRICTED
from ..records.matching import PARTICLES
from ..records.models import Defender, Partner, SearchToken
from ..records.tokens import holders, pair_holders
from . import names

#: A word (or two words written together) held by more records than this is no key to load them by.
MANY = 50
#: A pair whose rarer word more records hold than this is met from its words' holders rather than probed.
PROBED = 200
TOKENS_BATCH = 500  # words in one statement
PAIRS_BATCH = 150  # pairs in one statement (each one arm of its small table; SQLite allows 500)
STATEMENT_IDS = 10_000  # record ids in one statement
MODELS = {"defender": Defender, "partner": Partner}


@dataclass
class Looked:
    """What the lookup found: record ids to load per kind, and the words (and pairs) held by many records of
    which a person protected for this output holds one, each as the forms to look for."""

    ids: dict[str, set[int]] = field(default_factory=lambda: {kind: set() for kind in MODELS})
    many: list[tuple[str, tuple[names.Form, ...]]] = field(default_factory=list)
    #: the full names of the text held by more than MANY records: the register reads their holders' details,
    #: from the pairs (as the index spells them) and from the holders already read (ids)
    details_pairs: set[tuple[str, str]] = field(default_factory=set)
    details_ids: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class Audience:
    """Who an output is for, as the lookup's statements need it (see :func:`unnamed`)."""

    user: Any
    external: bool
    allowed: frozenset[tuple[str, int]]
    seen: frozenset[tuple[str, int]] | None  # the restricted records the user is assigned to; None: an admin


def unnamed(model: Any, audience: Audience) -> Any:
    """The condition on ``model``'s rows that the output may not name them: the register's rule
    (``register._may_name`` and consent) as SQL."""
    kind = model.__record_type__
    allowed = [record_id for k, record_id in audience.allowed if k == kind]
    visible = [func.coalesce(model.confidentiality, "") != RESTRICTED]
    visible += [model.id.in_(allowed)] if allowed else []
    if not audience.external and audience.user is not None:
        if audience.seen is None:
            visible.append(true())
        else:
            visible += [model.id.in_(ids)] if (ids := [i for k, i in audience.seen if k == kind]) else []
    named = or_(*visible)
    if audience.external and model is Defender:
        named = and_(named, func.coalesce(Defender.consent_to_publish, False))
    return not_(named)


def look_up(tokenized: list[tuple[str, list[names.Token]]], audience: Audience) -> Looked:
    """The people the texts (each with its :func:`names.tokens`) may name, as :class:`Looked`."""
    words = {token.word for _text, found in tokenized for token in found}
    after_honorifics = {word for text, found in tokenized for word in names.after_honorifics(text, found)}
    runs = {run for text, _found in tokenized if names.unspaced(text) for run in names.unspaced_runs(text)}
    alone = {word for word in words if len(word) > 2 and word not in PARTICLES and word not in names.HONORIFICS}
    alone |= after_honorifics | runs
    keys = {names.key_of(word) for word in alone if names.comparable(word)}
    neighbours = {pair for text, found in tokenized for pair in names.neighbours(text, found)}
    initials = {pair for text, found in tokenized for pair in names.initials_beside(text, found)}
    held: dict[tuple[str, str], int] = {}
    for chunk in _chunks(words | alone | keys, TOKENS_BATCH):
        held.update({(kind, token): count for kind, token, count in db.session.execute(holders(MODELS, chunk))})
    text_words = words | {names.key_of(word) for word in words if names.comparable(word)}  # as names meet
    looked = Looked()
    for kind in MODELS:
        # A run of an unspaced script is a whole name: its holders are loaded however many they are.
        looked.ids[kind] |= _holding_any(kind, {word for word in alone | keys if 0 < held.get((kind, word), 0) <= MANY}
                                         | {run for run in runs if held.get((kind, run))})
    # Partners are organisations: those the output may not name are read by name, whatever their words.
    looked.ids["partner"] |= _partners_named(text_words, audience)
    count = lambda word: held.get(("defender", word), 0)  # noqa: E731 - the defenders holding it
    rare = {word for word in alone | keys if 0 < count(word) <= MANY}
    # Pairs written together whose words are each held, neither found alone, the rarer word first; each with the
    # pairs of the text it spells (a skeleton stands for a word: "~mhmd" for "Mohamed").
    written: dict[tuple[str, str], set[tuple[str, str]]] = {}
    for x, y in neighbours:
        if x in PARTICLES and y in PARTICLES:
            continue
        for a in _spellings(x):
            for b in _spellings(y):
                if a != b and count(a) and count(b) and a not in rare and b not in rare:
                    pair = (a, b) if (count(a), a) <= (count(b), b) else (b, a)
                    written.setdefault(pair, set()).add((x, y))
    # A pair whose rarer word few defenders hold is probed in the index; the others (two words each held by
    # hundreds or thousands: "Human Rights", "Maria Garcia") are met from their words' holders, read once.
    probed = {pair for pair in written if count(pair[0]) <= PROBED}
    few_pairs, many_pairs = _split("defender", probed, initials=False)
    beside = {(word, letter) for letter, word in initials if count(word) and word not in rare}
    few_initials, many_initials = _split("defender", beside, initials=True)
    looked.ids["defender"] |= _pair_ids("defender", few_pairs, False) | _pair_ids("defender", few_initials, True)
    met = _met("defender", set(written) - probed)
    looked.ids["defender"] |= {record_id for both in met.values() if len(both) <= MANY for record_id in both}
    crowded = {pair: both for pair, both in met.items() if len(both) > MANY}
    looked.details_pairs, looked.details_ids = many_pairs, set().union(*crowded.values())
    frequent = {word for word in alone - runs if count(word) > MANY}
    looked.many += _people_holding(frequent, after_honorifics, {pair: written[pair] for pair in many_pairs},
                                   many_initials, audience)
    people, organisations = _protected_among(crowded, audience)
    looked.many += [entry for pair, both in crowded.items() if both & people for entry in _pair_forms(written[pair])]
    looked.ids["defender"] |= _organisations(frequent, many_pairs, text_words, audience, organisations)
    return looked


def _partners_named(text_words: set[str], audience: Audience) -> set[int]:
    """The partners the output may not name (restricted ones, read by the index on confidentiality) whose name, an
    alias or the acronym has all its words in the text: a partner is named only by one of them, and its words,
    however common ("Centre for Human Rights"), need no pair looked up."""
    found = set()
    rows = select(Partner.id, Partner.name, Partner.name_key, Partner.aliases, Partner.acronym,
                  Partner.contacts).where(Partner.confidentiality == RESTRICTED, unnamed(Partner, audience))
    held = lambda word: word in text_words or names.key_of(word) in text_words  # noqa: E731
    for record_id, name, key, aliases, acronym, contacts in db.session.execute(rows):
        every = [key.split() if len(key) < 200 else names.name_words(name)]
        every += [names.name_words(other) for other in (*aliases.splitlines(), acronym) if other.strip()]
        # its contact people are named by any word of their names other than the first ("Ms. Haddad"), as a
        # defender is by a word of hers: the forms the guard then looks for tell a given name alone apart
        people = [names.name_words(person)[1:] for person in contact_names(contacts or "")]
        if any(words and all(held(word) for word in words) for words in every) \
                or any(held(word) for words in people for word in words if len(word) > 1):
            found.add(record_id)
    return found


_CONTACT_SEPARATORS = re.compile(r"[,;:(|/\u2013\u2014\t]| - ")


def contact_names(contacts: str) -> list[str]:
    """The people named in a partner's *Contact people* ("Name, role, email and phone; one person per line"): on
    each line, the first piece of two to six words before a comma (or another separator), when it reads as a
    name: no digit, no e-mail, every word capitalised (or a particle, or in a script without capitals). "Contact:
    Dr Leila Haddad, coordinator, +216..." gives "Dr Leila Haddad"; "Call the office at night" gives nothing (its
    words would otherwise stop every output holding "the")."""
    found = []
    for line in contacts.splitlines():
        for piece in _CONTACT_SEPARATORS.split(line):
            piece = _before_details(piece)
            count = len(names.name_words(piece))
            if count < 2:
                continue
            written = re.findall(r"[^\W\d_][\w'’.-]*", piece)
            if count <= 6 and all(not word[0].islower() or _particle(word) for word in written):
                found.append(piece.strip())
            break
    return found


def _before_details(piece: str) -> str:
    """The words of a piece before its first e-mail address or number ("Leila Haddad leila@hlu.example" gives
    "Leila Haddad"): a name written with its details and no comma between them is still a name."""
    kept = []
    for word in piece.split():
        if any(character.isdigit() or character in "@+" for character in word):
            break
        kept.append(word)
    return " ".join(kept)


def _particle(word: str) -> bool:
    """A word a name may write in lower case: a particle, alone or joined by a hyphen ("al-Sayed", "ibn-Rushd")."""
    return word.lower() in PARTICLES or word.split("-")[0].lower() in PARTICLES


def _met(kind: str, pairs: set[tuple[str, str]]) -> dict[tuple[str, str], set[int]]:
    """The holders of both words of each pair, from the holders of each word (read once)."""
    holding: dict[str, set[int]] = {}
    for chunk in _chunks({word for pair in pairs for word in pair}, TOKENS_BATCH):
        for token, record_id in db.session.execute(select(SearchToken.token, SearchToken.record_id).where(
                SearchToken.record_type == kind, SearchToken.token.in_(chunk))):
            holding.setdefault(token, set()).add(record_id)
    return {(a, b): holding.get(a, set()) & holding.get(b, set()) for a, b in pairs}


def _protected_among(crowded: dict[tuple[str, str], set[int]],
                     audience: Audience) -> tuple[set[int], dict[int, tuple[str, str]]]:
    """Among the defenders holding pairs held by many, those the output may not name: the people (ids), and the
    organisations with their names (name, aliases)."""
    ids = set().union(*crowded.values()) if crowded else set()
    people: set[int] = set()
    organisations: dict[int, tuple[str, str]] = {}
    for chunk in _chunks(ids, STATEMENT_IDS):
        for record_id, kind, name, aliases in db.session.execute(select(
                Defender.id, Defender.kind, Defender.name, Defender.aliases).where(
                Defender.id.in_(chunk), unnamed(Defender, audience))):
            if kind == Defender.PERSON:
                people.add(record_id)
            else:
                organisations[record_id] = (name, aliases)
    return people, organisations


def _pair_forms(written: set[tuple[str, str]]) -> list[tuple[str, tuple[names.Form, ...]]]:
    """A pair of words as a name, in either order, for each way the text wrote it."""
    return [(f"{x} {y}", (names.Form((x, y), "full name"), names.Form((y, x), "surname first")))
            for x, y in sorted(written)]


def _spellings(word: str) -> set[str]:
    """A word of the text as the index may hold it: itself, and its consonant skeleton in a name of several
    words ("Mohamed Ali" finds "Muhammad Ali")."""
    return {word, names.key_of(word)} if len(word) > 2 and names.comparable(word) else {word}


def _chunks(values: Iterable[Any], size: int) -> list[list[Any]]:
    ordered = sorted(values)
    return [ordered[i:i + size] for i in range(0, len(ordered), size)]


def _holding_any(kind: str, tokens: set[str]) -> set[int]:
    found: set[int] = set()
    for chunk in _chunks(tokens, TOKENS_BATCH):
        found |= set(db.session.scalars(select(SearchToken.record_id).where(
            SearchToken.record_type == kind, SearchToken.token.in_(chunk))))
    return found


def _split(kind: str, pairs: set[tuple[str, str]], initials: bool) -> tuple[set, set]:
    """The pairs held by :data:`MANY` records at most, and those held by more."""
    few, many = set(), set()
    for chunk in _chunks(pairs, PAIRS_BATCH):
        rows = pair_holders(kind, chunk, initials).subquery()
        counted = select(rows.c.first, rows.c.second, func.count()).group_by(rows.c.first, rows.c.second)
        for first, second, count in db.session.execute(counted):
            (few if count <= MANY else many).add((first, second))
    return few, many


def _pair_ids(kind: str, pairs: set[tuple[str, str]], initials: bool) -> set[int]:
    found: set[int] = set()
    for chunk in _chunks(pairs, PAIRS_BATCH):
        found |= {record_id for _first, _second, record_id in db.session.execute(pair_holders(kind, chunk, initials))}
    return found


def _people_holding(frequent: set[str], after_honorific: set[str], pairs: dict[tuple[str, str], set[tuple[str, str]]],
                    initials: set[tuple[str, str]], audience: Audience) -> list[tuple[str, tuple[names.Form, ...]]]:
    """The frequent words and pairs a person protected for this output holds, each with the forms to look for:
    a word alone or after an honorific where it is not the first word of that person's name (a given name alone
    names nobody), or after an honorific where it is a short first word ("Ms. Li" for Li Na); a pair in either
    order (``pairs``: as the index spells them, each with the pairs of the text it stands for); a word beside an
    initial (``initials``: (word, letter))."""
    person = and_(Defender.kind == Defender.PERSON, unnamed(Defender, audience))
    found: list[tuple[str, tuple[names.Form, ...]]] = []
    for chunk in _chunks(frequent, TOKENS_BATCH):
        later = (Defender.search_text + literal(" ", String)).like(literal("% ", String) + SearchToken.token + " %")
        short_first = and_(SearchToken.token.in_(sorted(after_honorific & set(chunk))),
                           func.length(SearchToken.token) <= 3)
        rows = select(SearchToken.token, later).distinct().join(Defender, Defender.id == SearchToken.record_id) \
            .where(SearchToken.record_type == "defender", SearchToken.token.in_(chunk), person,
                   or_(later, short_first))
        borne: dict[str, bool] = {}
        for word, not_first in db.session.execute(rows):
            borne[word] = borne.get(word, False) or bool(not_first)
        for word, not_first in borne.items():
            forms = [names.Form((names.HONORIFIC, word), "honorific and surname", by_surname=True)]
            forms += [names.Form((word,), "surname", partial=True)] if not_first and len(word) > 2 else []
            found.append((word, tuple(forms)))
    for group, initial in ((set(pairs), False), (initials, True)):
        for chunk in _chunks(group, PAIRS_BATCH):
            rows = pair_holders("defender", chunk, initial).subquery()
            held = select(rows.c.first, rows.c.second).distinct().join(Defender, Defender.id == rows.c.record_id) \
                .where(person)
            for first, second in db.session.execute(held):
                if initial:
                    letter = names.INITIAL + second
                    found.append((f"{second.upper()}. {first}", (
                        names.with_initial((letter, first), "initial and surname", by_surname=True),
                        names.with_initial((first, letter), "surname and initial", by_surname=True))))
                    continue
                found += _pair_forms(pairs[(first, second)])
    return found


def _organisations(frequent: set[str], pairs: set[tuple[str, str]], text_words: set[str], audience: Audience,
                   candidates: dict[int, tuple[str, str]]) -> set[int]:
    """The defenders that are organisations the output may not name, named in the text by their name or an alias
    made only of frequent words: read by name among those holding a frequent pair of the text (``pairs``, and
    the ``candidates`` already read) or, for a name of one word, the word; kept if every word of one of their
    names is in the text."""
    organisation = and_(unnamed(Defender, audience), Defender.kind != Defender.PERSON)
    candidates = dict(candidates)
    for chunk in _chunks(frequent, TOKENS_BATCH):
        one_word = or_(Defender.name_key == SearchToken.token, Defender.aliases != "")
        rows = select(Defender.id, Defender.name, Defender.aliases).join(
            SearchToken, SearchToken.record_id == Defender.id).where(
            SearchToken.record_type == "defender", SearchToken.token.in_(chunk), organisation, one_word)
        candidates.update((row[0], tuple(row[1:])) for row in db.session.execute(rows))
    for chunk in _chunks(pairs, PAIRS_BATCH):
        rows = pair_holders("defender", chunk).subquery()
        named = select(Defender.id, Defender.name, Defender.aliases).where(
            Defender.id.in_(select(rows.c.record_id)), organisation)
        candidates.update((row[0], tuple(row[1:])) for row in db.session.execute(named))
    found = set()
    for record_id, (name, aliases) in candidates.items():
        if any(words and all(word in text_words or names.key_of(word) in text_words for word in words)
               for words in (names.name_words(one) for one in (name, *aliases.splitlines()) if one.strip())):
            found.add(record_id)
    return found
