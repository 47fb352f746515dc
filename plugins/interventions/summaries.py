"""What a document sent outside the organisation (an advocacy dossier) may say about intervention cases: the
facts, the chronology of the events, developments (never the confidential ones) and outcomes, and our published actions with their reference codes. Never
the source of the report, the partners consulted, private letters or drafts. Names are written as they are: the
document's disclosure guard replaces those that may not leave."""
from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from core.api import RESTRICTED, Country, DatedLine, RecordSummary, db, visible
from core.api import gettext as _

from .forms import ACTS, OUTCOMES, PERPETRATOR_TYPES
from .models import LANGUAGES, Action, Case, CaseDefender, Outcome


def case_summaries(ids: list[int], country: str, user: Any, locale: str, include_restricted: bool,
                   limit: int) -> list[RecordSummary]:
    query = select(Case).where(visible(Case, user))
    if not include_restricted:
        query = query.where(Case.confidentiality != RESTRICTED)
    if ids:
        query = query.where(Case.id.in_(ids))
    elif country:
        query = query.where(Case.country_id.in_(select(Country.id).where(Country.alpha3 == country)))
    else:
        return []
    cases = db.session.scalars(query.options(
        joinedload(Case.country), selectinload(Case.links).joinedload(CaseDefender.defender),
        selectinload(Case.actions), selectinload(Case.outcomes).joinedload(Outcome.defender),
        selectinload(Case.violations), selectinload(Case.perpetrators), selectinload(Case.developments))
        .order_by(Case.events_date.desc().nulls_last(), Case.id.desc()).limit(limit)).all()
    with force_locale(locale):
        return [_summary(case, locale, include_restricted) for case in cases]


def _summary(case: Case, locale: str, include_restricted: bool) -> RecordSummary:
    defenders = [link.defender for link in case.links]
    shown = [d for d in defenders if include_restricted or d.confidentiality != RESTRICTED]
    published_titles = [a.title(locale) or next((a.title(lang) for lang in LANGUAGES if a.title(lang)), "")
                        for a in sorted(case.actions, key=lambda a: (a.sequence or 0, a.id))
                        if a.status == Action.PUBLISHED and a.public]
    title = next((t for t in published_titles if t), case.title)  # the publishable wording, when there is one
    parts = [case.description.strip()]
    if case.violations:
        parts.append(_("Violations: %(list)s.", list=", ".join(term.label for term in case.violations)))
    if case.perpetrators:
        parts.append(_("Alleged perpetrators: %(list)s.", list=", ".join(
            str(PERPETRATOR_TYPES.get(p.type, p.type)) for p in case.perpetrators)))
    events = []
    if case.events_date or case.events_place:
        events.append(DatedLine(case.events_date, _("Events in %(place)s", place=case.events_place)
                                if case.events_place else _("Events")))
    for outcome in case.outcomes:
        who = f" ({outcome.defender.name})" if outcome.defender and (
            include_restricted or outcome.defender.confidentiality != RESTRICTED) else ""
        events.append(DatedLine(outcome.occurred_on, f"{OUTCOMES.get(outcome.kind, outcome.kind)}{who}"))
    for development in case.developments:  # never the confidential ones, nor any development's source
        if not development.confidential:
            events.append(DatedLine(development.occurred_on, f"{ACTS[development.act]}: {development.what}"))
    actions = []
    published = [a for a in case.actions if a.status == Action.PUBLISHED and a.public]
    for action in sorted(published, key=lambda a: (a.sequence or 0, a.id)):
        text = action.title(locale) or next((action.title(lang) for lang in LANGUAGES if action.title(lang)), "")
        actions.append(DatedLine(action.published_at.date() if action.published_at else None,
                                 text, action.reference or ""))
    hidden = len(defenders) - len(shown)
    left_out = [_("%(count)d restricted defender(s) of the case", count=hidden)] if hidden else []
    confidential = sum(1 for development in case.developments if development.confidential)
    if confidential:
        left_out.append(_("%(count)d confidential development(s)", count=confidential))
    unpublished = len(case.actions) - len(published)
    if unpublished:
        left_out.append(_("%(count)d draft or private action(s)", count=unpublished))
    return RecordSummary(
        "case", case.id, f"{case.reference} — {title}" if case.reference else title, "\n\n".join(p for p in parts if p),
        case.country.alpha3, tuple(sorted(events, key=lambda line: (line.when is None, line.when))), tuple(actions),
        defender_ids=tuple(d.id for d in shown), confidentiality=case.confidentiality,
        url=url_for("interventions.show", case_id=case.id), left_out=tuple(left_out))
