"""Canaries for the disclosure suite: generated people whose names must never leave, the forms people type them
in, and the text of every kind of file an output can be (PDF, DOCX, XLSX, ZIP, JSON, CSV, ICS, HTML, SVG).

Names are drawn (from a seeded generator, or from Hypothesis's random source) from syllables that no dictionary and no demo record holds, in Latin letters with
accents, in Cyrillic, Greek, Arabic script and Chinese characters, with hyphenated and double surnames and
particles, so any of their
words found in an output is a leak, however it was written.
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

LATIN = ["zor", "vik", "tem", "brik", "qar", "vosh", "kel", "dra", "xan", "thu", "mur", "zek", "ulv", "ryk", "jov",
         "kaz", "pel", "wyn", "ost", "gri"]
ACCENTED = {"a": "áàâä", "e": "éèêë", "o": "óòôö", "u": "úùûü", "i": "íìîï", "n": "ñ", "c": "ç", "s": "ş", "z": "ž"}
CYRILLIC = ["зор", "вик", "тем", "брик", "кар", "вош", "кел", "драв", "ксан", "мур", "зек", "рык"]
GREEK = ["ζορ", "βικ", "τεμ", "βρικ", "καρ", "βοσ", "κελ", "ξαν", "μυρ", "ζεκ"]
ARABIC = ["زور", "فيك", "تمبر", "قارف", "كلد", "زان", "مرك", "ظفر"]
HAN_SURNAMES = ["欧阳", "司马", "上官", "诸葛", "东方", "皇甫"]  # written first, with the given name, without a space
HAN_GIVEN = ["晓", "铭", "嘉", "璇", "煜", "骞", "韬", "彧"]
PARTICLES = ["de la", "van der", "al", "da", "von"]
HONORIFICS = ["Ms.", "Mr.", "Mme", "Sra.", "Dr", "Me", "M."]
#: Where a canary of each script lives: its country, calling code, trunk prefix and how its mobile numbers begin
#: (national significant numbers of ten digits, eleven in China).
COUNTRIES = {"latin": [("TUR", "90", "0", "5"), ("COL", "57", "", "3"), ("MEX", "52", "", "55")],
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

    @property
    def address(self) -> str:
        return f"{self.street} Street {len(self.street) + 3}"

    @property
    def surname(self) -> str:
        return " ".join(part for part in (self.particle, *self.surnames) if part)

    @property
    def name(self) -> str:
        return f"{self.surname}{self.given}" if self.script == "han" else f"{self.given} {self.surname}"

    def forms(self) -> list[str]:
        """How people type this name: in order, surname first, with an honorific or an initial, the surname
        alone, without accents, in capitals, in Latin letters."""
        if self.script == "han":  # one run of characters: the name, alone or inside a sentence
            return [self.name, f"据报道，{self.name}于三月被捕。"]
        first = self.surnames[0]
        # Arabic script has no initials: people abbreviate its names once written in Latin letters.
        latin = lambda text: anyascii(text).title()  # noqa: E731 - as a Latin-script writer spells it
        given, initials_of = (latin(self.given), latin) if self.script == "arabic" else (self.given, str)
        forms = [self.name, f"{self.surname.upper()}, {self.given}", f"{_honorific(self)} {self.surname}",
                 f"{initials_of(self.given)[0]}. {initials_of(self.surname)}", f"{given} {initials_of(first)[0]}.",
                 self.surnames[-1], self.name.upper()]
        if len(self.surnames) > 1:
            forms.append(f"{self.given} {'-'.join(self.surnames)}")
        if self.script == "latin":
            forms.append(_plain(self.name).lower())
        else:
            forms.append(anyascii(self.name).title())
        return forms

    def words(self) -> list[str]:
        """The words of the name, and the street of the address, that must not be found, folded as :func:`fold`
        folds texts."""
        return [fold(word) for word in (self.given, *self.surnames, self.street) if word]


def _honorific(canary: Canary) -> str:
    return HONORIFICS[len(canary.given) % len(HONORIFICS)]


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


def canaries(rng: random.Random, count: int = 7) -> list[Canary]:
    """``count`` distinct people, every other one restricted, none consenting to be named."""
    people: list[Canary] = []
    seen: set[str] = set()
    scripts = ["latin", "latin", "cyrillic", "latin", "greek", "arabic", "han"]
    while len(people) < count:
        script = scripts[len(people) % len(scripts)]
        given = _word(rng, script)
        surnames = (rng.choice(HAN_SURNAMES),) if script == "han" else \
            tuple(_word(rng, script) for _ in range(rng.choice((1, 2))))
        particle = rng.choice(["", "", *PARTICLES]) if script == "latin" else ""
        street = _word(rng, "latin") + _word(rng, "latin").lower()
        folded = [fold(w) for w in (given, *surnames, street)]
        if len(set(folded)) < len(folded) or seen & set(folded) or any(len(w) < 5 for w in folded):
            continue
        seen |= set(folded)
        country, calling_code, trunk, start = rng.choice(COUNTRIES[script])
        length = (11 if country == "CHN" else 10) - len(start)
        people.append(Canary(given, surnames, particle, script, restricted=len(people) % 2 == 1,
                             phone=f"{start}{rng.randrange(10 ** (length - 1), 10 ** length)}",
                             email=f"{fold(given)}.{fold(surnames[0])}@example.org",
                             country=country, calling_code=calling_code, trunk=trunk, street=street))
    return people


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


def leaks(texts: list[str], canary: Canary) -> list[str]:
    """Where the canary's name words, phone or e-mail appear in ``texts``: a few characters around each."""
    found = []
    for text in texts:
        folded = fold(text)
        for needle in canary.words():
            at = folded.find(needle)
            if at >= 0:
                found.append(f"{needle!r} in …{folded[max(0, at - 30):at + len(needle) + 30]}…")
        digits = re.sub(r"\D", "", text)
        if canary.phone and canary.phone in digits:
            found.append(f"phone {canary.phone}")
    return found
