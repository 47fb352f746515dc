"""Database pagination whose count stops at a cap: past a thousand rows, an exact total costs a scan of
the whole table on every page view, and nobody pages that far instead of filtering."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy import orm

from .extensions import db
from .navigation import page_argument, page_size

COUNT_CAP = 1000


class CappedPagination(SelectPagination):
    """Like Flask-SQLAlchemy's pagination; ``capped`` tells that ``total`` stopped at the cap."""

    def _query_count(self) -> int:
        select = self._query_args["select"].options(orm.lazyload("*")).order_by(None).limit(COUNT_CAP + 1)
        total = self._query_args["session"].execute(sa.select(sa.func.count()).select_from(select.subquery())).scalar()
        self.capped = total > COUNT_CAP
        return min(total, COUNT_CAP)


def paginate(select: Any) -> CappedPagination:
    """The current page (from ``?page=``) of ``select``, counted up to the cap."""
    return CappedPagination(select=select, session=db.session(), page=page_argument(), per_page=page_size(),
                            max_per_page=None, error_out=False, count=True)
