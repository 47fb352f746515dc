"""Core records, registered as the built-in plugin ``records``: defenders, vocabularies, the audit trail."""
from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from ..contributions import NavItem, Permission, SearchHit
from ..extensions import db
from ..hookspecs import hookimpl
from ..permissions import CASE_OFFICER, COMMITTEE, COORDINATOR, READ_ONLY, can
from .models import Defender
from .services import DefenderFilters, defenders_query

TITLE = _l("Core records")
DESCRIPTION = _l("Defenders, countries, controlled vocabularies and the audit trail.")
ADMIN_GROUP = _l("Administration")


@hookimpl
def observatory_blueprints():
    from ..audit import views as audit_views
    from . import views, vocabulary_views

    return [views.blueprint, vocabulary_views.blueprint, audit_views.blueprint]


@hookimpl
def observatory_permissions():
    return [
        Permission("core.defenders.view", _l("See defenders"), _l("Lists and files of defenders."),
                   (COORDINATOR, CASE_OFFICER, COMMITTEE, READ_ONLY)),
        Permission("core.defenders.edit", _l("Register and edit defenders"), "", (COORDINATOR, CASE_OFFICER)),
        Permission("core.personal.reveal", _l("Reveal personal details"),
                   _l("Contacts, exact locations and family; every reveal is audited."), (COORDINATOR, CASE_OFFICER)),
        Permission("core.vocabularies.manage", _l("Manage controlled lists"), "", ()),
        Permission("core.audit.view", _l("Read the audit trail"), "", ()),
    ]


@hookimpl
def observatory_nav_items():
    return [
        NavItem(_l("Defenders"), "defenders.index", "core.defenders.view", order=10),
        NavItem(_l("Controlled lists"), "vocabularies.index", "core.vocabularies.manage", order=930, group=ADMIN_GROUP),
        NavItem(_l("Audit trail"), "audit.index", "core.audit.view", order=940, group=ADMIN_GROUP),
    ]


@hookimpl
def observatory_vocabularies():
    return [("rights", _l("Rights defended"))]


@hookimpl
def observatory_search(query, user, limit):
    if not can("core.defenders.view", user):
        return []
    query = defenders_query(user, DefenderFilters(q=query)).options(selectinload(Defender.country)).limit(limit)
    found = db.session.scalars(query)
    return [SearchHit(defender.name, url_for("defenders.show", defender_id=defender.id), _l("Defender"),
                      defender.country.name if defender.country else "", "core.defenders.view",
                      defender.confidentiality, score=2)
            for defender in found]



@hookimpl
def observatory_startup(app):
    from .forms import CONFIDENTIALITY_CHOICES, GENDER_CHOICES, KIND_CHOICES, RISK_CHOICES

    labels = {name: dict(choices) for name, choices in (
        ("confidentiality", CONFIDENTIALITY_CHOICES), ("risk", RISK_CHOICES), ("gender", GENDER_CHOICES),
        ("kind", KIND_CHOICES))}
    personal = {"email": _l("Email"), "phone": _l("Phone"), "address": _l("Address"),
                "exact_location": _l("Exact location"), "family": _l("Family")}

    actions = {"create": _l("Created"), "update": _l("Changed"), "delete": _l("Deleted"), "view": _l("Viewed"),
               "reveal": _l("Revealed personal details"), "export": _l("Exported"), "merge": _l("Merged")}

    @app.context_processor
    def record_labels():
        return {"labels": labels, "personal_labels": personal, "audit_action": lambda a: actions.get(a, a)}
