"""Core records, registered as the built-in plugin ``records``: defenders, vocabularies, the audit trail."""
from __future__ import annotations

from collections import Counter
from types import MappingProxyType, SimpleNamespace
from typing import Any, NamedTuple

from flask_babel import get_locale
from sqlalchemy import bindparam, literal, select, union_all

from ..database.statements import built_once, read_rows
from ..extensions import db
from ..languages.i18n import lazy_gettext as _l
from ..plugin_host.contributions import NavItem, Permission, RecordType, SearchHit
from ..plugin_host.hookspecs import hookimpl
from ..web.navigation import id_url, list_url_when_full
from ..web.permissions import CASE_OFFICER, COMMITTEE, COORDINATOR, READ_ONLY, can
from .countries import REGIONS, country_name
from .models import Country, Defender, Partner
from .tokens import newest_matches_first, prefix_conditions_to_bind, prefix_params
from .visibility import Viewer, viewer, visible

TITLE = _l("Core records")
DESCRIPTION = _l("Defenders, partner organisations, countries, controlled vocabularies and the audit trail.")
ADMIN_GROUP = _l("Administration")


@hookimpl
def observatory_blueprints():
    from ..attachments import views as attachment_views
    from ..audit import views as audit_views
    from ..notifications import views as notification_views
    from . import import_views, link_views, merge_views, partner_views, views, vocabulary_views

    return [views.blueprint, partner_views.blueprint, vocabulary_views.blueprint, audit_views.blueprint,
            attachment_views.blueprint, notification_views.blueprint, merge_views.blueprint, import_views.blueprint,
            link_views.blueprint]


@hookimpl
def observatory_record_types():
    return [
        RecordType("defender", Defender, _l("Defender"), "core.defenders.view", "core.defenders.edit",
                   "defenders.show", "defender_id"),
        RecordType("partner", Partner, _l("Partner organisation"), "core.partners.view", "core.partners.edit",
                   "partners.show", "partner_id"),
    ]


@hookimpl
def observatory_permissions():
    return [
        Permission("core.defenders.view", _l("See defenders"), _l("Lists and files of defenders."),
                   (COORDINATOR, CASE_OFFICER, COMMITTEE, READ_ONLY)),
        Permission("core.defenders.edit", _l("Register and edit defenders"), "", (COORDINATOR, CASE_OFFICER)),
        Permission("core.partners.view", _l("See partner organisations"), "",
                   (COORDINATOR, CASE_OFFICER, COMMITTEE, READ_ONLY)),
        Permission("core.partners.edit", _l("Register and edit partner organisations"), "",
                   (COORDINATOR, CASE_OFFICER)),
        Permission("core.personal.reveal", _l("Reveal personal details"),
                   _l("Contacts, exact locations and family; every reveal is audited."), (COORDINATOR, CASE_OFFICER)),
        Permission("core.records.export", _l("Export lists"),
                   _l("CSV and XLSX exports of defenders and partners, audited."), (COORDINATOR, CASE_OFFICER)),
        Permission("core.records.import", _l("Import defenders and partners"), "", (COORDINATOR,)),
        Permission("core.records.merge", _l("Merge duplicate records"),
                   _l("Merges are audited and can be undone from the audit trail."), ()),
        Permission("core.vocabularies.manage", _l("Manage controlled lists"), "", ()),
        Permission("core.audit.view", _l("Read the audit trail"), "", ()),
        Permission("core.outbox.view", _l("Read the email outbox"), "", ()),
    ]


@hookimpl
def observatory_nav_items():
    return [
        NavItem(_l("Defenders"), "defenders.index", "core.defenders.view", order=10),
        NavItem(_l("Partners"), "partners.index", "core.partners.view", order=60),
        NavItem(_l("Import"), "imports.upload", "core.records.import", order=920, group=ADMIN_GROUP),
        NavItem(_l("Controlled lists"), "vocabularies.index", "core.vocabularies.manage", order=930, group=ADMIN_GROUP),
        NavItem(_l("Audit trail"), "audit.index", "core.audit.view", order=940, group=ADMIN_GROUP),
        NavItem(_l("Outbox"), "notifications.outbox", "core.outbox.view", order=950, group=ADMIN_GROUP),
    ]


@hookimpl
def observatory_vocabularies():
    return [("rights", _l("Rights defended"))]


@hookimpl
def observatory_search(query, user, limit):
    """Defenders and partners holding every word of ``query`` as a name word prefix, newest first, read together
    in one statement."""
    words = prefix_params(query)
    kinds = tuple(kind for kind, searched in SEARCHED.items() if can(searched.permission, user))
    if not words or not kinds:
        return []
    postgresql = db.engine.dialect.name == "postgresql"
    rows = read_rows(_search_statement(kinds, viewer(user), len(words) // 2, postgresql),
                     {**words, "limit": limit, "viewer_id": user.id}).all()  # two parameters per word
    shown = Counter(row.kind for row in rows)
    show = {kind: id_url(f"{SEARCHED[kind].endpoint}.show", SEARCHED[kind].key) for kind in kinds}
    more = {kind: list_url_when_full(shown[kind], limit, f"{SEARCHED[kind].endpoint}.index", q=query) for kind in kinds}
    labels = {kind: str(SEARCHED[kind].label) for kind in kinds}  # translated once, not per hit
    language = str(get_locale() or "en")
    hits = []
    for row in rows:
        searched = SEARCHED[row.kind]
        hits.append(SearchHit(row.name, show[row.kind](row.id), labels[row.kind],
                              country_name(row.alpha2, language) if row.alpha2 else "", searched.permission,
                              row.confidentiality, score=searched.score, more_url=more[row.kind]))
    return hits


class Searched(NamedTuple):
    model: Any
    permission: str
    endpoint: str
    key: str
    label: Any
    score: float


SEARCHED = {"defender": Searched(Defender, "core.defenders.view", "defenders", "defender_id", _l("Defender"), 2),
            "partner": Searched(Partner, "core.partners.view", "partners", "partner_id", _l("Partner organisation"), 1)}


@built_once
def _search_statement(kinds: tuple[str, ...], user: Viewer, words: int, postgresql: bool) -> Any:
    """Each kind's newest matches (at most the bind parameter ``limit``), one after the other. Built once per
    kinds, kind of viewer and number of words (building it took 1.2 ms of the global search's 9.5)."""
    parts = []
    for kind in kinds:
        model = SEARCHED[kind].model

        def arm(record_id: Any, *conditions: Any, kind: str = kind, model: Any = model) -> Any:
            return select(literal(kind).label("kind"), record_id.label("id"), model.name, model.confidentiality,
                          Country.alpha2).select_from(model).outerjoin(Country, Country.id == model.country_id) \
                .where(visible(model, user), *conditions)

        if postgresql:
            newest = arm(model.id, *prefix_conditions_to_bind(model, words, True)).order_by(model.id.desc())
        else:
            newest = newest_matches_first(model, words, arm)
        parts.append(newest.limit(bindparam("limit")).subquery())
    return union_all(*(select(part) for part in parts))


@hookimpl
def observatory_demo_data(scale):
    from .demo import load

    defenders, partners = load(scale)
    return f"{defenders} defenders and {partners} partner organisations"


@hookimpl
def observatory_cli_commands():
    import click
    from flask.cli import with_appcontext

    from ..notifications.services import send_queued_mail, send_reminders

    @click.command("send-reminders")
    @with_appcontext
    def send_reminders_command():
        """Remind users of deadlines within their chosen number of days (run daily, e.g. from cron)."""
        from flask import current_app

        with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):  # links in the messages
            count = send_reminders()
            send_queued_mail()
        click.echo(f"{count} reminder(s) added.")

    return [send_reminders_command]


@hookimpl
def observatory_startup(app):
    from .forms import (
        CONFIDENTIALITY_CHOICES,
        GENDER_CHOICES,
        KIND_CHOICES,
        RISK_CHOICES,
    )

    labels = {name: dict(choices) for name, choices in (
        ("confidentiality", CONFIDENTIALITY_CHOICES), ("risk", RISK_CHOICES), ("gender", GENDER_CHOICES),
        ("kind", KIND_CHOICES))}
    personal = {"email": _l("Email"), "phone": _l("Phone"), "address": _l("Address"),
                "exact_location": _l("Exact location"), "family": _l("Family"), "contacts": _l("Contact people")}

    actions = {"create": _l("Created"), "update": _l("Changed"), "delete": _l("Deleted"), "view": _l("Viewed"),
               "reveal": _l("Revealed personal details"), "export": _l("Exported"), "merge": _l("Merged"),
               "unmerge": _l("Merge undone"), "disclose": _l("Decided what leaves in an output"),
               "build": _l("Built an output, applying the decisions taken on it")}

    app.jinja_env.globals["_labels"] = labels  # for documents built outside templates

    translated_labels: dict[str, SimpleNamespace] = {}

    @app.context_processor
    def record_labels():
        # Translated once per language, not once per row or page; groups as attributes, which Jinja reads
        # directly (a dict's keys it finds only after a failed attribute lookup, in every row of a list).
        language = str(get_locale() or "en")
        if language not in translated_labels:
            groups = {group: MappingProxyType({key: str(label) for key, label in choices.items()})
                      for group, choices in (*labels.items(), ("region", REGIONS))}
            translated_labels[language] = SimpleNamespace(**groups)
        return {"labels": translated_labels[language], "personal_labels": personal,
                "audit_action": lambda a: actions.get(a, a)}
