"""Canaries for the disclosure suite: generated people and organisations whose names must never leave, the forms
people type them in, and the text of every kind of file an output can be (PDF, DOCX, XLSX, ZIP, JSON, CSV, ICS,
HTML, SVG).

Names are drawn (from a seeded generator, or from Hypothesis's random source) from syllables that no dictionary
and no demo record holds, in Latin letters with accents, in Cyrillic, Greek, Arabic script and Chinese
characters, with hyphenated and double surnames and particles ("de la", "van der", "bin", "al-"), some with an
alias typed instead of their name, so any of their words found in an output is a leak, however it was written.
Names made only of short words ("Li Na", "Lê Văn Hà", "Ng Ai") are drawn from real short name words, which any
text may hold: for them a leak is one of the forms typed (its words in a row), not a word alone. Restricted
partner organisations are typed by their name, alias and acronym.
"""
from __future__ import annotations

import io
import json
import random
import re
import subprocess
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from html import unescape

from anyascii import anyascii

from core.disclosure.names import comparable, name_words

LATIN = ["zor", "vik", "tem", "brik", "qar", "vosh", "kel", "dra", "xan", "thu", "mur", "zek", "ulv", "ryk", "jov",
         "kaz", "pel", "wyn", "ost", "gri"]
ACCENTED = {"a": "áàâä", "e": "éèêë", "o": "óòôö", "u": "úùûü", "i": "íìîï", "n": "ñ", "c": "ç", "s": "ş", "z": "ž"}
CYRILLIC = ["зор", "вик", "тем", "брик", "кар", "вош", "кел", "драв", "ксан", "мур", "зек", "рык"]
GREEK = ["ζορ", "βικ", "τεμ", "βρικ", "καρ", "βοσ", "κελ", "ξαν", "μυρ", "ζεκ"]
ARABIC = ["زور", "فيك", "تمبر", "قارف", "كلد", "زان", "مرك", "ظفر"]
HAN_SURNAMES = ["欧阳", "司马", "上官", "诸葛", "东方", "皇甫"]  # written first, with the given name, without a space
HAN_GIVEN = ["晓", "铭", "嘉", "璇", "煜", "骞", "韬", "彧"]
PARTICLES = ["de la", "van der", "al", "da", "von", "bin", "al-"]
#: Real name words of three letters at most (Chinese, Vietnamese, Korean), and the Vietnamese middle names that are
#: also particles: names made of them are looked up by two of their words, or one beside the other's initial.
SHORT = ["Li", "Na", "Ng", "Ai", "Hà", "Vũ", "Xu", "Wu", "Yi", "Lý", "Hồ", "Mai", "Lan", "Quy", "Thu", "Kỳ", "Bảo"]
SHORT_MIDDLE = ["Văn", "Thị"]
ORGANISATIONS = ["Collective", "Network", "League", "Centre"]
HONORIFICS = ["Ms.", "Mr.", "Mme", "Sra.", "Dr", "Me", "M."]
#: Where a canary of each script lives: its country, calling code, trunk prefix and how its mobile numbers begin
#: (national significant numbers of ten digits, eleven in China).
COUNTRIES = {"latin": [("TUR", "90", "0", "5"), ("COL", "57", "", "3"), ("MEX", "52", "", "55")],
             "short": [("VNM", "84", "0", "9"), ("CHN", "86", "0", "13")],
             "cyrillic": [("RUS", "7", "8", "9")], "greek": [("GRC", "30", "", "69")],
             "arabic": [("EGY", "20", "0", "1")], "han": [("CHN", "86", "0", "13")]}


@dataclass(frozen=True)
class Canary:
    given: str
    surnames: tuple[str, ...]
    particle: str = ""
    script: str = "latin"
    restricted: bool = False
    phone: str = ""  # national significant number, without the country code or the trunk prefix
    email: str = ""
    country: str = "TUR"
    calling_code: str = "90"
    trunk: str = "0"
    street: str = ""  # a generated street name: their address is "<street> Street 12"
    alias: str = ""  # another name they are known by, typed instead of theirs

    @property
    def address(self) -> str:
        return f"{self.street} Street {len(self.street) + 3}"

    @property
    def surname(self) -> str:
        return " ".join(part for part in (self.particle, *self.surnames) if part).replace("- ", "-")

    @property
    def short(self) -> bool:
        """Every word of the name has three letters at most: a word alone is no leak, the forms typed are."""
        return self.script == "short"

    @property
    def name(self) -> str:
        return f"{self.surname}{self.given}" if self.script == "han" else f"{self.given} {self.surname}"

    def forms(self) -> list[str]:
        """How people type this name: in order, surname first, with an honorific or an initial (of either word:
        "A. Kaya", "Aylin K.", "K. Aylin"), the surname alone, without accents, in capitals, in Latin letters."""
        if self.script == "han":  # one run of characters: the name, alone or inside a sentence
            return [self.name, f"据报道，{self.name}于三月被捕。"]
        first = self.surnames[0]
        if self.short:  # a surname of two letters alone is any word of two letters, and is no form of theirs
            forms = [self.name, f"{self.surname.upper()}, {self.given}", f"{_honorific(self)} {self.surname}",
                     self.name.upper(), _plain(self.name).lower()]
            forms += [f"{self.given} {'-'.join(self.surnames)}"] if len(self.surnames) > 1 else []
            return forms + [form for form in self._initialled() if not _plain_words(form)]
        # Arabic script has no initials: people abbreviate its names once written in Latin letters.
        latin = lambda text: anyascii(text).title()  # noqa: E731 - as a Latin-script writer spells it
        given, initials_of = (latin(self.given), latin) if self.script == "arabic" else (self.given, str)
        forms = [self.name, f"{self.surname.upper()}, {self.given}", f"{_honorific(self)} {self.surname}",
                 f"{initials_of(self.given)[0]}. {initials_of(self.surname)}", f"{given} {initials_of(first)[0]}.",
                 f"{initials_of(first)[0]}. {given}", self.surnames[-1], self.name.upper()]
        if len(self.surnames) > 1:  # joined by a hyphen, or one of them dropped
            forms += [f"{self.given} {'-'.join(self.surnames)}", f"{self.given} {self.surnames[-1]}"]
        if self.script == "latin":
            forms.append(_plain(self.name).lower())
            if all(comparable(word) for word in name_words(self.surnames[-1])):  # consonants enough to tell
                forms.append(f"{self.given} {spelt_otherwise(self.surnames[-1])}")  # "Mohammed Qurreshi"
        else:
            forms.append(anyascii(self.name).title())
        if self.alias:
            forms += [self.alias, self.alias.upper()]
        return forms

    def ambiguous_forms(self) -> list[str]:
        """Forms that may be plain text, which wait for a person's decision: an initial beside short words that
        are common words too ("L. Na", "Na, L.", "Li N.", "N. Li"; "Plan B. Do"). Those beside rarer words
        ("A. Ng") are among :meth:`forms`, masked at once."""
        return [form for form in self._initialled() if _plain_words(form)] if self.short else []

    def _initialled(self) -> list[str]:
        """With an initial: of the given name ("L. Na", "Na, L."), or of the surname, the family name being
        written first ("Li N.", "Li, N.", "N. Li")."""
        return [f"{self.given[0]}. {self.surname}", f"{self.surname}, {self.given[0]}.",
                f"{self.given} {self.surnames[0][0]}.", f"{self.given}, {self.surnames[0][0]}.",
                f"{self.surnames[0][0]}. {self.given}"]

    def typed(self) -> list[str]:
        """The forms of a short name found in a text as its words in a row, in any case and spacing."""
        return [*self.forms(), *self.ambiguous_forms(), " ".join((*reversed(self.surnames), self.given))]

    def words(self) -> list[str]:
        """The words of the name, and the street of the address, that must not be found, folded as :func:`fold`
        folds texts."""
        name = () if self.short else (self.given, *self.surnames)
        return [fold(word) for word in (*name, *self.alias.split(), self.street) if word]


@dataclass(frozen=True)
class CanaryPartner:
    """A restricted partner organisation: its name, alias and acronym typed into free text, and its contact
    person's name (in the forms a person's name is typed, without the organisation's)."""

    name: str
    alias: str
    acronym: str
    restricted: bool = True
    phone: str = ""
    email: str = ""
    short: bool = False
    contact: tuple[str, str] = ("", "")  # given name, surname

    def forms(self) -> list[str]:
        given, surname = self.contact
        person = [f"{given} {surname}", f"{surname.upper()}, {given}", f"Ms. {surname}", f"{given[0]}. {surname}"]
        return [self.name, self.name.upper(), self.alias, self.acronym, *(person if surname else [])]

    def ambiguous_forms(self) -> list[str]:
        return []

    def typed(self) -> list[str]:
        return self.forms()

    def words(self) -> list[str]:
        words = (*self.name.split()[:-1], *self.alias.split()[:-1], self.acronym, self.contact[1])  # contact's surname
        return [fold(word) for word in words if word]


def _plain_words(form: str) -> bool:
    """Whether every word of a form but its initial is a common word in English, French or Spanish (the rule the
    guard states for names of short words)."""
    from core.disclosure.names import is_common_word

    return all(is_common_word(fold(word)) for word in form.replace(".", " ").replace(",", " ").split()
               if len(fold(word)) > 1)


def _honorific(canary: Canary) -> str:
    return HONORIFICS[len(canary.given) % len(HONORIFICS)]


def spelt_otherwise(word: str) -> str:
    """``word`` as someone may misspell it, its consonants unchanged: its first consonant after the first letter
    written twice ("Qureshi", "Qurreshi")."""
    at = next((i for i, letter in enumerate(word) if i and letter.isalpha() and letter.lower() not in "aeiouy"),
              len(word) - 1)
    return word[:at + 1] + word[at] + word[at + 1:]


def _plain(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Letters and digits only, in ASCII and lower case: how outputs are searched for canaries."""
    return re.sub(r"[^a-z0-9]", "", anyascii(unicodedata.normalize("NFKC", text)).lower())


def _word(rng: random.Random, script: str) -> str:
    if script == "han":
        return "".join(rng.sample(HAN_GIVEN, 2))
    parts = {"latin": LATIN, "cyrillic": CYRILLIC, "greek": GREEK, "arabic": ARABIC}[script]
    text = "".join(rng.choice(parts) for _ in range(rng.choice((2, 2, 3))))
    if script == "latin":
        at = rng.randrange(len(text))
        if text[at] in ACCENTED:
            text = text[:at] + rng.choice(ACCENTED[text[at]]) + text[at + 1:]
    return text[0].upper() + text[1:] if script != "arabic" else text


def _short_name(rng: random.Random) -> tuple[str, tuple[str, ...]]:
    """"Li Na", "Ng Ai" (two words), or "Lê Văn Hà" (a middle name that is also a particle)."""
    first, last = rng.sample(SHORT, 2)
    if rng.random() < 0.5:
        return first, (last,)
    return rng.choice(["Lê", first]), (rng.choice(SHORT_MIDDLE), last)


def canaries(rng: random.Random, count: int = 9) -> list[Canary]:
    """``count`` distinct people, every other one restricted, none consenting to be named; every third one known
    by an alias too."""
    from core.records.matching import skeleton

    people: list[Canary] = []
    seen: set[str] = set()
    spelled: set[str] = set()  # the consonant skeletons of their words: two spellings of one name meet by them
    scripts = ["latin", "latin", "cyrillic", "short", "latin", "greek", "arabic", "han", "short"]
    while len(people) < count:
        script = scripts[len(people) % len(scripts)]
        if script == "short":
            given, surnames = _short_name(rng)
        else:
            given = _word(rng, script)
            surnames = (rng.choice(HAN_SURNAMES),) if script == "han" else \
                tuple(_word(rng, script) for _ in range(rng.choice((1, 2))))
        particle = rng.choice(["", "", *PARTICLES]) if script == "latin" else ""
        alias = " ".join(_word(rng, "latin") for _ in range(rng.choice((1, 2)))) \
            if script == "latin" and len(people) % 3 == 0 else ""
        street = _word(rng, "latin") + _word(rng, "latin").lower()
        long = [fold(w) for w in ((given, *surnames) if script != "short" else ()) + (*alias.split(), street)]
        short = [fold(w) for w in (given, *surnames)] if script == "short" else []
        skeletons = {skeleton(word) for word in long}
        if len(set(long)) < len(long) or seen & set(long + short) or any(len(w) < 5 for w in long) \
                or len(set(short)) < len(short) or spelled & skeletons:
            continue  # two people whose words meet ("Кармур", "Καρμυρ") are namesakes, rightly asked about
        seen |= set(long + short) - {"le", "van", "thi"}
        spelled |= skeletons
        country, calling_code, trunk, start = rng.choice(COUNTRIES[script])
        length = {"CHN": 11, "VNM": 9}.get(country, 10) - len(start)
        people.append(Canary(given, surnames, particle, script, restricted=len(people) % 2 == 1,
                             phone=f"{start}{rng.randrange(10 ** (length - 1), 10 ** length)}",
                             email=f"{fold(given)}.{fold(surnames[0])}{fold(street)[:4]}@example.org",
                             country=country, calling_code=calling_code, trunk=trunk, street=street, alias=alias))
    return people


def partners(rng: random.Random, people: list[Canary], count: int = 2) -> list[CanaryPartner]:
    """``count`` restricted partner organisations, with an alias and an acronym, none of whose words holds or is
    held by a word of ``people`` (a person one may see is no leak of an organisation one may not)."""
    found: list[CanaryPartner] = []
    taken = [word for canary in people for word in canary.words()]
    while len(found) < count:
        words = [_plain(_word(rng, "latin")) for _ in range(5)]
        folded = [fold(word) for word in words] + [fold(words[0][:3] + words[1][:3])]
        if any(len(word) < 5 for word in words) or any(a in b or b in a for a in folded for b in taken):
            continue
        taken += folded
        name = f"{words[0]} {words[1]} {rng.choice(ORGANISATIONS)}"
        acronym = (words[0][:3] + words[1][:3]).upper()
        found.append(CanaryPartner(name, f"{words[2]} Group", acronym, contact=(words[3], words[4])))
    return found


# --- Reading every kind of output --------------------------------------------------------------------------

def texts_of(data: bytes, name: str = "") -> list[str]:
    """Every text a file holds, as a reader (or a program) would find it: the words of a PDF and its metadata,
    the XML of every member of a DOCX, XLSX or ZIP (recursively), JSON with its escapes read, a calendar with its
    lines unfolded, HTML and XML with their entities read."""
    if data.startswith(b"%PDF"):
        return _pdf(data)
    if data.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            found = [member for member in archive.namelist()]
            for member in archive.namelist():
                found += texts_of(archive.read(member), member)
            return found
    text = data.decode("utf-8", errors="replace")
    found = [text, unescape(re.sub(r"<[^>]+>", "", text)), unescape(text)]
    if text.startswith("BEGIN:VCALENDAR"):
        unfolded = re.sub(r"\r?\n[ \t]", "", text)
        found += [unfolded, re.sub(r"\\([,;\\nN])", r"\1", unfolded)]
    if name.endswith(".json") or text.lstrip().startswith(("{", "[")):
        try:
            found.append(json.dumps(json.loads(text), ensure_ascii=False))
        except ValueError:
            pass
    return found


def _pdf(data: bytes) -> list[str]:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        words = subprocess.run(["pdftotext", "-enc", "UTF-8", handle.name, "-"], capture_output=True, text=True,
                               check=True).stdout
        info = subprocess.run(["pdfinfo", "-enc", "UTF-8", handle.name], capture_output=True, text=True,
                              check=True).stdout
    return [words, info]


def leaks(texts: list[str], *people: Canary | CanaryPartner) -> list[str]:
    """Where any of ``people``'s name words (for a name of short words: a form typed, its words in a row), phone
    or e-mail appear in ``texts``: a few characters around each. Each text is folded once for all of them."""
    found = []
    sought = [(canary, canary.words() + ([fold(canary.email)] if canary.email else []),
               [in_a_row(form) for form in canary.typed()] if canary.short else []) for canary in people]
    for text in texts:
        folded = fold(text)
        plain = anyascii(unicodedata.normalize("NFKC", text))
        digits = re.sub(r"\D", "", text)
        for canary, needles, typed in sought:
            for needle in needles:
                at = folded.find(needle)
                if at >= 0:
                    found.append(f"{needle!r} in …{folded[max(0, at - 30):at + len(needle) + 30]}…")
            for pattern in typed:
                match = pattern.search(plain)
                if match:
                    found.append(f"{match.group()!r} in …{plain[max(0, match.start() - 30):match.end() + 30]}…")
            if canary.phone and canary.phone in digits:
                found.append(f"phone {canary.phone}")
    return found


def in_a_row(form: str) -> re.Pattern[str]:
    """A form's words in a row, in any case, separated by anything but a letter or a digit (an initial's
    letter a capital followed by its full stop)."""
    parts = []
    for word in re.findall(r"[a-z0-9]+", anyascii(form).lower()):
        parts.append(f"{word.upper()}\\." if len(word) == 1 else f"(?i:{word})")
    return re.compile(r"(?<![A-Za-z0-9])" + r"[^A-Za-z0-9]+".join(parts) + r"(?![A-Za-z0-9])")
