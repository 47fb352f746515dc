"""What advocacy gives the monthly bulletin and the annual report: the actions the mechanisms have made public,
never restricted ones. An action's internal title may name people and its text is often confidential, so
publications print the mechanism, the type, the country, the mechanism's reference, the results, and the
defenders concerned under their publishable names (restricted defenders are left out).

Items are :class:`~core.plugin_host.contributions.PublicationItem` entries, titled with the mechanism::

    PublicationItem("advocacy:4", "Inter-American Commission...: precautionary measures", when=date(2026, 3, 4),
                    reference="MC-812-26", place="Colombia", group="americas",
                    kind="Request for precautionary measures",
                    details=("Precautionary measures granted", "Defenders concerned: A. P."))
"""
from __future__ import annotations

from datetime import date

from flask_babel import force_locale
from sqlalchemy import and_, select
from sqlalchemy.orm import joinedload, selectinload

from core.api import RESTRICTED, PublicationItem, Section, country_name, db
from core.api import gettext as _

from . import requirements
from .forms import ANSWER_KINDS
from .models import SYSTEMS, ActionDefender, AdvocacyAction, Answer


def _item(action: AdvocacyAction, locale: str) -> PublicationItem:
    results = [str(ANSWER_KINDS[a.kind]) for a in action.answers if a.kind in Answer.OUTCOMES
               and a.kind != Answer.NO_RESPONSE]
    # Names as they are: the core's guard prints the publishable name of those who did not consent.
    defenders = sorted({link.defender.name for link in action.defender_links
                        if link.defender.confidentiality != RESTRICTED})
    details = list(dict.fromkeys(results))
    if defenders:
        details.append(_("Defenders concerned: %(names)s", names=", ".join(defenders)))
    return PublicationItem(
        f"advocacy:{action.id}", action.mechanism.name_in(locale), when=action.made_public_on,
        record=(AdvocacyAction.__record_type__, action.id),
        reference=action.reference, place=country_name(action.country.alpha2, locale) if action.country else "",
        group=action.country.region or "" if action.country else "", kind=str(requirements.type_label(action.type)),
        details=tuple(details), language=locale)


def _public_actions(first: date, after: date) -> list[AdvocacyAction]:
    return list(db.session.scalars(select(AdvocacyAction).where(
        AdvocacyAction.confidentiality != RESTRICTED, AdvocacyAction.sent_on.is_not(None),
        and_(AdvocacyAction.made_public_on >= first, AdvocacyAction.made_public_on < after)).options(
        joinedload(AdvocacyAction.mechanism), joinedload(AdvocacyAction.country), selectinload(AdvocacyAction.answers),
        selectinload(AdvocacyAction.defender_links).joinedload(ActionDefender.defender))
        .order_by(AdvocacyAction.made_public_on, AdvocacyAction.id)))


def _by_system(actions: list[AdvocacyAction]) -> list[AdvocacyAction]:
    return sorted(actions, key=lambda a: (SYSTEMS.index(a.mechanism.system) if a.mechanism.system in SYSTEMS
                                          else len(SYSTEMS), a.made_public_on, a.id))


def bulletin_sections(year: int, month: int, locale: str) -> list[Section]:
    """The advocacy actions made public during the month."""
    actions = _public_actions(date(year, month, 1), date(year + (month == 12), month % 12 + 1, 1))
    with force_locale(locale):
        items = tuple(_item(action, locale) for action in _by_system(actions))
        return [Section("advocacy", _("Advocacy with intergovernmental bodies"), items, order=30)] if items else []


def annual_report_sections(year: int, locale: str) -> list[Section]:
    """The year's public advocacy, grouped by system (United Nations first)."""
    actions = _public_actions(date(year, 1, 1), date(year + 1, 1, 1))
    with force_locale(locale):
        items = tuple(_item(action, locale) for action in _by_system(actions))
        return [Section("advocacy", _("Advocacy with intergovernmental bodies"), items, order=30)] if items else []
