"""The guard every output passes through: find what the register protects, mask what is certain, and stop the
output while a person must decide.

A hit is *certain* when its form can only be the protected person or thing (a full name, "KAYA, Aylin",
"Ms. Kaya", "A. Kaya", an e-mail, a phone number, an address). It is *ambiguous* when it may be someone else: a
surname (or an acronym) alone that is also a common word, that two protected people share, or that a person the
output may name also bears; or an initial beside short words that are common words too ("L. Na", which a plain
sentence may hold: "Plan B. Do not..."). Certain hits are replaced by the protected thing's publishable wording; an
ambiguous hit blocks the output until someone decides it ("mask" it, or confirm it is "another" person), and
that decision is kept in the audit trail by the caller (:func:`core.disclosure.preflight`).
"""
from __future__ import annotations

import hashlib
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, fields, is_dataclass, replace
from typing import Any, Iterable

from flask_babel.speaklater import LazyString

from ..languages.i18n import gettext
from . import names
from .register import EMAIL, MANY_PEOPLE, NAME, PERSON, PERSON_EXACT, PERSONAL, PHONE, Protected, Register, build

MASK, OTHER = "mask", "other"
DECISIONS = (MASK, OTHER)
CONTEXT = 40  # characters shown on each side of a hit in the preflight


@dataclass(frozen=True)
class Hit:
    """One place where a protected thing appears in a text."""

    text: str  # the whole text it was found in
    start: int
    end: int
    protected: Protected
    form: str  # which form was found ("surname first", "e-mail"...)
    partial: bool = False  # a surname or a single word alone: may be someone else's
    by_surname: bool = False  # an honorific or an initial with the surname: may be another bearer of it
    short: bool = False  # an initial with short words only ("L. Na"): they may be plain words
    variant: bool = False  # a word of it met only by its consonants ("Kouznetsov" for "Kuznetsov")
    ambiguous: bool = False
    reason: str = ""  # why it is ambiguous: "many people", "common word", "shared", "namesake", "given name",
    # "spelling"
    known_key: str = ""  # the key, when the hit was kept as plain values (see preflight.from_data)
    shown: tuple[str, str] | None = None  # the context to show, other protected things in it masked
    shown_found: str | None = None  # what was found as its reader may see it (see :meth:`Guard.as_seen`)

    @property
    def found(self) -> str:
        return self.text[self.start:self.end]

    @property
    def seen(self) -> str:
        """What was found, as the person looking at the preflight may see it."""
        return self.found if self.shown_found is None else self.shown_found

    @property
    def key(self) -> str:
        """Names the decision about this occurrence: this form of this protected thing in these words around it
        (a decision never covers a place the person did not see, and lapses when the text around it changes)."""
        if self.known_key:
            return self.known_key
        raw = "|".join((self.protected.kind, str(self.protected.record), self.protected.text,
                        self.text[max(0, self.start - CONTEXT):self.start], self.found,
                        self.text[self.end:self.end + CONTEXT]))
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]

    @property
    def before(self) -> str:
        return self.shown[0] if self.shown else self.text[max(0, self.start - CONTEXT):self.start]

    @property
    def after(self) -> str:
        return self.shown[1] if self.shown else self.text[self.end:self.end + CONTEXT]

    @property
    def clipped(self) -> tuple[bool, bool]:
        """Whether the text goes on before and after the context shown."""
        return self.start > CONTEXT, self.end + CONTEXT < len(self.text)


class Blocked(Exception):
    """The output holds ambiguous hits nobody has decided: nothing of it may be kept or sent. ``user_message``
    says so in the user's language (a job shows it as its error)."""

    def __init__(self, hits: list[Hit], guard: Guard | None = None, message: str = "") -> None:
        super().__init__(f"{len(hits)} undecided hit(s)")
        self.hits = guard.with_context_shown(hits) if guard is not None else hits
        self.step = guard.step if guard is not None else ""  # where the person decides (see preflight.step_page)
        self.user_message = message or gettext(
            "Nothing was built: a protected name or detail may be someone else's and nobody decided it "
            "(%(num)d in all). Preview the output again and decide each one.", num=len({hit.key for hit in hits}))


class FileRefused(Exception):
    """A file that would leave whole (an annex) holds something the output may not carry; it cannot be masked,
    so the output is refused. ``user_message`` names the file, in the user's language."""

    def __init__(self, name: str, unreadable: bool = False) -> None:
        super().__init__(f"refused file {name!r}")
        self.name = name
        self.user_message = gettext(
            "Nothing was built: the file %(name)s cannot be read, so it cannot be checked. Leave it out.", name=name) \
            if unreadable else gettext(
            "Nothing was built: the file %(name)s holds a protected name or detail, and a file cannot be masked. "
            "Leave it out, or attach a copy without it.", name=name)


class Guard:
    """The guard of one output for one audience. Call :meth:`release` on everything the output holds, once."""

    def __init__(self, audience: Any, *, external: bool, records: Iterable[tuple[str, int]] = (),
                 allowed_restricted: Iterable[tuple[str, int]] = (), decisions: dict[str, str] | None = None,
                 unattended: bool = False, no_personal_details: bool = False, step: str = ""):
        """``unattended``: nobody is there to decide (a calendar feed polled by an app, an e-mail sent by the
        scheduler), so an undecided ambiguous hit is masked instead of stopping the output.
        ``no_personal_details``: an internal output that may be printed or sent on (a defender's file) keeps the
        names its reader may see but nobody's personal details, whatever the reader may see.
        ``step``: the address of the output's preflight step, whose ``decisions`` it applies (taken and audited
        there: :mod:`core.disclosure.preflight`); its build is audited with those it applied (:attr:`applied`)."""
        self.audience, self.external, self.unattended = audience, external, unattended
        self.no_personal_details = no_personal_details
        self.records, self.allowed_restricted = list(records), list(allowed_restricted)
        self.decisions = {key: value for key, value in (decisions or {}).items() if value in DECISIONS}
        self.register: Register | None = None
        self.step = step
        self.applied: dict[str, str] = {}  # the decisions released text used: hit key -> "mask" or "other"
        self._read: set[str] = set()
        self._index: dict[str, list[tuple[names.Form, Protected]]] = {}
        self._allowed: dict[str, list[tuple[names.Form, None]]] = {}
        self._allowed_words: set[str] = set()
        self._by_match: dict[str, list[Protected]] = {}
        self._found: dict[str, list[Hit]] = {}  # each distinct text's hits, found once per register
        self._phones: list[tuple[Protected, Any]] = []  # protected phones and how they can be written

    def anew(self) -> Guard:
        """A guard for another part of the same output (the next rows of an export): same audience, records and
        decisions, its own register."""
        return Guard(self.audience, external=self.external, records=self.records,
                     allowed_restricted=self.allowed_restricted, decisions=self.decisions, unattended=self.unattended,
                     no_personal_details=self.no_personal_details, step=self.step)

    # --- Preparing -------------------------------------------------------------------------------

    def adopt(self, content: Any) -> None:
        """The records a document says it is about (``about``) join those of the output: their protected fields
        are registered (the sources of the cases a bulletin publishes)."""
        about = [tuple(record) for record in getattr(content, "about", ()) if tuple(record) not in self.records]
        if about:
            self.records += about
            self.register = None  # built again with them

    def prepare(self, texts: Iterable[str]) -> None:
        """Build the register for these texts (every text of the output): once, and again only when texts it
        has not read come (a file name, a document's labels)."""
        texts = [text for text in texts if text]
        unread = set(texts) - self._read
        if self.register is not None and not unread:
            return
        self._read |= unread
        self.register = build(self._read, self.audience, self.external, self.records, self.allowed_restricted,
                              self.no_personal_details)
        self._index, self._allowed, self._by_match, self._found = {}, {}, {}, {}
        for item in self.register.protected:
            self._by_match.setdefault(item.match, []).append(item)
            for form in _forms(item):
                for key in names.keys(form):
                    self._index.setdefault(key, []).append((form, item))
        for name in self.register.allowed_names:
            for form in names.person_forms(name, partial=False)[:1]:  # the full name, of two words or more
                if len(form.words) > 1:
                    for key in names.keys(form):
                        self._allowed.setdefault(key, []).append((form, None))
        self._allowed_words = {word for name in self.register.allowed_names for word in names.name_words(name)}
        self._phones = [(item, pattern) for item in self._by_match.get(PHONE, [])
                        if (pattern := names.phone_pattern(names.phone_digits(item.text, item.region)))]

    # --- Finding ---------------------------------------------------------------------------------

    def hits(self, text: str) -> list[Hit]:
        """The protected things in ``text``, longest first where they overlap."""
        if not text:
            return []
        if self.register is None or text not in self._read:
            self.prepare([text])
        if text not in self._found:
            self._found[text] = self._find(text)
        return self._found[text]

    def _find(self, text: str) -> list[Hit]:
        text_tokens = names.tokens(text)
        allowed_spans = [span for span, _owner in names.find(text, text_tokens, self._allowed)]
        found: list[Hit] = []
        for span, item in names.find(text, text_tokens, self._index):
            if span.form.partial and any(a.start <= span.start and span.end <= a.end for a in allowed_spans):
                continue  # a surname inside the full name of someone the output may name
            end = span.end
            if span.form.phrase:  # a title ending in a bracket or quote takes it along
                tail = item.text.strip()[len(item.text.strip().rstrip(")]»”\"'.")):]
                end += len(tail) if tail and text.startswith(tail, end) else 0
            found.append(Hit(text, span.start, end, item, span.form.label, span.form.partial,
                             span.form.by_surname, span.form.short, span.variant))
        found += [Hit(text, s, e, item, "e-mail") for s, e, mail in names.emails(text)
                  for item in self._by_match.get(EMAIL, []) if item.text.lower() == mail]
        found += [Hit(text, s, e, item, "phone") for item, pattern in self._phones
                  for s, e in names.phone_spans(text, pattern)]
        surnames = {(hit.start, hit.end) for hit in found if hit.form != names.FAMILY_NAME_FIRST}
        found = [hit for hit in found if hit.form != names.FAMILY_NAME_FIRST
                 or (hit.start, hit.end) not in surnames and not _name_goes_on(text, hit.end)]
        allowed_places = {(span.start, span.end) for span in allowed_spans}
        if self.no_personal_details and not self.external:
            found = _names_kept(found, allowed_places)
        return _without_overlaps(_judged(found, self._allowed_words, allowed_places))

    # --- Releasing -------------------------------------------------------------------------------

    def undecided(self, hits: Iterable[Hit]) -> list[Hit]:
        if self.unattended:
            return []
        return [hit for hit in hits if hit.ambiguous and hit.key not in self.decisions]

    def clean(self, text: str, strict: bool = True) -> str:
        """``text`` with every certain hit (and every ambiguous one decided "mask") replaced; raises
        :class:`Blocked` when an ambiguous hit is undecided (``strict=False``, for a preview: leaves it)."""
        hits = self.hits(text)
        waiting = self.undecided(hits)
        if waiting and strict:
            raise Blocked(waiting, self)
        if strict:
            self._apply(hits)
        masked = [hit for hit in hits
                  if not hit.ambiguous or self.unattended or self.decisions.get(hit.key) == MASK]
        for start, end, replacement in reversed(_merged(masked)):
            text = text[:start] + replacement + text[end:]
        return text

    def release(self, content: Any) -> Any:
        """``content`` (a string, a list, a dict, a dataclass such as a document, or any nesting of them) with
        every string cleaned; prepares the guard on its texts first. Raises :class:`Blocked` with every
        undecided hit of the whole content, so nothing of a blocked output is built."""
        self.adopt(content)
        self.prepare(strings(content))
        waiting = self.undecided(hit for text in strings(content) for hit in self.hits(text))
        if waiting:
            raise Blocked(waiting, self)
        return _map_strings(content, self.clean)

    def file_hits(self, text: str) -> list[Hit]:
        """What in the text of a file leaving whole would have to be masked: every hit but those decided to be
        someone else ("other")."""
        hits = self.hits(text)
        self._apply(hits)
        return [hit for hit in hits if not (hit.ambiguous and self.decisions.get(hit.key) == OTHER)]

    def _apply(self, hits: list[Hit]) -> None:
        """Note the decisions these hits of released text use (:attr:`applied`)."""
        self.applied.update({hit.key: self.decisions[hit.key] for hit in hits
                             if hit.ambiguous and hit.key in self.decisions})

    def masked(self, content: Any) -> Any:
        """``content`` as it would leave, for a preview: certain hits masked, undecided ones left in place."""
        self.adopt(content)
        self.prepare(strings(content))
        return _map_strings(content, lambda text: self.clean(text, strict=False))

    def preflight(self, content: Any) -> list[Hit]:
        """Every hit in ``content`` (for the person about to build the output), in reading order, each with its
        context as it may be shown (:meth:`with_context_shown`)."""
        self.adopt(content)
        self.prepare(strings(content))
        return self.with_context_shown([hit for text in dict.fromkeys(strings(content)) for hit in self.hits(text)])

    def with_context_shown(self, hits: list[Hit]) -> list[Hit]:
        """The hits with the words around them masked where they hold other protected things, so a preflight
        shows the one thing to decide, never a name or a number its reader may not see."""
        certain = {text: _Places([other for other in self.hits(text) if not other.ambiguous])
                   for text in {hit.text for hit in hits}}  # once per text: a long text may hold many hits
        shown = []
        for hit in hits:
            others = certain[hit.text].without(hit)
            before = _masked_slice(hit.text, max(0, hit.start - CONTEXT), hit.start, others)
            after = _masked_slice(hit.text, hit.end, hit.end + CONTEXT, others)
            shown.append(replace(hit, shown=(before, after)))
        return shown


    def as_seen(self, hits: list[Hit]) -> list[Hit]:
        """Another guard's ``hits`` as this guard's audience may see them (this guard being internal, for the
        person looking at a preflight): what that person may not see (a restricted record's name, for someone not
        assigned to it) shows as its replacement, in the context and in the place found too."""
        self.prepare([text for hit in hits for text in (hit.text, hit.before, hit.after)])  # once, not per part
        shown = []
        for hit in hits:
            masked_here = _Places([other for other in self.hits(hit.text) if not other.ambiguous])
            before, after = (self.clean(part, strict=False) for part in (hit.before, hit.after))
            shown.append(replace(hit, shown=(before, after),
                                 shown_found=_masked_slice(hit.text, hit.start, hit.end, masked_here)))
        return shown


def _forms(item: Protected) -> list[names.Form]:
    if item.match == MANY_PEOPLE:
        return list(item.forms)
    if item.match == PERSON:
        return names.person_forms(item.text)
    if item.match == PERSON_EXACT:
        return names.person_forms(item.text, partial=False)
    if item.match in (EMAIL, PHONE):
        return []
    words = names.name_words(item.text)
    name = item.kind == "name"
    return [names.Form(tuple(words), "name" if name else "text", partial=len(words) == 1,
                       phrase=not name)] if words else []


def _names_kept(found: list[Hit], allowed_places: set[tuple[int, int]]) -> list[Hit]:
    """An internal file keeps the names its reader may see, also where one is in someone's personal details (a
    partner's contact who is a defender too): it leaves out the details, not the people."""
    return [hit for hit in found if hit.protected.kind != PERSONAL or (hit.start, hit.end) not in allowed_places]


def _without_overlaps(found: list[Hit]) -> list[Hit]:
    """One hit per place and protected thing; a hit inside a longer one is dropped when that one covers it (the
    longer is certain, or both wait for the same decision), kept when it is certain inside an ambiguous one (it
    is masked whatever is decided). Hits that only overlap are both kept: their union is masked."""
    unique = _Places(list({(hit.start, hit.end, hit.protected): hit for hit in found}.values()))
    kept = []
    for hit in unique.hits:
        containers = [other for other in unique.starting_before(hit) if other is not hit
                      and hit.end <= other.end and (other.start, other.end) != (hit.start, hit.end)]
        if any(not other.ambiguous or hit.ambiguous for other in containers):
            continue
        kept.append(hit)
    return sorted(kept, key=lambda h: (h.start, h.end))


def _merged(hits: list[Hit]) -> list[tuple[int, int, str]]:
    """The spans to replace, overlapping ones merged, each with the replacement of its longest hit."""
    spans: list[tuple[int, int, str, int]] = []
    for hit in sorted(hits, key=lambda h: (h.start, -(h.end - h.start))):
        size = hit.end - hit.start
        if spans and hit.start < spans[-1][1]:
            start, end, replacement, longest = spans[-1]
            if size > longest:
                replacement, longest = hit.protected.replacement, size
            spans[-1] = (start, max(end, hit.end), replacement, longest)
        else:
            spans.append((hit.start, hit.end, hit.protected.replacement, size))
    return [(start, end, replacement) for start, end, replacement, _size in spans]


class _Places:
    """Hits of one text in order of place, to find those near a place without reading them all (a long text may
    hold thousands)."""

    def __init__(self, hits: list[Hit], left_out: Hit | None = None) -> None:
        self.hits = sorted(hits, key=lambda hit: (hit.start, hit.end))
        self.starts = [hit.start for hit in self.hits]
        self.longest = max((hit.end - hit.start for hit in self.hits), default=0)
        self.left_out = left_out

    def without(self, hit: Hit) -> _Places:
        view = _Places([])
        view.hits, view.starts, view.longest, view.left_out = self.hits, self.starts, self.longest, hit
        return view

    def overlapping(self, start: int, end: int) -> list[Hit]:
        near = self.hits[bisect_left(self.starts, start - self.longest):bisect_left(self.starts, end)]
        return [hit for hit in near if hit.end > start and hit is not self.left_out]

    def starting_before(self, hit: Hit) -> list[Hit]:
        """The hits that start where ``hit`` starts or before, and may reach its end."""
        return self.hits[bisect_left(self.starts, hit.start - self.longest):bisect_right(self.starts, hit.start)]


def _masked_slice(text: str, start: int, end: int, hits: _Places) -> str:
    """``text[start:end]`` with the hits falling in it replaced (a hit cut by the edge hides what it touches)."""
    inside = hits.overlapping(start, end)
    part, offset = text[start:end], start
    for hit_start, hit_end, replacement in reversed(_merged(inside)):
        a, b = max(hit_start, start) - offset, min(hit_end, end) - offset
        part = part[:a] + replacement + part[b:]
    return part


def _name_goes_on(text: str, end: int) -> bool:
    """Whether another capitalised word follows: "Judge Ali Yılmaz" names someone whose given name is Ali."""
    following = re.match(r" ([^\W\d_])", text[end:end + 2])
    return bool(following) and following.group(1).isupper()


def _judged(found: list[Hit], allowed_words: set[str], allowed_places: set[tuple[int, int]]) -> list[Hit]:
    """Mark the hits that may be someone else as ambiguous: a word or pair that many people bear, two protected
    people's, a name the output may also print for someone else (the same full name, or a surname alone they
    share), a common word alone, a surname alone spelt another way."""
    places: dict[tuple[int, int], set[str]] = {}  # the replacements of the people's names found at a place
    for hit in found:
        replacements = places.setdefault((hit.start, hit.end), set())
        if hit.protected.kind == NAME:  # a name that is also in a personal detail (a relative's) is one person
            replacements.add(hit.protected.replacement)
    judged = []
    for hit in found:
        words = [token.word for token in names.tokens(hit.found)
                 if len(token.word) > 1 and token.word not in names.HONORIFICS]
        reason = ""
        if hit.protected.match == MANY_PEOPLE:
            reason = "many people"
        elif hit.protected.kind == NAME and len(places[(hit.start, hit.end)]) > 1:
            reason = "namesake"
        elif hit.form == names.FAMILY_NAME_FIRST:
            reason = "given name"
        elif (hit.start, hit.end) in allowed_places or (hit.partial or hit.by_surname) and \
                any(word in allowed_words for word in words):
            reason = "shared"
        elif (hit.partial or hit.short) and all(names.is_common_word(word) for word in words):
            reason = "common word"  # "Blanco" alone; "L. Na", which a sentence may hold ("Plan B. Do")
        elif hit.partial and hit.variant:
            reason = "spelling"  # "Kouznetsov" alone: this surname spelt another way, or another surname
        judged.append(replace(hit, ambiguous=bool(reason), reason=reason) if reason else hit)
    return judged


def strings(content: Any) -> list[str]:
    """Every string inside ``content``, in order."""
    found: list[str] = []
    _map_strings(content, lambda text: found.append(text) or text)
    return found


def _map_strings(content: Any, change: Any) -> Any:
    if isinstance(content, LazyString):  # a translated message with values in it: as the text it reads
        content = str(content)
    if isinstance(content, str):
        return change(content)
    if isinstance(content, dict):
        return {_map_strings(key, change): _map_strings(value, change) for key, value in content.items()}
    if isinstance(content, (list, tuple)):
        mapped = [_map_strings(value, change) for value in content]
        return mapped if isinstance(content, list) else tuple(mapped)
    if is_dataclass(content) and not isinstance(content, type):  # fields marked "not_text" are keys, kept as they are
        return replace(content, **{f.name: _map_strings(getattr(content, f.name), change)
                                   for f in fields(content) if f.init and not f.metadata.get("not_text")})
    return content


def named_without_leave(texts: Iterable[str], records: Iterable[tuple[str, int]] = ()) -> list[tuple[str, int]]:
    """The people (``(type, id)`` of defenders and partners) whose own names are written in ``texts`` although a
    public output may not name them (no consent, or restricted), as the guard finds names: a plugin's publishing
    check asks this rather than matching names itself. A surname alone, which may be someone else's, is left to
    the preflight; a name of one word (an alias) is a name."""
    hits = Guard(None, external=True, records=records).preflight(list(texts))
    return list(dict.fromkeys(hit.protected.record for hit in hits if hit.protected.kind == NAME and not hit.ambiguous
                              and hit.protected.record and (not hit.partial or hit.form == "name")))
