"""CSV and XLSX exports of defender and partner lists, run as jobs.

A row carries the record's link, never personal details; the export sees exactly what its
requester sees (the same visibility filter) and is written to the audit trail.
"""
from __future__ import annotations

from typing import Any, Callable, Iterator

from flask import url_for
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..audit.capture import record as audit
from ..audit.models import AuditEntry
from ..database.models import User
from ..disclosure import Guard, spreadsheets
from ..extensions import db
from ..jobs.jobs import JobContext
from . import services
from .models import Defender, Partner

BATCH = 1000
FORMATS = spreadsheets.FORMATS


def _defender_row(d: Defender) -> list[Any]:
    return [d.id, d.name, d.kind, d.country.alpha3 if d.country else "", d.country.region if d.country else "",
            " | ".join(term.key for term in d.rights), d.risk_level, d.confidentiality,
            "yes" if d.consent_to_publish else "no", d.public_name,
            url_for("defenders.show", defender_id=d.id, _external=True)]


def _partner_row(p: Partner) -> list[Any]:
    return [p.id, p.name, p.acronym, p.country.alpha3 if p.country else "", p.network, p.confidentiality,
            url_for("partners.show", partner_id=p.id, _external=True)]


KINDS: dict[str, tuple[Any, Callable, Any, Callable, list[str]]] = {
    "defender": (Defender, services.defenders_query, services.DefenderFilters, _defender_row,
                 ["id", "name", "kind", "country", "region", "rights", "risk", "confidentiality", "consent",
                  "publication_name", "link"]),
    "partner": (Partner, services.partners_query, services.PartnerFilters, _partner_row,
                ["id", "name", "acronym", "country", "network", "confidentiality", "link"]),
}


def _rows(kind: str, user: User, filters: dict[str, str], ctx: JobContext) -> Iterator[list[Any]]:
    """The rows in batches (two or three queries each), reporting progress as they go."""
    model, build_query, filter_class, to_row, _header = KINDS[kind]
    query = build_query(user, filter_class(**filters))
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 1
    options = [selectinload(model.country)] + ([selectinload(Defender.rights)] if model is Defender else [])
    for offset in range(0, total, BATCH):
        batch = db.session.scalars(query.options(*options).offset(offset).limit(BATCH)).all()
        yield from (to_row(record) for record in batch)
        ctx.progress(min(99, (offset + len(batch)) * 100 // total))


def export_records(ctx: JobContext, *, kind: str, user_id: int, filters: dict[str, str], fmt: str) -> None:
    user = db.session.get(User, user_id)
    save_export(ctx, kind, KINDS[kind][4], _rows(kind, user, filters, ctx), fmt, user, filters)


def save_export(ctx: JobContext, kind: str, header: list[str], rows: Iterator[list[Any]], fmt: str, user: User,
                filters: dict[str, str]) -> None:
    """Write ``rows`` as CSV or XLSX through the one spreadsheet writer (formula-like cells neutralised),
    audit the export (who, filters, how many rows) and keep the file on the job: used by every list export,
    the plugins' too."""
    counted = _Counted(rows)
    # Internal, and built by a job with nobody to decide: a name its reader may not see is masked.
    data = spreadsheets.write(fmt, kind, header, counted, Guard(user, external=False, unattended=True))
    count = counted.count
    audit(AuditEntry.EXPORT, kind, None, f"{count} {kind}s",
          {"filters": filters, "format": fmt, "rows": count, "job": ctx.job_id}, actor=user)
    ctx.save_result(f"{kind}s.{fmt}", data, FORMATS[fmt])


class _Counted:
    """The rows, counting those written (for the audit trail)."""

    def __init__(self, rows: Iterator[list[Any]]) -> None:
        self.rows, self.count = rows, 0

    def __iter__(self) -> Iterator[list[Any]]:
        for row in self.rows:
            self.count += 1
            yield row
