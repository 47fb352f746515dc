"""CSV and XLSX export of the case list, as a job: the rows its requester may see, with each case's link;
never the source of a report nor the defenders' names (the file leaves the application)."""
from __future__ import annotations

from typing import Any, Iterator

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from core.api import JobContext, User, db, save_export

from . import queries, services
from .models import Case, CaseDefender

BATCH = 1000
HEADER = ["id", "reference", "title", "country", "region", "received", "verification", "status", "priority",
          "violations", "actions", "defenders", "confidentiality", "link"]


def _row(case: Case, defenders: int) -> list[Any]:
    return [case.id, case.reference or "", case.title, case.country.alpha3, case.country.region or "",
            case.received_at.date().isoformat(), case.verification, case.status, case.priority,
            " | ".join(term.key for term in case.violations),
            " | ".join(f"{a.type}:{a.reference or a.status}" for a in case.actions), defenders,
            case.confidentiality, url_for("interventions.show", case_id=case.id, _external=True)]


def _rows(user: User, filters: dict[str, str], ctx: JobContext) -> Iterator[list[Any]]:
    """In batches of ids (the list's own order), each batch with its collections in three more queries."""
    query = queries.cases_query(user, services.CaseFilters(**filters))
    ids = list(db.session.scalars(query.with_only_columns(Case.id, maintain_column_froms=True)))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        cases = {case.id: case for case in db.session.scalars(select(Case).where(Case.id.in_(chunk)).options(
            joinedload(Case.country), selectinload(Case.violations), selectinload(Case.actions)))}
        counts: dict[int, int] = {}
        for case_id in db.session.scalars(select(CaseDefender.case_id).where(CaseDefender.case_id.in_(chunk))):
            counts[case_id] = counts.get(case_id, 0) + 1
        yield from (_row(cases[case_id], counts.get(case_id, 0)) for case_id in chunk if case_id in cases)
        ctx.progress(min(99, (start + len(chunk)) * 100 // max(len(ids), 1)))
        for case in cases.values():  # a year of cases need not stay in memory
            for action in case.actions:
                db.session.expunge(action)
            db.session.expunge(case)


def export_cases(ctx: JobContext, *, user_id: int, filters: dict[str, str], fmt: str) -> None:
    user = db.session.get(User, user_id)
    save_export(ctx, "case", HEADER, _rows(user, filters, ctx), fmt, user, filters)
