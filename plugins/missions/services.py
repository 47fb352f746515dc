"""The rules of a mission's life, testable without HTTP: lists, the workflow with its permissions, the budget
in exact decimals, hearings and the fair-trial summary, the report and its recommendations."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import get_locale
from sqlalchemy import Select, extract, select
from sqlalchemy.orm import joinedload, selectinload

from core.api import (
    INTERNAL_TITLE,
    PERSONAL,
    PHRASE,
    AuditEntry,
    Country,
    Protected,
    Term,
    assignee_ids,
    audit,
    can,
    converted,
    country_name,
    db,
    index_tokens,
    is_admin,
    linked_records,
    matching_word_prefixes,
    protect_text,
    record_view,
    save_assigned,
    utcnow,
    visible,
)
from core.api import lazy_gettext as _l
from core.api import words as words_of

from .models import (
    LANGUAGES,
    BudgetLine,
    ChecklistAnswer,
    Delegate,
    Hearing,
    Mission,
    MissionCountry,
    MissionDefender,
    MissionPartner,
    MissionRecordLink,
    MissionStep,
    Recommendation,
    RecommendationUpdate,
    ReportText,
)

VIEW, EDIT, APPROVE, SECURITY = "missions.view", "missions.edit", "missions.approve", "missions.security"
MISSION_TYPES, FAIR_TRIAL = "mission_types", "fair_trial"


class WorkflowError(Exception):
    """A step the rules refuse; ``message`` is translated for the user."""

    def __init__(self, message: Any):
        super().__init__(message)
        self.message = message


# --- Lists ---------------------------------------------------------------------------------------

@dataclass
class MissionFilters:
    q: str = ""
    type: str = ""
    status: str = ""
    country: str = ""
    region: str = ""
    year: str = ""
    sort: str = "-start"


SORTS = {
    "-start": (Mission.start_date.desc(), Mission.id.desc()),
    "start": (Mission.start_date, Mission.id),
    "-updated": (Mission.updated_at.desc(), Mission.id.desc()),
}


def missions_query(user: Any, filters: MissionFilters) -> Select:
    """The missions ``user`` may see, filtered and sorted in the database."""
    sort = filters.sort if filters.sort in SORTS else "-start"
    query = select(Mission).where(visible(Mission, user), *matching_word_prefixes(Mission, filters.q))
    if filters.type:
        query = query.where(Mission.type_id.in_(select(Term.id).where(
            Term.vocabulary == MISSION_TYPES, Term.key == filters.type)))
    if filters.status in Mission.STATUSES:
        query = query.where(Mission.status == filters.status)
    if filters.country or filters.region:
        countries = select(Country.id).where(Country.alpha3 == filters.country.upper()) if filters.country \
            else select(Country.id).where(Country.region == filters.region)
        query = query.where(Mission.id.in_(select(MissionCountry.mission_id).where(
            MissionCountry.country_id.in_(countries))))
    if filters.year.isdecimal() and len(filters.year) == 4:
        query = query.where(extract("year", Mission.start_date) == int(filters.year))
    return query.order_by(*SORTS[sort])


def mission_types(active_only: bool = True) -> list[Term]:
    return list(db.session.scalars(_terms_statement(MISSION_TYPES, active_only)))


def guarantees() -> list[Term]:
    """The fair-trial guarantees of the checklist, in their order."""
    return list(db.session.scalars(_terms_statement(FAIR_TRIAL, True)))


def _terms_statement(vocabulary: str, active_only: bool) -> Select:
    """A vocabulary's terms in their order."""
    query = select(Term).where(Term.vocabulary == vocabulary)
    if active_only:
        query = query.where(Term.active.is_(True))
    return query.order_by(Term.position, Term.key)


# --- Intake --------------------------------------------------------------------------------------

def save_mission(mission: Mission, data: dict[str, Any], country_ids: list[int], assignees: set[int],
                 author: Any) -> Mission:
    """Apply validated data; the author stays assigned so a restricted mission never vanishes for them."""
    for name, value in data.items():
        setattr(mission, name, value)
    wanted = set(db.session.scalars(select(Country.id).where(Country.id.in_(country_ids))))
    current = {link.country_id for link in mission.country_links}
    mission.country_links = [link for link in mission.country_links if link.country_id in wanted] + [
        MissionCountry(country_id=country_id) for country_id in sorted(wanted - current)]
    save_assigned(mission, assignees, author, mission.title)
    index_tokens(mission)
    db.session.commit()
    return mission


# --- Workflow ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Step:
    """A move the workflow allows: from ``source`` to ``target``, for holders of ``permission``."""

    source: str
    target: str
    permission: str
    label: Any
    needs_reason: bool = False


STEPS = (
    Step(Mission.PROPOSED, Mission.APPROVED, APPROVE, _l("Approve")),
    Step(Mission.APPROVED, Mission.PREPARING, EDIT, _l("Start preparing")),
    Step(Mission.PREPARING, Mission.IN_FIELD, EDIT, _l("Delegation in the field")),
    Step(Mission.IN_FIELD, Mission.DRAFTING, EDIT, _l("Back: report in drafting")),
    Step(Mission.DRAFTING, Mission.PUBLISHED, APPROVE, _l("Publish the report")),
    Step(Mission.PUBLISHED, Mission.CLOSED, EDIT, _l("Close")),
)
POSTPONABLE = (Mission.PROPOSED, Mission.APPROVED, Mission.PREPARING)
ENDED = (Mission.CLOSED, Mission.CANCELLED)


def next_step(mission: Mission) -> Step | None:
    return next((step for step in STEPS if step.source == mission.status), None)


def available_steps(mission: Mission, user: Any) -> list[Step]:
    """What ``user`` may do next: the forward step, postpone or resume, cancel."""
    steps = [step for step in STEPS if step.source == mission.status]
    if mission.status in POSTPONABLE:
        steps.append(Step(mission.status, Mission.POSTPONED, EDIT, _l("Postpone"), needs_reason=True))
    if mission.status == Mission.POSTPONED:
        steps.append(Step(Mission.POSTPONED, resumed_status(mission), EDIT, _l("Resume")))
    if mission.status not in ENDED:
        steps.append(Step(mission.status, Mission.CANCELLED, APPROVE, _l("Cancel the mission"), needs_reason=True))
    return [step for step in steps if can(step.permission, user)]


def resumed_status(mission: Mission) -> str:
    """A postponed mission resumes where it was postponed."""
    for step in reversed(mission.steps):
        if step.to_status == Mission.POSTPONED:
            return step.from_status
    return Mission.PROPOSED


def move(mission: Mission, target: str, user: Any, reason: str = "") -> None:
    """Take the mission to ``target`` if the workflow and the user's permissions allow it."""
    step = next((s for s in available_steps(mission, user) if s.target == target), None)
    if step is None:
        raise WorkflowError(_l("This step is not possible now, or you may not take it."))
    if step.needs_reason and not reason.strip():
        raise WorkflowError(_l("Give the reason."))
    if target == Mission.PUBLISHED:
        if not mission.report_languages():
            raise WorkflowError(_l("Write the report (a title and a summary in at least one language) first."))
        mission.report_published_on = mission.report_published_on or utcnow().date()
    db.session.add(MissionStep(mission_id=mission.id, from_status=mission.status, to_status=target,
                               reason=reason.strip(), by_id=user.id))
    mission.status = target
    db.session.commit()


# --- Budget --------------------------------------------------------------------------------------

@dataclass
class BudgetSummary:
    """Planned against actual, per category and in all, in the reporting currency."""

    currency: str
    planned: dict[str, Decimal] = field(default_factory=dict)
    actual: dict[str, Decimal] = field(default_factory=dict)

    @property
    def planned_total(self) -> Decimal:
        return sum(self.planned.values(), Decimal(0))

    @property
    def actual_total(self) -> Decimal:
        return sum(self.actual.values(), Decimal(0))

    def rows(self) -> list[tuple[str, Decimal, Decimal, Decimal]]:
        """(category, planned, actual, remaining) for every category used."""
        zero = Decimal(0)
        return [(category, self.planned.get(category, zero), self.actual.get(category, zero),
                 self.planned.get(category, zero) - self.actual.get(category, zero))
                for category in BudgetLine.CATEGORIES if category in self.planned or category in self.actual]


def budget_summary(mission: Mission) -> BudgetSummary:
    summary = BudgetSummary(mission.reporting_currency)
    for line in mission.budget_lines:
        totals = summary.planned if line.kind == BudgetLine.PLANNED else summary.actual
        totals[line.category] = totals.get(line.category, Decimal(0)) + converted(
            line.amount, line.rate, mission.reporting_currency)
    return summary


def add_budget_line(mission: Mission, data: dict[str, Any], user: Any) -> BudgetLine:
    line = BudgetLine(mission_id=mission.id, created_by_id=user.id, **data)
    if line.currency == mission.reporting_currency:
        line.rate = Decimal(1)
    db.session.add(line)
    _touch(mission)
    db.session.commit()
    return line


def _touch(mission: Mission) -> None:
    """A change to a part of the mission is a change of the mission (its list order, its audit trail)."""
    mission.updated_at = utcnow()


# --- Trial observation ---------------------------------------------------------------------------

def save_hearing(hearing: Hearing, data: dict[str, Any], answers: dict[int, tuple[str, str]]) -> Hearing:
    """Apply the hearing's data and its checklist: ``answers`` maps a guarantee's term id to (answer, notes)."""
    for name, value in data.items():
        setattr(hearing, name, value)
    current = {answer.term_id: answer for answer in hearing.answers}
    before = {term_id: answer.answer for term_id, answer in current.items()}
    for term_id, (answer, notes) in answers.items():
        if term_id in current:
            current[term_id].answer, current[term_id].notes = answer, notes
        else:
            hearing.answers.append(ChecklistAnswer(term_id=term_id, answer=answer, notes=notes))
    if hearing.id is None:
        db.session.add(hearing)
    db.session.flush()
    after = {answer.term_id: answer.answer for answer in hearing.answers}
    changed = {str(term_id): [before.get(term_id), answer] for term_id, answer in after.items()
               if before.get(term_id) != answer}
    if changed:  # one audit row for the checklist, by guarantee (term id): [before, after]
        audit(AuditEntry.UPDATE, Hearing.__record_type__, hearing.id, f"{hearing.mission.title}: checklist",
              {"checklist": changed})
    _touch(hearing.mission)
    db.session.commit()
    return hearing


@dataclass
class Breach:
    """A guarantee not respected at one or more hearings."""

    guarantee: Term
    hearings: list[Hearing] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def breaches(mission: Mission) -> list[Breach]:
    """The guarantees not respected across the mission's hearings, the most often breached first."""
    found: dict[int, Breach] = {}
    for hearing in mission.hearings:
        for answer in hearing.answers:
            if answer.answer == ChecklistAnswer.NOT_RESPECTED:
                breach = found.setdefault(answer.term_id, Breach(answer.term))
                breach.hearings.append(hearing)
                if answer.notes.strip():
                    breach.notes.append(answer.notes.strip())
    return sorted(found.values(), key=lambda b: (-len(b.hearings), b.guarantee.position, b.guarantee.key))


def answer_counts(hearing: Hearing) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for answer in hearing.answers:
        counts[answer.answer] += 1
    return counts


# --- Report and recommendations -------------------------------------------------------------------

def save_report(mission: Mission, texts: dict[str, dict[str, str]], published_on: date | None) -> None:
    """Replace the report's texts; a language left empty is dropped."""
    current = {report.language: report for report in mission.reports}
    for language in LANGUAGES:
        values = {key: (value or "").strip() for key, value in texts.get(language, {}).items()}
        if not any(values.values()):
            if language in current:
                mission.reports.remove(current[language])
            continue
        report = current.get(language) or ReportText(language=language)
        for key, value in values.items():
            setattr(report, key, value)
        if language not in current:
            mission.reports.append(report)
    mission.report_published_on = published_on
    db.session.flush()
    index_tokens(mission)
    _touch(mission)
    db.session.commit()


def add_recommendation(mission: Mission, text: str, addressee_kind: str, addressee: str) -> Recommendation:
    recommendation = Recommendation(mission_id=mission.id, text=text.strip(), addressee_kind=addressee_kind,
                                    addressee=addressee.strip())
    db.session.add(recommendation)
    _touch(mission)
    db.session.commit()
    return recommendation


def follow_up(recommendation: Recommendation, status: str, noted_on: date, note: str, user: Any) -> None:
    """Record how far the recommendation is implemented; the latest dated note sets its status."""
    recommendation.updates.append(RecommendationUpdate(noted_on=noted_on, status=status, note=note.strip(),
                                                       by_id=user.id))
    latest = max(recommendation.updates, key=lambda update: (update.noted_on, update.id or 1 << 62))
    recommendation.status = latest.status
    _touch(recommendation.mission)
    db.session.commit()


# --- Security assessment --------------------------------------------------------------------------

def may_see_security(mission: Mission, user: Any, assigned_ids: set[int] | None = None) -> bool:
    """The security assessment is restricted: admins, the staff assigned to the mission (``assigned_ids``
    when the caller has read them already), and holders of the security permission (coordinators by default)."""
    if is_admin(user) or can(SECURITY, user):
        return True
    return user.id in (assigned_ids if assigned_ids is not None else assignee_ids(mission))


def viewed_security(mission: Mission) -> None:
    record_view(Mission.__record_type__, mission.id, f"{mission.title} (security assessment)")


def protected_terms(records: list[tuple[str, int]], external: bool) -> list[Protected]:
    """What the disclosure guard must keep out of any output about these missions: the security assessment,
    the emergency contacts and the external delegates' contacts; outside the organisation, the mission's own
    title too (a working title that may name people), unless a report was given that title."""
    ids = [record_id for kind, record_id in records if kind == Mission.__record_type__]
    if not ids:
        return []
    found: list[Protected] = _internal_titles(ids) if external else []
    for mission_id, measures, contacts in db.session.execute(select(
            Mission.id, Mission.security_measures, Mission.emergency_contacts).where(Mission.id.in_(ids))):
        record = (Mission.__record_type__, mission_id)
        found += protect_text(PERSONAL, measures, record, whole=False) + protect_text(PERSONAL, contacts, record)
    for mission_id, contact in db.session.execute(select(Delegate.mission_id, Delegate.contact).where(
            Delegate.mission_id.in_(ids), Delegate.contact != "")):
        found += protect_text(PERSONAL, contact, (Mission.__record_type__, mission_id))
    return found


def _internal_titles(ids: list[int]) -> list[Protected]:
    """The missions' working titles, each replaced by the publishable wording (type and countries)."""
    locale = str(get_locale() or "en")
    found = []
    for mission in db.session.scalars(select(Mission).where(Mission.id.in_(ids)).options(
            joinedload(Mission.type), selectinload(Mission.country_links), selectinload(Mission.reports))):
        if mission.title.strip() and words_of(mission.title) not in [words_of(r.title) for r in mission.reports]:
            found.append(Protected(INTERNAL_TITLE, mission.title, public_title(mission, locale), PHRASE,
                                   (Mission.__record_type__, mission.id)))
    return found


def public_title(mission: Mission, locale: str) -> str:
    """How a mission is named where its working title may not go: its type and countries."""
    kind = getattr(mission.type, f"label_{locale}", "") or mission.type.label_en
    return f"{kind}: {', '.join(country_name(c.alpha2, locale) for c in mission.countries)}"


def people_concerned(records: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """The defenders the missions observed or met, their partners and the records linked to them: the disclosure
    guard keeps those people's personal details out of any output about the missions."""
    ids = [record_id for kind, record_id in records if kind == Mission.__record_type__]
    if not ids:
        return []
    found = [("defender", i) for i in db.session.scalars(
        select(MissionDefender.defender_id).where(MissionDefender.mission_id.in_(ids)))]
    found += [("partner", i) for i in db.session.scalars(
        select(MissionPartner.partner_id).where(MissionPartner.mission_id.in_(ids)))]
    return found + linked_records(MissionRecordLink, ids)
