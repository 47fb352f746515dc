"""Fictional missions for the demo and the benchmark, written with bulk inserts.

Missions spread over the past years and the coming months, at every step of the workflow; a larger scale
means a longer history (as an organisation's database grows over the years), not more missions a week. A third
are trial observations with hearings (past ones with their fair-trial checklist, some ahead), each has a
delegation, a budget in two currencies, and those whose report is published have it in English and
French, with recommendations, half of them followed up once.
"""
from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import insert, select

from core.api import Assignment, Defender, Partner, SearchToken, Term, User, bulk_rows, db, utcnow, words

from .models import (
    BudgetLine,
    ChecklistAnswer,
    Delegate,
    Hearing,
    Mission,
    MissionCountry,
    MissionDefender,
    MissionPartner,
    MissionStep,
    Recommendation,
    RecommendationUpdate,
    ReportText,
)

MISSIONS_PER_SCALE = 12  # 12 for the demo, 3,000 at the benchmark's scale 250
BATCH = 500
#: Where a mission goes, in each language its report is written in.
PLACES = ({"en": "the capital", "fr": "la capitale", "es": "la capital"},
          {"en": "the northern region", "fr": "la région du Nord", "es": "la región norte"},
          {"en": "the border area", "fr": "la zone frontalière", "es": "la zona fronteriza"},
          {"en": "the second city", "fr": "la deuxième ville du pays", "es": "la segunda ciudad del país"})
#: What kind of mission a report says it was, in each language.
KINDS = {"trial_observation": {"en": "trial observation", "fr": "d’observation judiciaire", "es": "de observación judicial"},
         "fact_finding": {"en": "fact-finding", "fr": "d’enquête", "es": "de investigación"},
         "support": {"en": "support", "fr": "de soutien", "es": "de apoyo"},
         "solidarity": {"en": "solidarity", "fr": "de solidarité", "es": "de solidaridad"}}
SUMMARIES = {
    "en": ("Report of the {kind} mission", "The delegation met defenders, lawyers, officials and diplomats. "
                                           "This fictional report exists for testing.",
           "Findings on {place} (fictional)."),
    "fr": ("Rapport de la mission {kind}", "La délégation a rencontré des défenseurs, des avocats, des "
                                           "responsables et des diplomates. Ce rapport fictif sert aux essais.",
           "Constatations sur {place} (fictives)."),
    "es": ("Informe de la misión {kind}", "La delegación se reunió con defensores, abogados, funcionarios y "
                                          "diplomáticos. Este informe ficticio sirve para las pruebas.",
           "Conclusiones sobre {place} (ficticias)."),
}


def history_days(scale: int) -> int:
    """How far back the demo records go: longer as the scale grows (an organisation's database grows over the
    years), but never more than thirty years."""
    return min(700 * max(1, scale // 4), 30 * 365)


def load(scale: int = 1, seed: int = 23) -> int:
    rng = random.Random(seed)
    defenders = defaultdict(list)
    for defender_id, country_id in db.session.execute(select(Defender.id, Defender.country_id)):
        defenders[country_id].append(defender_id)
    types = dict(db.session.execute(select(Term.key, Term.id).where(Term.vocabulary == "mission_types")).all())
    guarantees = list(db.session.scalars(select(Term.id).where(Term.vocabulary == "fair_trial")))
    if not defenders or not types:
        return 0
    partners = defaultdict(list)
    for partner_id, country_id in db.session.execute(select(Partner.id, Partner.country_id)):
        partners[country_id].append(partner_id)
    staff = list(db.session.scalars(select(User.id).order_by(User.id)))
    countries = sorted(key for key in defenders if key is not None)
    total = scale * MISSIONS_PER_SCALE
    history = history_days(scale)
    for start in range(0, total, BATCH):
        plans = [_plan(rng, countries, types, history) for _ in range(min(BATCH, total - start))]
        ids = list(db.session.scalars(insert(Mission).returning(Mission.id, sort_by_parameter_order=True),
                                      [plan["row"] for plan in plans]))
        _children(rng, ids, plans, defenders, partners, staff, guarantees)
    db.session.flush()
    return total


def _plan(rng: random.Random, countries: list[int], types: dict[str, int], history: int) -> dict:
    now = utcnow()
    kind = rng.choice(("trial_observation", "trial_observation", "fact_finding", "support", "solidarity"))
    start = (now + timedelta(days=rng.randint(-history, 90))).date()
    end = start + timedelta(days=rng.randint(2, 8))
    today = now.date()
    if start > today:
        status = rng.choice((Mission.PROPOSED, Mission.APPROVED, Mission.PREPARING, Mission.POSTPONED))
    elif end >= today:
        status = Mission.IN_FIELD
    elif end + timedelta(days=45) > today:  # its report, published 45 days after, is not out yet
        status = rng.choice((Mission.DRAFTING, Mission.CANCELLED))
    else:
        status = rng.choice((Mission.DRAFTING, Mission.PUBLISHED, Mission.PUBLISHED, Mission.CLOSED,
                             Mission.CANCELLED))
    country_id = rng.choice(countries)
    places = rng.choice(PLACES)
    place = places["en"]
    row = {"title": f"{kind.replace('_', ' ').capitalize()} mission to {place}", "type_id": types[kind],
           "start_date": start, "end_date": end, "status": status,
           "terms_of_reference": "Fictional terms of reference for the demo.",
           "objectives": f"Meet defenders and authorities in {place}; document the situation.",
           "confidentiality": rng.choice(("internal", "internal", "public", "restricted")),
           "reporting_currency": "EUR", "risk_level": rng.choice(("low", "medium", "high")),
           "security_measures": "Daily check-in with the office (fictional).",
           "emergency_contacts": "Duty phone of the office (fictional).",
           "court": "Criminal Court of First Instance" if kind == "trial_observation" else "",
           "court_case_number": f"{start.year}/{rng.randint(100, 9999)}" if kind == "trial_observation" else "",
           "charges": "Membership of an illegal organisation (fictional)" if kind == "trial_observation" else "",
           "report_published_on": end + timedelta(days=45) if status in (Mission.PUBLISHED, Mission.CLOSED) else None,
           "created_at": now - timedelta(days=max(0, (today - start).days) + 30), "updated_at": now}
    return {"row": row, "kind": kind, "country_id": country_id, "place": place, "places": places}


def _children(rng, ids, plans, defenders, partners, staff, guarantees) -> None:
    rows: dict = defaultdict(list)
    today = utcnow().date()
    texts = []
    for mission_id, plan in zip(ids, plans):
        row, country_id, trial = plan["row"], plan["country_id"], plan["kind"] == "trial_observation"
        text = [row["title"], row["objectives"], row["terms_of_reference"], row["court"]]
        rows[MissionCountry].append({"mission_id": mission_id, "country_id": country_id})
        for defender_id in rng.sample(defenders[country_id], k=min(2, len(defenders[country_id]))):
            rows[MissionDefender].append({"mission_id": mission_id, "defender_id": defender_id, "on_trial": trial})
        if partners[country_id]:
            rows[MissionPartner].append({"mission_id": mission_id, "partner_id": rng.choice(partners[country_id]),
                                         "role": "Local host"})
        if staff:
            user_id = rng.choice(staff)
            rows[Assignment].append({"record_type": "mission", "record_id": mission_id, "user_id": user_id})
            rows[Delegate].append({"mission_id": mission_id, "user_id": user_id, "name": "", "organisation": "",
                                   "kind": "staff", "role": "Head of delegation", "languages": "en, fr", "contact": ""})
        rows[Delegate].append({"mission_id": mission_id, "user_id": None, "name": "Maître A. Demo",
                               "organisation": "Fictional Bar Association", "kind": "lawyer",
                               "role": "Trial observer" if trial else "Legal expert", "languages": "fr, es",
                               "contact": "+00 000 000 (fictional)"})
        rows[MissionStep].append({"mission_id": mission_id, "from_status": Mission.PROPOSED,
                                  "to_status": row["status"], "reason": "", "by_id": staff[0] if staff else None,
                                  "at": row["created_at"]})
        for category, amount, currency, rate in (("travel", "1200.00", "EUR", "1"),
                                                 ("accommodation", "850.50", "USD", "0.92")):
            rows[BudgetLine].append({"mission_id": mission_id, "kind": BudgetLine.PLANNED, "category": category,
                                     "description": "", "amount": Decimal(amount), "currency": currency,
                                     "rate": Decimal(rate), "spent_on": None})
        if row["start_date"] <= today:
            rows[BudgetLine].append({"mission_id": mission_id, "kind": BudgetLine.ACTUAL, "category": "travel",
                                     "description": "Flights", "amount": Decimal("1134.40"), "currency": "EUR",
                                     "rate": Decimal(1), "spent_on": row["start_date"]})
        if trial:
            for offset in (0, rng.randint(20, 60)):
                held_on = row["start_date"] + timedelta(days=offset)
                outcome = "scheduled" if held_on > today else "adjourned" if offset == 0 else rng.choice(
                    ("verdict", "sentence"))
                rows[Hearing].append({"mission_id": mission_id, "held_on": held_on, "outcome": outcome,
                                      "outcome_details": "", "notes": ""})
        if row["report_published_on"]:
            for language, (title, summary, findings) in SUMMARIES.items():
                rows[ReportText].append({"mission_id": mission_id, "language": language,
                                         "title": title.format(kind=KINDS[plan["kind"]][language]),
                                         "summary": summary, "findings": findings.format(
                                             place=plan["places"][language])})
            text += [part for report in rows[ReportText][-len(SUMMARIES):]
                     for part in (report["title"], report["summary"], report["findings"])]
            rows[Recommendation].append({"mission_id": mission_id, "text": "Release the defenders detained.",
                                         "addressee_kind": "state", "addressee": "Ministry of Justice",
                                         "status": rng.choice(Recommendation.STATUSES)})
        texts.append(" ".join(sorted(set(words(" ".join(text))))))
    hearing_rows = rows.pop(Hearing, [])
    for table, values in rows.items():
        db.session.execute(insert(table), values)
    if hearing_rows:
        hearing_ids = list(db.session.scalars(insert(Hearing).returning(Hearing.id, sort_by_parameter_order=True),
                                              hearing_rows))
        answers = [{"hearing_id": hearing_id, "term_id": term_id,
                    "answer": rng.choice(ChecklistAnswer.ANSWERS), "notes": ""}
                   for hearing_id, hearing in zip(hearing_ids, hearing_rows) if hearing["held_on"] <= today
                   for term_id in guarantees]
        if answers:
            db.session.execute(insert(ChecklistAnswer), answers)
    _recommendation_updates(rng, ids)
    tokens = bulk_rows("mission", ids, texts)
    if tokens:
        db.session.execute(insert(SearchToken), tokens)


def _recommendation_updates(rng: random.Random, mission_ids: list[int]) -> None:
    """Half the recommendations followed up once: how far the authorities went."""
    followed = [recommendation_id for recommendation_id in db.session.scalars(
        select(Recommendation.id).where(Recommendation.mission_id.in_(mission_ids))) if rng.random() < 0.5]
    if followed:
        db.session.execute(insert(RecommendationUpdate), [
            {"recommendation_id": recommendation_id, "noted_on": date.today(),
             "status": rng.choice(Recommendation.STATUSES), "note": "Two of the three defenders released (fictional)."}
            for recommendation_id in followed])
