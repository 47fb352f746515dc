"""The rules of a case's life, testable without HTTP: lists, intake, verification, the action workflow
(draft → in review → approved → published), the consent check and numbering at publication."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from core.api import (
    INTERNAL_TITLE,
    PHRASE,
    PUBLIC,
    RESTRICTED,
    SOURCE,
    WITHHELD,
    Defender,
    Partner,
    Protected,
    Term,
    can,
    db,
    holders,
    named_without_leave,
    notify,
    protect_text,
    save_assigned,
    tell_followers,
    utcnow,
    who_may_see,
    words,
)
from core.api import lazy_gettext as _l

from . import codes, search
from .models import (
    LANGUAGES,
    Action,
    Authority,
    Case,
    CaseDefender,
    CaseEvent,
    Consultation,
    Correction,
    Development,
    Outcome,
    Perpetrator,
    Response,
)

VIEW, EDIT, VERIFY, OVERRIDE, PUBLISH = ("interventions.view", "interventions.edit", "interventions.verify",
                                         "interventions.override", "interventions.publish")
VIOLATIONS = "violations"


class WorkflowError(Exception):
    """A step the rules refuse; ``message`` is translated for the user."""

    def __init__(self, message: Any):
        super().__init__(message)
        self.message = message


# --- Lists ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CaseFilters:
    q: str = ""
    country: str = ""
    region: str = ""
    status: str = ""
    verification: str = ""
    violation: str = ""
    action_type: str = ""
    action_stage: str = ""  # draft, in_review, approved, published: cases with an action at that stage
    year: str = ""
    officer: str = ""
    confidentiality: str = ""
    sort: str = "-created"


# Newest report first by default: the order of intake, and the cheapest for a word search (the full-text
# matches are read in id order and the page stops after its rows).
SORTS = {
    "-created": (Case.id.desc(),),
    "-updated": (Case.updated_at.desc(), Case.id.desc()),
    "country": (Case.country_id, Case.updated_at.desc(), Case.id.desc()),
}


def overdue(case: Any, hours: int) -> bool:
    return case.verification == Case.PENDING and utcnow() - case.received_at > timedelta(hours=hours)


# --- Intake --------------------------------------------------------------------------------------

def save_case(case: Case, data: dict[str, Any], defender_ids: list[int], violation_ids: list[int],
              perpetrators: list[dict[str, Any]], assignees: set[int], author: Any) -> Case:
    """Apply validated intake data; the author stays assigned so a restricted case never vanishes for them."""
    for field, value in data.items():
        setattr(case, field, value)
    case.violations = list(db.session.scalars(select(Term).where(
        Term.id.in_(violation_ids), Term.vocabulary == VIOLATIONS))) if violation_ids else []
    created = case.id is None
    _link_defenders(case, defender_ids)
    wanted = [(p["state"], p["type"], p["details"]) for p in perpetrators]
    if [(p.state, p.type, p.details) for p in case.perpetrators] != wanted:
        case.perpetrators = [Perpetrator(state=s, type=t, details=d) for s, t, d in wanted]
    save_assigned(case, assignees, author, case.title)
    search.index_case(case)
    if created:
        tell_followers(case, author, case.title)
    db.session.commit()
    return case


def defenders_kept(case: Case) -> Any:
    """Why the case's defenders may not be removed now (its published actions name them), or None: the rule
    the core's unlinking asks (``DefenderLinks(refuses_removal=...)``)."""
    if any(action.status == Action.PUBLISHED for action in case.actions):
        return _l("Defenders of a case with published actions stay linked: the publications name them.")
    return None


def _link_defenders(case: Case, defender_ids: list[int]) -> None:
    wanted = set(defender_ids)
    current = {link.defender_id for link in case.links}
    case.links = [link for link in case.links if link.defender_id in wanted]
    case.links += [CaseDefender(defender_id=defender_id) for defender_id in sorted(wanted - current)]


# --- Verification --------------------------------------------------------------------------------

def add_consultation(case: Case, partner_id: int, consulted_on: date, answer: str, notes: str, user: Any) -> None:
    case.consultations.append(Consultation(partner_id=partner_id, consulted_on=consulted_on, answer=answer,
                                           notes=notes, recorded_by_id=user.id))
    db.session.commit()


def decide_verification(case: Case, decision: str, decided_on: date, note: str, user: Any) -> None:
    """Record the officer's decision: verified, or not confirmed (the case then cannot be published)."""
    if decision == Case.VERIFIED and not case.consultations:
        raise WorkflowError(_l("Record at least one partner consultation before declaring the case verified."))
    if decision not in (Case.VERIFIED, Case.NOT_CONFIRMED, Case.PENDING):
        raise WorkflowError(_l("Unknown decision."))
    case.verification, case.verified_on, case.verification_note = decision, decided_on, note
    case.verified_by_id, case.verified_at = user.id, utcnow()
    db.session.commit()


def override_verification(case: Case, reason: str, user: Any) -> None:
    """A coordinator lets an unverified case be published; the audit trail keeps the change with its reason
    (the verification note), who made it and when."""
    if not can(OVERRIDE, user):
        raise WorkflowError(_l("Only a coordinator may publish a case without verification."))
    if not reason.strip():
        raise WorkflowError(_l("Give the reason for publishing without verification."))
    case.verification, case.verified_on, case.verification_note = Case.OVERRIDDEN, utcnow().date(), reason.strip()
    case.verified_by_id, case.verified_at = user.id, utcnow()
    db.session.commit()


# --- Authorities ---------------------------------------------------------------------------------

def country_authorities(country_id: int) -> list[Authority]:
    """The authorities in office in a country, in the directory's order."""
    return list(db.session.scalars(select(Authority).where(Authority.country_id == country_id,
                                                           Authority.active.is_(True))
                                   .order_by(Authority.position, Authority.id)))


# --- Actions -------------------------------------------------------------------------------------

def editable(action: Action) -> bool:
    """Texts change freely until approval; after publication only through a logged correction."""
    return action.status in (Action.DRAFT, Action.IN_REVIEW)


TRANSITIONS = {
    # step: (from statuses, to status, permission)
    "submit": ((Action.DRAFT,), Action.IN_REVIEW, EDIT),
    "return": ((Action.IN_REVIEW, Action.APPROVED), Action.DRAFT, PUBLISH),
    "approve": ((Action.IN_REVIEW,), Action.APPROVED, PUBLISH),
    "publish": ((Action.APPROVED,), Action.PUBLISHED, PUBLISH),
}


def allowed_steps(action: Action, user: Any) -> list[str]:
    return [step for step, (sources, _to, permission) in TRANSITIONS.items()
            if action.status in sources and can(permission, user)]


def move(action: Action, step: str, user: Any) -> Action:
    """Take one workflow step, checking who may take it and that the action is ready for it."""
    if step not in TRANSITIONS:
        raise WorkflowError(_l("Unknown step."))
    sources, target, permission = TRANSITIONS[step]
    if not can(permission, user):
        raise WorkflowError(_l("You may not take this step."))
    if step == "publish":
        return publish(action, user)
    if action.status not in sources:
        raise WorkflowError(_l("This action is no longer at that stage; reload the page."))
    if step in ("submit", "approve") and not action.languages():
        raise WorkflowError(_l("Write the title and text in at least one language first."))
    now = utcnow()
    action.status = target
    if step == "submit":
        action.submitted_at, action.submitted_by_id = now, user.id
    elif step == "approve":
        action.approved_at, action.approved_by_id = now, user.id
    elif step == "return":
        action.approved_at = action.approved_by_id = None
    if step == "submit":
        _tell_reviewers(action, user)
    db.session.commit()
    return action


REVIEW_NOTICE = "case_review"


def _tell_reviewers(action: Action, user: Any) -> None:
    """Those who may approve the action and see its case (not its author) learn that it waits for them; the e-mail
    says only that something waits, with the link."""
    from flask import url_for

    reviewers = who_may_see(action.case, [reviewer.id for reviewer in holders(PUBLISH)]) - {user.id}
    notify(reviewers, REVIEW_NOTICE, {"record": action.case.title},
           url_for("interventions.action", action_id=action.id))


def consent_problems(action: Action) -> list[Defender]:
    """Defenders whose own names (or aliases) are written in one of the action's texts although a public action
    may not name them (no consent, or restricted), found as the core's disclosure guard finds names."""
    ids = [record_id for kind, record_id in named_without_leave(action.texts(), [(Case.__record_type__, action.case_id)])
           if kind == Defender.__record_type__]
    if not ids:
        return []
    ours = [defender.id for defender in action.case.defenders]  # a restricted stranger is not confirmed to exist
    return list(db.session.scalars(select(Defender).where(
        Defender.id.in_(ids), or_(Defender.confidentiality != RESTRICTED, Defender.id.in_(ours))).order_by(Defender.name)))


def publish(action: Action, user: Any) -> Action:
    """Publish an approved action: the case must be verified (or overridden) and no text may name a
    defender without consent. A public action of a case numbers the case if needed and takes its code.

    The case row is locked for the transaction, so two actions of one case published at the same moment
    get ``.1`` and ``.2``, and the counters give unique, gapless numbers (see ``codes.py``).
    """
    case = db.session.execute(select(Case).where(Case.id == action.case_id).with_for_update()
                              .execution_options(populate_existing=True)).scalar_one()
    action = db.session.execute(select(Action).where(Action.id == action.id).with_for_update()
                                .execution_options(populate_existing=True)).scalar_one()
    try:
        if action.status != Action.APPROVED:
            raise WorkflowError(_l("Only an approved action can be published; reload the page."))
        if not case.publishable:
            raise WorkflowError(_l("The case is not verified: record the partners' confirmation first, "
                                   "or a coordinator may override with a reason."))
        if not action.languages():
            raise WorkflowError(_l("Write the title and text in at least one language first."))
        named = consent_problems(action)
        if named:
            raise WorkflowError(_l(
                "The text names a defender who has not consented to be named; use “%(names)s” instead.",
                names=", ".join(d.publication_name or "?" for d in named)))
    except WorkflowError:
        db.session.rollback()
        raise
    now = utcnow()
    if action.public:
        codes.number_case(case, now)
        action.sequence = db.session.scalar(select(func.count()).select_from(Action).where(
            Action.case_id == case.id, Action.status == Action.PUBLISHED, Action.sequence.is_not(None)))
        action.reference = codes.code_for(case, action.sequence)
    action.status, action.published_at, action.published_by_id = Action.PUBLISHED, now, user.id
    db.session.flush()
    search.index_case(case)
    db.session.commit()
    return action


# --- Follow-up -----------------------------------------------------------------------------------

def record_response(action: Action, kind: str, received_on: date, notes: str, user: Any) -> None:
    if action.status != Action.PUBLISHED:
        raise WorkflowError(_l("Responses are recorded for actions that were published or sent."))
    action.responses.append(Response(kind=kind, received_on=received_on, notes=notes, recorded_by_id=user.id))
    db.session.commit()


def record_outcome(case: Case, kind: str, defender_id: int | None, occurred_on: date, notes: str, user: Any) -> None:
    if defender_id is not None and defender_id not in {link.defender_id for link in case.links}:
        raise WorkflowError(_l("Choose one of the case's defenders."))
    case.outcomes.append(Outcome(kind=kind, defender_id=defender_id, occurred_on=occurred_on, notes=notes,
                                 recorded_by_id=user.id))
    db.session.commit()


def close_case(case: Case, reason: str, user: Any) -> None:
    _change_status(case, Case.CLOSED, CaseEvent.CLOSED, reason, user,
                   _l("The case is already closed."))


def reopen_case(case: Case, reason: str, user: Any) -> None:
    _change_status(case, Case.OPEN, CaseEvent.REOPENED, reason, user, _l("The case is already open."))


def _change_status(case: Case, status: str, event: str, reason: str, user: Any, refusal: Any) -> None:
    if case.status == status:
        raise WorkflowError(refusal)
    if not reason.strip():
        raise WorkflowError(_l("Give the reason."))
    case.status = status
    case.events.append(CaseEvent(kind=event, reason=reason.strip(), by_id=user.id))
    db.session.commit()


# --- Developments --------------------------------------------------------------------------------

def sees_confidential(user: Any) -> bool:
    """Who sees a case's confidential parts (its source, its confidential developments): those who may edit it."""
    return can(EDIT, user)


def developments(case: Case, user: Any) -> list[Development]:
    """The case's developments ``user`` may see (with their source partner), in the order they happened."""
    query = select(Development).where(Development.case_id == case.id).options(joinedload(Development.source_partner))
    if not sees_confidential(user):
        query = query.where(Development.confidential.is_(False))
    return list(db.session.scalars(query.order_by(Development.occurred_on, Development.occurred_at.nulls_first(),
                                                  Development.id)))


def save_development(development: Development, data: dict[str, Any], user: Any) -> Development:
    """Add or change a development; the audit trail keeps each change (``__audited__``)."""
    if development.id is None:
        development.created_by_id = user.id
    for field, value in data.items():
        setattr(development, field, value)
    db.session.add(development)
    db.session.commit()
    return development


def delete_development(development: Development) -> None:
    db.session.delete(development)
    db.session.commit()


def last_public_action_at(actions: list[Any]) -> Any:
    """When the latest of ``actions`` (records or rows) that is public was published; None before the first."""
    moments = [action.published_at for action in actions if action.status == Action.PUBLISHED
               and action.type not in Action.PRIVATE_TYPES and action.published_at is not None]
    return max(moments, default=None)


def new_developments(developments: list[Development], since: Any) -> list[Development]:
    """The non-confidential ``developments`` since the latest public action (``since``; all before the first):
    what a follow-up appeal tells: those recorded after it (even about an earlier day: learnt late), or that
    happened on a later day. One recorded before it, on its day, was known when it went out."""
    if since is None:
        return [d for d in developments if not d.confidential]
    return [d for d in developments if not d.confidential and (d.created_at > since or d.occurred_on > since.date())]


def correct(action: Action, texts: dict[str, str], reason: str, user: Any) -> list[str]:
    """Change a published text; each changed field is logged with its before, after and the reason.
    A correction may not name a defender who has not consented, any more than the original."""
    if action.status != Action.PUBLISHED:
        raise WorkflowError(_l("Only a published text is corrected; edit the draft instead."))
    changed = [field for field, value in texts.items() if getattr(action, field) != value]
    if not changed:
        raise WorkflowError(_l("Nothing was changed."))
    before = {field: getattr(action, field) for field in changed}
    for field in changed:
        setattr(action, field, texts[field])
    named = consent_problems(action)
    if named or not action.languages():
        for field, value in before.items():
            setattr(action, field, value)
        db.session.rollback()
        if not named:
            raise WorkflowError(_l("Write the title and text in at least one language first."))
        raise WorkflowError(_l("The text names a defender who has not consented to be named; use “%(names)s” "
                               "instead.", names=", ".join(d.publication_name or "?" for d in named)))
    for field in changed:
        action.corrections.append(Correction(field=field, before=before[field], after=texts[field],
                                             reason=reason.strip(), by_id=user.id))
    search.index_case(action.case)
    db.session.commit()
    return changed


def protected_terms(records: list[tuple[str, int]], external: bool) -> list[Protected]:
    """What the disclosure guard must keep out of any output about these cases: who reported them (the source
    partner's name and the source's details) and the verification notes; outside the organisation, the case's
    own title too (a working title: the published actions' titles are the publishable wording), unless an
    action was published under it."""
    ids = [record_id for kind, record_id in records if kind == Case.__record_type__]
    if not ids:
        return []
    found: list[Protected] = []
    if external:
        for case in db.session.scalars(select(Case).where(Case.id.in_(ids), Case.confidentiality != PUBLIC)
                                       .options(selectinload(Case.actions))):
            published = {words_key(action.title(language)) for action in case.actions if action.public
                         and action.status == Action.PUBLISHED for language in LANGUAGES}
            if case.title.strip() and words_key(case.title) not in published:
                found.append(Protected(INTERNAL_TITLE, case.title, case.reference or WITHHELD, PHRASE,
                                       (Case.__record_type__, case.id)))
    rows = db.session.execute(select(Case.id, Case.source_details, Case.verification_note, Partner.name)
                              .outerjoin(Partner, Partner.id == Case.source_partner_id).where(Case.id.in_(ids)))
    for case_id, details, note, partner in rows:
        record = (Case.__record_type__, case_id)
        found += protect_text(SOURCE, details, record) + protect_text(SOURCE, note, record, whole=False)
        if partner:
            found.append(Protected(SOURCE, partner, WITHHELD, PHRASE, record))
    found += _protected_developments(ids)
    return found


def _protected_developments(case_ids: list[int]) -> list[Protected]:
    """The developments' sources (as confidential as the case's own), and the texts of the confidential ones:
    the names, numbers and addresses written in what happened and where, and the text itself. Kept out of every
    output about the cases, as a case's source is."""
    found: list[Protected] = []
    rows = db.session.execute(select(Development.case_id, Development.confidential, Development.what,
                                     Development.place, Development.source_details, Partner.name)
                              .outerjoin(Partner, Partner.id == Development.source_partner_id)
                              .where(Development.case_id.in_(case_ids)))
    for case_id, confidential, what, place, details, partner in rows:
        record = (Case.__record_type__, case_id)
        found += protect_text(SOURCE, details, record)
        if partner:
            found.append(Protected(SOURCE, partner, WITHHELD, PHRASE, record))
        if confidential:  # not the place alone, nor a few words: a town or "threatened by phone" may be public
            found += protect_text(SOURCE, what, record, whole=False) + protect_text(SOURCE, place, record, whole=False)
            if MIN_QUOTED_WORDS <= len(words(what)) <= MAX_QUOTED_WORDS:
                found.append(Protected(SOURCE, what.strip(), WITHHELD, PHRASE, record))
    return found


#: A confidential development's text is looked for whole (copied into an appeal) when it has this many words: not
#: fewer (a few words may be anyone's), and not each sentence apart (a sentence can be common to many texts).
MIN_QUOTED_WORDS, MAX_QUOTED_WORDS = 4, 60


def people_concerned(records: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """The defenders of these cases and the partners who reported them: the disclosure guard keeps their personal
    details out of any output about the cases (a letter may name a defender only by her publishable name)."""
    ids = [record_id for kind, record_id in records if kind == Case.__record_type__]
    if not ids:
        return []
    defenders = db.session.scalars(select(CaseDefender.defender_id).where(CaseDefender.case_id.in_(ids)))
    partners = db.session.scalars(select(Case.source_partner_id).where(Case.id.in_(ids),
                                                                       Case.source_partner_id.is_not(None)))
    return [("defender", i) for i in defenders] + [("partner", i) for i in partners]


def words_key(text: str) -> str:
    return " ".join(words(text or ""))
