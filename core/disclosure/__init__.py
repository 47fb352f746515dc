"""The one disclosure guard: nothing protected leaves the Observatory, whatever the output and whoever typed it.

Every output that leaves a user's screen (a document, a dossier, a publication, a letter, an export, a feed, a
figure) is built from plain content and handed to a :class:`Guard` made for that output and its audience. The
guard builds the output's protected register (:mod:`.register`: names without consent, restricted records,
personal details, and what plugins protect through ``observatory_protected_terms``), finds them in every text
in the forms people write them (:mod:`.names`), masks what is certain, and refuses to release the output while
an ambiguous hit is undecided (:class:`Blocked`). :mod:`.spreadsheets` is the one CSV and XLSX writer, and
:mod:`.door` refuses a response sent as a file that none of the guard's writers marked. :mod:`.outputs` declares
every way out of the Observatory (the core's and, through ``observatory_outputs``, the plugins').
"""
from .guard import DECISIONS, MASK, OTHER, Blocked, FileRefused, Guard, Hit, named_without_leave
from .register import (
           INTERNAL_TITLE,
           NAME,
           PERSON,
           PERSON_EXACT,
           PERSONAL,
           PHRASE,
           SOURCE,
           WITHHELD,
           Protected,
           RegisterIncomplete,
           protect_text,
)

__all__ = ["DECISIONS", "MASK", "OTHER", "Blocked", "FileRefused", "Guard", "Hit", "INTERNAL_TITLE", "NAME", "PERSONAL",
           "PERSON", "PERSON_EXACT", "PHRASE", "SOURCE", "WITHHELD", "Protected", "RegisterIncomplete", "protect_text",
           "named_without_leave"]
