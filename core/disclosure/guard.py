"""The guard every output passes through: find what the register protects, mask what is certain, and stop the
output while a person must decide.

A hit is *certain* when its form can only be the protected person or thing (a full name, "KAYA, Aylin",
"Ms. Kaya", "A. Kaya", an e-mail, a phone number, an address). It is *ambiguous* when it may be someone else: a
surname (or an acronym) alone that is also a common word, that two protected people share, or that a person the
output may name also bears. Certain hits are replaced by the protected thing's publishable wording; an
ambiguous hit blocks the output until someone decides it ("mask" it, or confirm it is "another" person), and
that decision is kept in the audit trail by the caller (:func:`core.disclosure.preflight`).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields, is_dataclass, replace
from typing import Any, Iterable

from ..i18n import gettext
from . import names
from .register import EMAIL, PERSON, PERSON_EXACT, PHONE, Protected, Register, build

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
    ambiguous: bool = False
    reason: str = ""  # why it is ambiguous: "common word", "shared", "namesake"
    known_key: str = ""  # the key, when the hit was kept as plain values (see preflight.from_data)

    @property
    def found(self) -> str:
        return self.text[self.start:self.end]

    @property
    def key(self) -> str:
        """Names the decision about this form of this protected thing, wherever it appears in the output."""
        if self.known_key:
            return self.known_key
        words = " ".join(token.word for token in names.tokens(self.found))
        raw = f"{self.protected.kind}|{self.protected.record}|{self.protected.text}|{words}"
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]

    @property
    def before(self) -> str:
        return self.text[max(0, self.start - CONTEXT):self.start]

    @property
    def after(self) -> str:
        return self.text[self.end:self.end + CONTEXT]

    @property
    def clipped(self) -> tuple[bool, bool]:
        """Whether the text goes on before and after the context shown."""
        return self.start > CONTEXT, self.end + CONTEXT < len(self.text)


class Blocked(Exception):
    """The output holds ambiguous hits nobody has decided: nothing of it may be kept or sent. ``user_message``
    says so in the user's language (a job shows it as its error)."""

    def __init__(self, hits: list[Hit]) -> None:
        super().__init__(f"{len(hits)} undecided hit(s)")
        self.hits = hits
        self.user_message = gettext(
            "Nothing was built: a protected name or detail may be someone else's and nobody decided it "
            "(%(num)d in all). Preview the output again and decide each one.", num=len({hit.key for hit in hits}))


class Guard:
    """The guard of one output for one audience. Call :meth:`release` on everything the output holds, once."""

    def __init__(self, audience: Any, *, external: bool, records: Iterable[tuple[str, int]] = (),
                 allowed_restricted: Iterable[tuple[str, int]] = (), decisions: dict[str, str] | None = None,
                 unattended: bool = False):
        """``unattended``: nobody is there to decide (a calendar feed polled by an app, an e-mail sent by the
        scheduler), so an undecided ambiguous hit is masked instead of stopping the output."""
        self.audience, self.external, self.unattended = audience, external, unattended
        self.records, self.allowed_restricted = list(records), list(allowed_restricted)
        self.decisions = {key: value for key, value in (decisions or {}).items() if value in DECISIONS}
        self.register: Register | None = None
        self.seen: list[Hit] = []  # every hit found while releasing (the decisions used are audited from it)
        self.reason = ""  # why the decisions were taken, when a person took them
        self._read: set[str] = set()
        self._index: dict[str, list[tuple[names.Form, Protected]]] = {}
        self._allowed: dict[str, list[tuple[names.Form, None]]] = {}
        self._allowed_words: set[str] = set()
        self._by_match: dict[str, list[Protected]] = {}
        self._found: dict[str, list[Hit]] = {}  # each distinct text's hits, found once per register
        self._phones: list[tuple[Protected, str]] = []  # protected phones and their national numbers

    # --- Preparing -------------------------------------------------------------------------------

    def prepare(self, texts: Iterable[str]) -> None:
        """Build the register for these texts (every text of the output): once, and again only when texts it
        has not read come (a file name, a document's labels)."""
        texts = [text for text in texts if text]
        unread = set(texts) - self._read
        if self.register is not None and not unread:
            return
        self._read |= unread
        self.register = build(self._read, self.audience, self.external, self.records, self.allowed_restricted)
        self._index, self._allowed, self._by_match, self._found = {}, {}, {}, {}
        for item in self.register.protected:
            self._by_match.setdefault(item.match, []).append(item)
            for form in _forms(item):
                for key in names.keys(form):
                    self._index.setdefault(key, []).append((form, item))
        for name in self.register.allowed_names:
            for form in names.person_forms(name, partial=False)[:1]:  # the full name only
                for key in names.keys(form):
                    self._allowed.setdefault(key, []).append((form, None))
        self._allowed_words = {word for name in self.register.allowed_names for word in names.name_words(name)}
        self._phones = [(item, names.phone_digits(item.text, item.region)) for item in self._by_match.get(PHONE, [])]

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
            found.append(Hit(text, span.start, span.end, item, span.form.label, span.form.partial,
                             span.form.by_surname))
        found += [Hit(text, s, e, item, "e-mail") for s, e, mail in names.emails(text)
                  for item in self._by_match.get(EMAIL, []) if item.text.lower() == mail]
        found += [Hit(text, s, e, item, "phone") for s, e, digits in names.phones(text)
                  for item, national in self._phones if names.same_phone(digits, national)]
        allowed_places = {(span.start, span.end) for span in allowed_spans}
        return _judged(_without_overlaps(found), self._allowed_words, allowed_places)

    # --- Releasing -------------------------------------------------------------------------------

    def undecided(self, hits: Iterable[Hit]) -> list[Hit]:
        if self.unattended:
            return []
        return [hit for hit in hits if hit.ambiguous and hit.key not in self.decisions]

    def clean(self, text: str, strict: bool = True) -> str:
        """``text`` with every certain hit (and every ambiguous one decided "mask") replaced; raises
        :class:`Blocked` when an ambiguous hit is undecided (``strict=False``, for a preview: leaves it)."""
        hits = self.hits(text)
        self.seen.extend(hits)
        waiting = self.undecided(hits)
        if waiting and strict:
            raise Blocked(waiting)
        for hit in sorted(hits, key=lambda h: h.start, reverse=True):
            if hit.ambiguous and not self.unattended and self.decisions.get(hit.key) != MASK:
                continue
            text = text[:hit.start] + hit.protected.replacement + text[hit.end:]
        return text

    def release(self, content: Any) -> Any:
        """``content`` (a string, a list, a dict, a dataclass such as a document, or any nesting of them) with
        every string cleaned; prepares the guard on its texts first. Raises :class:`Blocked` with every
        undecided hit of the whole content, so nothing of a blocked output is built."""
        self.prepare(strings(content))
        waiting = self.undecided(hit for text in strings(content) for hit in self.hits(text))
        if waiting:
            raise Blocked(waiting)
        return _map_strings(content, self.clean)

    def masked(self, content: Any) -> Any:
        """``content`` as it would leave, for a preview: certain hits masked, undecided ones left in place."""
        self.prepare(strings(content))
        return _map_strings(content, lambda text: self.clean(text, strict=False))

    def preflight(self, content: Any) -> list[Hit]:
        """Every hit in ``content`` (for the person about to build the output), in reading order."""
        self.prepare(strings(content))
        return [hit for text in dict.fromkeys(strings(content)) for hit in self.hits(text)]


def _forms(item: Protected) -> list[names.Form]:
    if item.match == PERSON:
        return names.person_forms(item.text)
    if item.match == PERSON_EXACT:
        return names.person_forms(item.text, partial=False)
    if item.match in (EMAIL, PHONE):
        return []
    words = names.name_words(item.text)
    return [names.Form(tuple(words), "name" if item.kind == "name" else "text",
                       partial=len(words) == 1)] if words else []


def _without_overlaps(found: list[Hit]) -> list[Hit]:
    """Where hits overlap, the longest (then a certain one) wins; one hit per place and protected thing."""
    kept: list[Hit] = []
    for hit in sorted(found, key=lambda h: (-(h.end - h.start), h.start)):
        same_place = [k for k in kept if k.start < hit.end and hit.start < k.end]
        if not same_place:
            kept.append(hit)
        elif all((k.start, k.end) == (hit.start, hit.end) for k in same_place) and \
                all(k.protected.replacement != hit.protected.replacement for k in same_place):
            kept.append(hit)  # the same words are two protected people's: ambiguous (see _judged)
    return sorted(kept, key=lambda h: h.start)


def _judged(found: list[Hit], allowed_words: set[str], allowed_places: set[tuple[int, int]]) -> list[Hit]:
    """Mark the hits that may be someone else as ambiguous: two protected people's, a name the output may also
    print for someone else (the same full name, or a surname alone they share), a common word alone."""
    places: dict[tuple[int, int], int] = {}
    for hit in found:
        places[(hit.start, hit.end)] = places.get((hit.start, hit.end), 0) + 1
    judged = []
    for hit in found:
        words = [token.word for token in names.tokens(hit.found)
                 if len(token.word) > 1 and token.word not in names.HONORIFICS]
        reason = ""
        if places[(hit.start, hit.end)] > 1:
            reason = "namesake"
        elif (hit.start, hit.end) in allowed_places or (hit.partial or hit.by_surname) and \
                any(word in allowed_words for word in words):
            reason = "shared"
        elif hit.partial and all(names.is_common_word(word) for word in words):
            reason = "common word"
        judged.append(replace(hit, ambiguous=bool(reason), reason=reason) if reason else hit)
    unique = {(h.start, h.end, h.key): h for h in judged}
    return sorted(unique.values(), key=lambda h: h.start)


def strings(content: Any) -> list[str]:
    """Every string inside ``content``, in order."""
    found: list[str] = []
    _map_strings(content, lambda text: found.append(text) or text)
    return found


def _map_strings(content: Any, change: Any) -> Any:
    if isinstance(content, str):
        return change(content)
    if isinstance(content, dict):
        return {key: _map_strings(value, change) for key, value in content.items()}
    if isinstance(content, (list, tuple)):
        mapped = [_map_strings(value, change) for value in content]
        return mapped if isinstance(content, list) else tuple(mapped)
    if is_dataclass(content) and not isinstance(content, type):
        return replace(content, **{f.name: _map_strings(getattr(content, f.name), change)
                                   for f in fields(content) if f.init})
    return content
