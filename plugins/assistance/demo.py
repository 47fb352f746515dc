"""Fictional grant requests for the demo and the benchmark, written with bulk inserts: every step from draft
to closure, the committee's votes and decisions, payments, and this year's budget envelope."""
from __future__ import annotations

import random
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import insert, select

from core.api import Assignment, Defender, Role, Term, User, db, user_roles, utcnow

from .models import (
    Conflict,
    Decision,
    Envelope,
    GrantRequest,
    OtherFunding,
    Payment,
    Question,
    RequestEvent,
    RequestLine,
    Vote,
)

REQUESTS_PER_SCALE = 10
BATCH = 1000
NEEDS = {"relocation": ("Flights and three months' rent", "1800.00"), "equipment": ("Laptop and phone", "1450.00"),
         "legal_fees": ("Defence lawyer's fees", "2500.00"), "medical": ("Treatment after the attack", "900.00"),
         "security": ("Door, cameras and secure phones", "1200.00"), "family": ("Support to the family", "600.00"),
         "other": ("Emergency expenses", "400.00")}


def load(scale: int = 1, seed: int = 31) -> int:
    rng = random.Random(seed)
    defenders = list(db.session.scalars(select(Defender.id).order_by(Defender.id).limit(5000)))
    types = dict(db.session.execute(select(Term.key, Term.id).where(Term.vocabulary == "grant_types")).all())
    if not defenders or not types:
        return 0
    staff = list(db.session.scalars(select(User.id).order_by(User.id)))
    members = list(db.session.scalars(select(user_roles.c.user_id).join(Role, Role.id == user_roles.c.role_id)
                                      .where(Role.name == "committee").order_by(user_roles.c.user_id)))
    now = utcnow()
    total = scale * REQUESTS_PER_SCALE
    for start in range(0, total, BATCH):
        plans = []
        for _ in range(min(BATCH, total - start)):
            key = rng.choice(list(NEEDS))
            # At least four days ago: every step after it (votes, decision, payment) is in the past too.
            created = now - timedelta(days=rng.randint(4, 700), hours=rng.randint(0, 23))
            status = rng.choice(("draft", "submitted", "approved", "approved", "rejected", "closed", "withdrawn"))
            plans.append({"key": key, "status": status, "row": {
                "defender_id": rng.choice(defenders), "grant_type_id": types[key],
                "urgency": "emergency" if rng.random() < 0.25 else "normal",
                "situation": "Fictional demo situation: threats after a public statement.",
                "justification": "Fictional: the support lets the defender continue their work safely.",
                "risk_assessment": "Fictional risk assessment.", "reporting_currency": "EUR", "status": status,
                "confidentiality": "restricted", "created_at": created, "updated_at": created,
                "submitted_at": None if status == "draft" else created + timedelta(hours=6),
                "destination": "A neighbouring country (fictional)" if key == "relocation" else "",
                "report_due_on": (created + timedelta(days=120)).date() if status in ("approved", "closed") else None,
                "report_received_on": min(now.date(), (created + timedelta(days=110)).date())
                if status == "closed" else None}})
        ids = list(db.session.scalars(insert(GrantRequest).returning(GrantRequest.id, sort_by_parameter_order=True),
                                      [plan["row"] for plan in plans]))
        _children(rng, ids, plans, staff, members)
    db.session.merge(Envelope(year=now.year, term_id=None, amount=Decimal(50000 * scale)))
    db.session.flush()
    return total


def _children(rng, ids, plans, staff, members) -> None:
    rows: dict = defaultdict(list)
    under_way = 0  # votes under way so far
    for request_id, plan in zip(ids, plans):
        description, amount = NEEDS[plan["key"]]
        created, status = plan["row"]["created_at"], plan["status"]
        rows[RequestLine].append({"request_id": request_id, "description": description, "amount": Decimal(amount),
                                  "currency": "EUR", "rate": Decimal(1)})
        if staff:
            rows[Assignment].append({"record_type": "grant_request", "record_id": request_id,
                                     "user_id": rng.choice(staff)})
        if status != "draft":
            rows[RequestEvent].append({"request_id": request_id, "status": "submitted", "reason": "",
                                       "at": created + timedelta(hours=6), "by_id": staff[0] if staff else None})
        if plan["key"] == "relocation" or rng.random() < 0.3:
            rows[OtherFunding].append({"request_id": request_id, "funder": "Another protection fund (fictional)",
                                       "status": "pending", "amount": Decimal(amount) / 2, "currency": "EUR"})
        if status != "draft" and members:
            rows[Question].append({"request_id": request_id, "asked_by_id": members[0],
                                   "question": "Is the quote recent? (fictional)", "asked_at": created + timedelta(hours=12),
                                   "answer": "Yes, from last week (fictional).", "answered_by_id": staff[0] if staff else None,
                                   "answered_at": created + timedelta(hours=20)})
        if status == "submitted" and len(members) >= 2:
            # A vote under way: the first member approved; on one request in two the second declared a conflict,
            # so the quorum falls to the members who may vote and the last one's vote decides.
            rows[Conflict].append({"request_id": request_id, "member_id": members[0], "has_conflict": False,
                                   "note": "", "declared_at": created + timedelta(hours=22)})
            rows[Vote].append({"request_id": request_id, "member_id": members[0], "comment": "",
                               "choice": "approve", "cast_at": created + timedelta(hours=23)})
            under_way += 1
            if under_way % 2:
                rows[Conflict].append({"request_id": request_id, "member_id": members[1], "has_conflict": True,
                                       "note": "Knows the family (fictional).",
                                       "declared_at": created + timedelta(hours=22)})
        if status in ("approved", "rejected", "closed"):
            outcome = "rejected" if status == "rejected" else "approved"
            for member_id in members:
                rows[Conflict].append({"request_id": request_id, "member_id": member_id, "has_conflict": False,
                                       "note": "", "declared_at": created + timedelta(hours=23)})
                rows[Vote].append({"request_id": request_id, "member_id": member_id, "comment": "",
                                   "choice": "approve" if outcome == "approved" else "reject",
                                   "cast_at": created + timedelta(days=1)})
            rows[Decision].append({"request_id": request_id, "kind": "committee", "outcome": outcome,
                                   "amount": Decimal(amount) if outcome == "approved" else None, "conditions": "",
                                   "reason": "", "votes_for": len(members) if outcome == "approved" else 0,
                                   "votes_against": 0 if outcome == "approved" else len(members), "abstentions": 0,
                                   "decided_at": created + timedelta(days=2), "ratified": False})
            rows[RequestEvent].append({"request_id": request_id, "status": status, "reason": "",
                                       "at": created + timedelta(days=2), "by_id": None})
        if status in ("approved", "closed"):
            rows[Payment].append({"request_id": request_id, "paid_on": (created + timedelta(days=3)).date(),
                                  "amount": Decimal(amount), "currency": "EUR", "rate": Decimal(1),
                                  "method": "bank_transfer", "reference": "DEMO-REF (fictional)"})
        if status == "withdrawn":
            rows[RequestEvent].append({"request_id": request_id, "status": "withdrawn", "at": created + timedelta(days=1),
                                       "reason": "Relocated by another organisation (fictional).", "by_id": None})
    for table, values in rows.items():
        if values:
            db.session.execute(insert(table), values)
