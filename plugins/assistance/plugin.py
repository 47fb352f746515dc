"""Material assistance: grant requests for defenders in danger, decided by a committee. The hook
implementations below are everything the plugin gives the platform."""
from __future__ import annotations

import os

from flask_babel import lazy_gettext as _l

from core.contributions import NavItem, Permission, RecordType
from core.hookspecs import hookimpl
from core.permissions import CASE_OFFICER, COMMITTEE, COORDINATOR

from . import services
from .models import GrantRequest

TITLE = _l("Material assistance")
DESCRIPTION = _l("Grant requests for defenders in danger, decided by a committee.")
DEFAULTS = {"ASSISTANCE_QUORUM": 3, "ASSISTANCE_MAJORITY": "simple", "ASSISTANCE_EMERGENCY_HOURS": 48,
            "ASSISTANCE_INSTALMENTS_ABOVE": 5000}


@hookimpl
def observatory_startup(app):
    """The committee's rules: configuration, else the environment (``OBSERVATORY_ASSISTANCE_QUORUM``,
    ``..._MAJORITY``, ``..._EMERGENCY_HOURS``, ``..._INSTALMENTS_ABOVE``), else the defaults (3 votes, simple
    majority, 48 hours, instalments above 5,000 in the reporting currency)."""
    problems = []
    for key, default in DEFAULTS.items():
        value = app.config.get(key, os.environ.get(f"OBSERVATORY_{key}", default))
        if key == "ASSISTANCE_MAJORITY":
            valid = value in services.MAJORITIES
        else:
            valid = str(value).isdigit() and int(value) >= 1
            value = int(value) if valid else value
        app.config[key] = value if valid else default
        if not valid:
            problems.append(f"OBSERVATORY_{key}={value!r}")
    if problems:  # reported on the admin's plugins page; the defaults apply meanwhile
        raise ValueError("invalid committee rules, defaults used: " + ", ".join(problems))


@hookimpl
def observatory_blueprints():
    from . import decision_views, money_views  # noqa: F401 - they add their pages
    from .views import blueprint

    return [blueprint]


@hookimpl
def observatory_permissions():
    return [
        Permission(services.VIEW, _l("See the grant requests one is assigned to (the committee sees all)"),
                   default_roles=(COORDINATOR, CASE_OFFICER, COMMITTEE)),
        Permission(services.EDIT, _l("Prepare grant requests and send them to the committee"),
                   default_roles=(COORDINATOR, CASE_OFFICER)),
        Permission(services.VOTE, _l("Sit on the grants committee: declare interests and vote"),
                   default_roles=(COMMITTEE,)),
        Permission(services.CHAIR, _l("Decide emergencies alone and revise decisions (committee chair)"),
                   default_roles=(COORDINATOR,)),
        Permission(services.BUDGET, _l("Set the yearly grant budgets and record payments"),
                   default_roles=(COORDINATOR,)),
    ]


@hookimpl
def observatory_nav_items():
    return [NavItem(_l("Assistance"), "assistance.index", services.VIEW, order=40)]


@hookimpl
def observatory_record_types():
    return [RecordType(GrantRequest.__record_type__, GrantRequest, _l("Grant request"), services.VIEW,
                       services.EDIT, "assistance.show", "request_id")]


@hookimpl
def observatory_vocabularies():
    return [(services.GRANT_TYPES, _l("Grant types"))]
