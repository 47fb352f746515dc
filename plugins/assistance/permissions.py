"""The plugin's permissions and who holds the committee's: what the rules (``services``), the notices and the
pages all ask, apart from each of them."""
from __future__ import annotations

from typing import Any

from flask import g

from core.api import User, can, holders, is_admin

VIEW, EDIT, VOTE, CHAIR = "assistance.view", "assistance.edit", "assistance.vote", "assistance.chair"
BUDGET = "assistance.budget"


def committee_members() -> list[User]:
    """Active users, not admins, whose roles grant the vote permission (the committee role by default, as
    the admins' overrides leave it): one query, once per request."""
    cached = g.get("_assistance_committee")
    if cached is None:
        cached = g._assistance_committee = holders(VOTE)
    return cached


def is_member(user: Any) -> bool:
    """Whether ``user`` sits on the committee (see :func:`committee_members`), without asking the database."""
    return getattr(user, "is_authenticated", False) and getattr(user, "active", True) \
        and not is_admin(user) and can(VOTE, user)
