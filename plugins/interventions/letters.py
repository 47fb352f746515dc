"""Letters to the authorities: an action's text, in the chosen language, addressed to one authority,
laid out by the core documents service as PDF, DOCX or HTML."""
from __future__ import annotations

from flask_babel import force_locale

from core.api import Document, Heading, Paragraph, format_date, utcnow
from core.api import gettext as _

from .models import Action, Authority


def _paragraphs(text: str) -> list[Paragraph]:
    return [Paragraph(part.strip()) for part in text.replace("\r\n", "\n").split("\n\n") if part.strip()]


def letter(action: Action, authority: Authority, language: str) -> Document:
    """The letter; its fixed wording (salutation, closing, dates) is in the letter's language, not the user's."""
    with force_locale(language):
        blocks: list = [Paragraph(line) for line in
                        [authority.title, authority.person, *authority.address.splitlines()] if line.strip()]
        blocks.append(Paragraph(format_date(utcnow(), "long")))
        if action.reference:
            blocks.append(Paragraph(_("Reference: %(code)s", code=action.reference), emphasis=True))
        blocks.append(Paragraph(authority.salutation or _("Excellency,")))
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
