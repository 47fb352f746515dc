"""Letters to the authorities: an action's text, in the chosen language, addressed to one authority,
laid out by the core documents service as PDF, DOCX or HTML."""
from __future__ import annotations

from flask_babel import force_locale

from core.api import Document, Heading, Paragraph, format_date, utcnow
from core.api import gettext as _

from .models import Action, Authority


def _paragraphs(text: str) -> list[Paragraph]:
    return [Paragraph(part.strip()) for part in text.replace("\r\n", "\n").split("\n\n") if part.strip()]


def missing_text(part: str) -> str:
    """What a letter (or a draft) prints where the directory has no office, address or salutation in its
    language, in that language (call it under ``force_locale``)."""
    return {"office": _("[Office missing in this language from the directory]"),
            "address": _("[Postal address missing in this language from the directory]"),
            "salutation": _("[Salutation missing in this language from the directory]")}[part]


def letter(action: Action, authority: Authority, language: str) -> Document:
    """The letter, in ``language``: the authority's office, address and salutation in it (or the mark of their
    absence, never another language's), and its fixed wording (closing, dates) in it too, not the user's."""
    missing = authority.missing(language)
    with force_locale(language):
        office = authority.text("office", language) or missing_text("office")
        address = authority.address_lines(language) or ([missing_text("address")] if "address" in missing else [])
        blocks: list = [Paragraph(line) for line in [office, authority.person, *address] if line.strip()]
        blocks.append(Paragraph(format_date(utcnow(), "long")))
        if action.reference:
            blocks.append(Paragraph(_("Reference: %(code)s", code=action.reference), emphasis=True))
        salutation = authority.text("salutation", language) or (
            missing_text("salutation") if "salutation" in missing else _("Excellency,"))
        blocks.append(Paragraph(salutation))
        blocks += _paragraphs(getattr(action, f"body_{language}"))
        requested = getattr(action, f"requested_{language}")
        if requested.strip():
            blocks.append(Heading(_("We respectfully urge the authorities to:"), level=3))
            blocks += _paragraphs(requested)
        blocks.append(Paragraph(_("Yours faithfully,")))
        blocks.append(Paragraph(_("The Observatory for the Protection of Human Rights Defenders")))
        return Document(action.title(language), language, blocks,
                        subtitle=action.case.country.name,
                        footer=action.reference or "")
