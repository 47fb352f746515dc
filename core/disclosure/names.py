"""How a protected name, phrase, phone number or e-mail address can appear in a text, and finding it there.

Texts and names are compared word by word after the duplicate check's normalisation
(:func:`core.records.matching.words`: transliterated to ASCII, lower case, punctuation dropped), so accents,
case, hyphens, commas and non-Latin scripts do not hide a name. In a name of several words, two words also
meet when their consonant skeletons do ("Mohammed", "Muhammad"). A person's name is looked for in the forms
people write it: in order, surname first ("KAYA, Aylin"), with an honorific ("Ms. Kaya", "Sra. Kaya"), with an
initial ("A. Kaya", "Aylin K."; a family name written first, as in "Li Na", also "N. Li" and "Li, N."), and the
surname alone. The surname alone is a *partial* form: the guard masks it only when it cannot be someone else
(see :mod:`core.disclosure.guard`).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from wordfreq import zipf_frequency

from ..records.matching import PARTICLES, skeleton, words

#: Honorifics and titles written before a surname, in English, French and Spanish (normalised).
HONORIFICS = frozenset({
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "madam", "lady", "lord", "hon", "rev", "fr", "sr",
    "m", "mm", "me", "mme", "mmes", "mlle", "mlles", "monsieur", "madame", "mademoiselle", "maitre", "pr",
    "docteur", "professeur", "sra", "sras", "srta", "sres", "senor", "senora", "senorita", "don", "dona",
    "dra", "doctor", "doctora", "profesor", "profesora", "lic", "licda", "licenciado", "licenciada", "abog",
    "abogado", "abogada", "ing", "judge", "juge", "juez", "jueza", "father", "sister", "sheikh", "imam",
})
HONORIFIC = "\x00honorific"  # a place in a form that any honorific fills
#: An honorific with a name's short first word, in case it is the family name ("Ms. Li" for Li Na): a weaker
#: reading, which gives way where the same words are another person's surname, and which a person decides (it
#: may be someone's given name: "Dr Ali").
FAMILY_NAME_FIRST = "honorific and family name first"
SURNAME = "surname"  # the form of a surname alone
INITIAL = "\x00initial:"  # followed by a letter: a one-letter word with that letter
#: A word this frequent (Zipf scale, in English, French or Spanish) is too common to mask on its own.
COMMON_WORD_ZIPF = 4.0
RARE_WORD_ZIPF = 2.5  # a surname alone spelt another way is asked about only when rarer than this
#: A word's letters and digits ("Aylin_Kaya.pdf" has two name words), with the invisible characters text pasted
#: from a word processor can hold inside a word (soft hyphen, zero-width space and joiners, word joiner, BOM).
_WORD = re.compile("(?:[^\\W_]|[\u00ad\u200b-\u200d\u2060\ufeff])+", re.UNICODE)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63})+", re.UNICODE)
_PHONE = re.compile(r"\+?\d(?:[ .\-()/]{0,2}\d){5,}")  # one number: separated by spaces, dots, dashes, brackets, slashes
_PHONE_GAP = r"[\s().\-/]{0,3}"
_ADDRESS_PARTS = re.compile(r"[\n;,]+")
#: Scripts written without spaces between words (Thai, Lao, Myanmar, Khmer, Japanese kana, Chinese characters):
#: there each letter is a word of its own, and a name is found as the run of its letters.
_UNSPACED = re.compile("[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
                       "\uf900-\ufaff]")


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    word: str


@dataclass(frozen=True)
class Form:
    """One way a protected thing is written: the words to find in a row, and whether it is only part of a name
    (a surname or an acronym alone), which may be someone else's."""

    words: tuple[str, ...]
    label: str
    partial: bool = False
    by_surname: bool = False  # an honorific or an initial with the surname: another bearer of it may be meant
    short: bool = False  # an initial with words of three letters at most ("L. Na"): they may be plain words
    phrase: bool = False  # a title or a text: its words may be separated by any punctuation on one line


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    form: Form
    variant: bool = False  # a word of it met only by its consonants: another spelling, or another name


def _pieces(text: str) -> list[tuple[int, int]]:
    """Where the words of ``text`` are: runs of letters and digits, each letter of an unspaced script alone."""
    found = []
    for match in _WORD.finditer(text or ""):
        if not _UNSPACED.search(text, match.start(), match.end()):  # a word of a spaced script, the usual one
            found.append((match.start(), match.end()))
            continue
        start = match.start()
        for at in range(match.start(), match.end()):
            if _UNSPACED.match(text[at]):
                found += [(start, at)] if start < at else []
                end = at + 1
                while end < len(text) and unicodedata.category(text[end]).startswith("M"):
                    end += 1  # a Thai vowel or tone mark belongs to its letter
                found.append((at, end))
                start = at + 1
        found += [(start, match.end())] if start < match.end() else []
    return found


def tokens(text: str) -> list[Token]:
    """The words of ``text`` with their positions, normalised like names."""
    found = []
    for start, end in _pieces(text):
        normal = "".join(words(text[start:end]))
        if normal:
            found.append(Token(start, end, normal))
    return found


def after_honorifics(text: str, found: list[Token] | None = None) -> set[str]:
    """The words written right after an honorific ("Ms. Li", "Mme Ba"): a surname, however short (``found``: the
    text's :func:`tokens`, when already known)."""
    found = tokens(text) if found is None else found
    return {after.word for before, after in zip(found, found[1:])
            if before.word in HONORIFICS and text[before.end:after.start].strip() in ("", ".")}


def neighbours(text: str, found: list[Token]) -> set[tuple[str, str]]:
    """The pairs of words written next to each other as in a name (on one line, separated by a space, a comma, a
    hyphen, an apostrophe or a full stop), each pair in alphabetical order: "Lê Văn Hà" gives ("le", "van")
    and ("ha", "van")."""
    pairs = set()
    for before, after in zip(found, found[1:]):
        gap = text[before.end:after.start]
        if "\n" not in gap and gap.strip() in ("", ",", "-", "'", "’", ".") and before.word != after.word:
            pairs.add((min(before.word, after.word), max(before.word, after.word)))
    return pairs


def initials_beside(text: str, found: list[Token] | None = None) -> set[tuple[str, str]]:
    """Each initial written beside a word, as (letter, word): "L. Na", "Na, L.", "Li N." give ("l", "na"),
    ("l", "na") and ("n", "li"), for the register to look up names of short words by them (``found``: the
    text's :func:`tokens`, when already known)."""
    found = tokens(text) if found is None else found
    pairs = set()
    for before, after in zip(found, found[1:]):
        gap = text[before.end:after.start]
        if "\n" in gap or gap.strip() not in ("", ".", ","):
            continue
        for initial, word in ((before, after), (after, before)):
            written = text[initial.start:initial.end]
            if len(written) == 1 and written.isupper() and text[initial.end:initial.end + 1] == "." \
                    and len(word.word) > 1:
                pairs.add((initial.word, word.word))
    return pairs


def unspaced(name: str) -> bool:
    return bool(_UNSPACED.search(name or ""))


def unspaced_runs(text: str, longest: int = 8) -> set[str]:
    """The words a name written in an unspaced script may be indexed under: its letters' joined runs (for the
    register's lookup, as the search index holds such a name as one word)."""
    found: set[str] = set()
    run: list[Token] = []
    for token in tokens(text) + [Token(-1, -1, "")]:
        joined = not run or not text[run[-1].end:token.start].strip()  # letters and marks only between
        if token.start >= 0 and _UNSPACED.match(text[token.start]) and joined:
            run.append(token)
            continue
        found |= {"".join(words(text[run[i].start:run[j - 1].end])) for i in range(len(run))
                  for j in range(i + 2, min(len(run), i + longest) + 1)}
        run = [token] if token.start >= 0 and _UNSPACED.match(text[token.start]) else []
    return found


def name_words(name: str) -> list[str]:
    """A name's words, without the honorifics written into it ("Dr Ali Demir")."""
    found = ["".join(words(name[start:end])) for start, end in _pieces(name or "")]
    found = [word for word in found if word]
    while len(found) > 1 and found[0] in HONORIFICS:
        found = found[1:]
    return found


def address_parts(value: str) -> list[str]:
    """The parts of an address or a location the register protects, and the address index holds: each piece
    between commas, semicolons or lines, of two words or more ("12 Calle Olmo 3B, 28004 Madrid")."""
    return [part.strip() for part in _ADDRESS_PARTS.split(value or "") if len(name_words(part)) >= 2]


def person_forms(name: str, partial: bool = True) -> list[Form]:
    """Every form of a person's name (``partial``: with the surname alone)."""
    w = name_words(name)
    if not w:
        return []
    if unspaced(name):  # its letters in a row: no surname or initial can be told apart in them
        return [Form(tuple(w), "full name")]
    if len(w) == 1:
        return [Form(tuple(w), "name", partial=True)]
    forms = [Form(tuple(w), "full name")]
    for k in range(1, len(w)):
        given, surname = w[:k], w[k:]
        if all(word in PARTICLES for word in surname):
            continue
        forms.append(Form((*surname, *given), "surname first"))
        forms.append(Form((HONORIFIC, *surname), "honorific and surname", by_surname=True))
        forms.append(with_initial((INITIAL + w[0][0], *surname), "initial and surname", by_surname=True))
        forms.append(with_initial((*surname, INITIAL + w[0][0]), "surname and initial", by_surname=True))
        forms.append(with_initial((*given, INITIAL + surname[0][0]), "name and initial"))
        # the family name written first ("Li Na", "Orbán Viktor"): its initial before it ("N. Li"), as after it
        # ("Li, N.", "Li N.", the form above)
        forms.append(with_initial((INITIAL + surname[0][0], *given), "initial and family name", by_surname=True))
        if partial and any(len(word) > 2 for word in surname):
            forms.append(Form(tuple(surname), SURNAME, partial=True))
        if w[k] not in PARTICLES and len(w[k]) > 1:  # "Ms. Li", "Sra. Ha"
            forms.append(Form((HONORIFIC, w[k]), "honorific and surname", by_surname=True))
            forms.append(with_initial((INITIAL + w[0][0], w[k]), "initial and surname", by_surname=True))
            forms.append(with_initial((w[k], INITIAL + w[0][0]), "surname and initial", by_surname=True))
            if partial and len(w[k]) > 2:  # a surname of two letters alone is any word of two letters
                forms.append(Form((w[k],), SURNAME, partial=True))
    for word in w[1:] if len(w) > 2 else ():  # the given name with one of the later names, the others dropped
        if word not in PARTICLES and len(word) > 1:  # ("Rosa Blanco" for "Rosa Blanco Pérez", "Sergei
            forms.append(Form((w[0], word), "name and one surname"))  # Kuznetsov" for "Sergei Ivanovich
            forms.append(Form((word, w[0]), "surname first"))  # Kuznetsov")
    if w[0] not in PARTICLES and 1 < len(w[0]) <= 3:  # a short family name written first ("Li Na", "Kim Ji-woo")
        forms.append(Form((HONORIFIC, w[0]), FAMILY_NAME_FIRST, by_surname=True))
    core_words = [word for word in w if word not in PARTICLES]
    if 1 < len(core_words) < len(w):  # particles come and go: "Al-Hassan", "Hassan"
        forms += person_forms(" ".join(core_words), partial)
    unique = {}
    for form in forms:
        unique.setdefault(form.words, form)
    return list(unique.values())


def with_initial(words: tuple[str, ...], label: str, by_surname: bool = False) -> Form:
    """A form with an initial; ``short`` when its other words have three letters at most ("L. Na", "Na, L.",
    "Li N."): written so only with the initial's full stop, and a plain sentence may read so ("Plan B. Do")."""
    short = all(len(word) <= 3 for word in words if not word.startswith(INITIAL))
    return Form(words, label, by_surname=by_surname, short=short)


def is_common_word(word: str) -> bool:
    return _common(word)


@lru_cache(maxsize=20000)
def _common(word: str) -> bool:
    return max(zipf_frequency(word, language) for language in ("en", "fr", "es")) >= COMMON_WORD_ZIPF


@lru_cache(maxsize=20000)
def spelt_otherwise(surname: str, word: str) -> bool:
    """Whether ``word``, alone in a text, may be ``surname`` spelt another way (their consonants are the same):
    a word of six letters at least, with the same first letter, too rare in English, French and Spanish to be
    anything but a name, and no country's name ("Arménie" is no spelling of "Armani")."""
    return len(word) >= 6 and word[0] == surname[0] and word not in _country_words() and \
        max(zipf_frequency(word, language) for language in ("en", "fr", "es")) < RARE_WORD_ZIPF


@lru_cache(maxsize=1)
def _country_words() -> frozenset[str]:
    """Every word of every country's name in English, French and Spanish (as the texts' words are compared)."""
    from babel import Locale

    return frozenset(word for language in ("en", "fr", "es")
                     for name in Locale.parse(language).territories.values() for word in words(name))


def _same(pattern: str, word: str, loose: bool) -> bool:
    """Whether a text's word fills a form's place; ``loose`` (in a name of several words) also lets two
    spellings of the same name meet by their consonants, when they have at least three."""
    if pattern == HONORIFIC:
        return word in HONORIFICS
    if pattern.startswith(INITIAL):
        return word == pattern[len(INITIAL):]
    if pattern == word:
        return True
    return loose and comparable(pattern) and comparable(word) and key_of(pattern) == key_of(word)


def comparable(word: str) -> bool:
    """Whether a word's consonants say enough to tell two spellings of a name apart (Mohammed, Muhammad)."""
    consonants = len(key_of(word)) - 1
    return consonants >= 3 or consonants == 2 and len(word) >= 5


def _initials_written(text: str, form: Form, run: list[Token]) -> bool:
    """An initial is a capital letter, with its full stop when a name follows it ("A. Kaya", "Aylin K."): the
    article in "a human rights defender" is no initial."""
    for position, (pattern, token) in enumerate(zip(form.words, run)):
        if not pattern.startswith(INITIAL):
            continue
        written = text[token.start:token.end]
        if len(written) != 1 or not written.isupper():
            return False
        if (position < len(run) - 1 or form.short) and text[token.end:token.end + 1] != ".":
            return False
    return True


def _joined(text: str, run: list[Token], phrase: bool = False) -> bool:
    """Whether the words of ``run`` are written as one name: separated by spaces, a comma ("KAYA, Aylin"), a
    hyphen or an apostrophe, or by the full stop of an honorific or an initial ("Ms. Kaya", "A. Kaya"); not
    across a sentence, a line or a bracket. A ``phrase`` (a title, a source) may hold any punctuation on a line."""
    for before, after in zip(run, run[1:]):
        gap = text[before.end:after.start]
        if "\n" in gap:
            return False
        mark = "".join(ch for ch in gap.strip() if not unicodedata.category(ch).startswith("M"))  # Thai vowels
        if phrase:
            continue
        if mark == "." and (len(before.word) == 1 or before.word in HONORIFICS):
            continue
        if mark not in ("", ",", "-", "_", "'", "’"):
            return False
    return True


def anchor(form: Form) -> int:
    """The position of the form's first real word (not an honorific or an initial): where it is filed."""
    return next((i for i, word in enumerate(form.words) if not word.startswith("\x00")), 0)


def keys(form: Form) -> list[str]:
    """The keys a form is filed under for :func:`find`: its anchor word, and its skeleton in a name of
    several words or a surname alone."""
    word = form.words[anchor(form)]
    loose = len(form.words) > 1 or form.label == SURNAME
    return [word, key_of(word)] if loose and comparable(word) else [word]


@lru_cache(maxsize=50000)
def key_of(word: str) -> str:
    """The word's consonant skeleton, marked as such (the duplicate check's transliteration variants meet)."""
    return "~" + skeleton(word)


def find(text: str, text_tokens: list[Token],
         index: dict[str, list[tuple[Form, object]]]) -> list[tuple[Span, object]]:
    """Every place in ``text`` (split into ``text_tokens``) where a filed form occurs (``index``: key -> forms
    and what each belongs to)."""
    found = []
    for i, token in enumerate(text_tokens):
        candidates = index.get(token.word, []) + (index.get(key_of(token.word), []) if comparable(token.word) else [])
        for form, owner in candidates:
            start, size = i - anchor(form), len(form.words)
            run = text_tokens[start:start + size] if start >= 0 else []
            loose = size > 1 or form.label == SURNAME  # a surname alone too: the guard asks about a variant
            if len(run) == size and all(_same(p, t.word, loose) for p, t in zip(form.words, run)) \
                    and _joined(text, run, form.phrase) and _initials_written(text, form, run):
                end = run[-1].end
                if form.words[-1].startswith(INITIAL) and text[end:end + 1] == ".":
                    end += 1  # "Aylin K." ends with the initial's full stop
                variant = any(p != t.word for p, t in zip(form.words, run) if p != HONORIFIC and p[:1] != INITIAL)
                if variant and size == 1 and not spelt_otherwise(form.words[0], token.word):
                    continue  # "Human", "Yemen", "SLV": words whose consonants a surname shares, not its spellings
                found.append((Span(run[0].start, end, form, variant), owner))
    return found


def emails(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group().lower()) for m in _EMAIL.finditer(text or "")]


def ascii_digits(text: str) -> str:
    """``text`` with every decimal digit of any script (Arabic-Indic, full-width...) written 0-9, each in its
    place: spans found in it are spans of ``text``."""
    return "".join(str(unicodedata.digit(ch)) if ch.isdecimal() and not ch.isascii() else ch for ch in text or "")


def phone_digits(number: str, region: str | None = None) -> str:
    """The national significant number of a stored phone (country code and trunk prefix dropped), or its
    digits when the library cannot read it."""
    number = ascii_digits(number)
    try:
        parsed = phonenumbers.parse(number, (region or "").upper() or None)
        return phonenumbers.national_significant_number(parsed)
    except phonenumbers.NumberParseException:
        return re.sub(r"\D", "", number).lstrip("0")


def phones(text: str) -> list[tuple[int, int, str]]:
    """The phone numbers written in a stored field, each on its own: (start, end, digits)."""
    return [(m.start(), m.end(), re.sub(r"\D", "", m.group())) for m in _PHONE.finditer(ascii_digits(text))]


def phone_pattern(national: str) -> re.Pattern[str] | None:
    """How a number can be written in a text: its national digits in any spacing, with or without a country
    code or trunk zero before them, and no other digit glued to either end (None: too short to be a number)."""
    if len(national) < 6:
        return None
    digits = _PHONE_GAP.join(re.escape(digit) for digit in national)
    return re.compile(rf"(?<!\d)(?:(?:\+|00)?\d{{1,3}}{_PHONE_GAP})?(?:0{_PHONE_GAP})?{digits}(?!\d)")


def phone_spans(text: str, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in pattern.finditer(ascii_digits(text))]
