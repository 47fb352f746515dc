"""Pieces shared by the defender and partner pages: lookups that hide what a user may not see,
form choices, the duplicate warning and the file page."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import Select, bindparam, select

from ..attachments.views import AttachmentForm, attachments_of
from ..database.models import User
from ..database.statements import built_once, read_rows
from ..extensions import db
from ..jobs import jobs
from ..languages.i18n import gettext as _
from ..languages.i18n import lazy_gettext as _l
from ..web.forms import ConfirmForm
from ..web.navigation import safe_next
from ..web.permissions import can
from . import services
from .countries import REGIONS, country_name, region_label
from .forms import RevealForm
from .matching import name_key, similar_records
from .models import Assignment, Country
from .personal import personal_details, record_reveal
from .registry import record_types, record_url, visible_record
from .visibility import assignee_ids

REVEAL = "core.personal.reveal"
EXPORT = "core.records.export"
EXPORT_TITLES = {"defender": _l("defenders"), "partner": _l("partner organisations")}


@dataclass(frozen=True)
class CountryChoice:
    id: int
    alpha3: str
    name: str
    region: str | None = None

    @property
    def region_label(self) -> Any:
        return region_label(self.region)


def countries() -> list[CountryChoice]:
    """Every country, named and sorted in the user's language; read once per process and language."""
    locale = str(get_locale() or "en")
    cache = current_app.extensions.setdefault("observatory.countries", {})
    if locale not in cache:
        rows = db.session.execute(select(Country.id, Country.alpha3, Country.alpha2, Country.region)).all()
        cache[locale] = sorted((CountryChoice(id_, alpha3, country_name(alpha2, locale), region)
                                for id_, alpha3, alpha2, region in rows), key=lambda choice: choice.name)
    return cache[locale]


def countries_by_id() -> dict[int, CountryChoice]:
    """:func:`countries` by id, for lists read as rows (``paginate(columns=...)``) to name each row's country."""
    locale = str(get_locale() or "en")
    cache = current_app.extensions.setdefault("observatory.countries_by_id", {})
    if locale not in cache:
        cache[locale] = {choice.id: choice for choice in countries()}
    return cache[locale]


def country_options(selected: str = "") -> Markup:
    """The ``<option>`` list of every country for filter forms, built once per language (it is long)."""
    locale = str(get_locale() or "en")
    cache = current_app.extensions.setdefault("observatory.country_options", {})
    if locale not in cache:
        cache[locale] = Markup("").join(Markup('<option value="{}">{}</option>').format(c.alpha3, c.name)
                                        for c in countries())
    if not selected or not selected.isalpha():
        return cache[locale]
    return Markup(str(cache[locale]).replace(f'value="{selected}">', f'value="{selected}" selected>', 1))


# What the record lists' filter forms (core.web.fragments) use besides their inputs.
FILTER_CONSTANTS = {"country_options": country_options, "regions": REGIONS}


def prepare_common_fields(form: Any, record: Any | None) -> None:
    """Country, assignees and (without the reveal permission) no personal fields."""
    if not can(REVEAL):
        form.without_personal_details()
    form.country.choices = [("", _("Choose a country"))] + [(c.alpha3, c.name) for c in countries()]
    staff = db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.name))
    form.assignees.choices = [(user.id, user.name) for user in staff]
    if record is not None and not form.is_submitted():
        form.country.data = record.country.alpha3 if record.country else ""
        form.assignees.data = sorted(assignee_ids(record))


def country_named(alpha3: str) -> Country | None:
    return db.session.scalar(select(Country).where(Country.alpha3 == alpha3))


def possible_duplicates(model: Any, form: Any, record: Any | None) -> list[tuple[Any, int]]:
    """Close matches to warn about, unless the user saw them for these very names and saves again."""
    aliases = " ".join(form[name].data or "" for name in ("aliases", "acronym") if name in form)
    checked = name_key(f"{form.name.data} {aliases}")
    if form.confirm_duplicates.data == checked:
        return []
    found = similar_records(model, form.name.data, aliases, current_user, record.id if record else None)
    if found:
        form.confirm_duplicates.data = checked
    return found


def render_file(template: str, record: Any, revealed: bool, reveal_form: Any, **context: Any) -> str:
    """A record's page (``record`` opened with :func:`~core.records.registry.visible_record`, which audits the
    view of a restricted one)."""
    return render_template(
        template,
        record=record,
        attachments=attachments_of(record),
        attachment_form=AttachmentForm,
        can_edit=can(record_types()[record.__record_type__].edit_permission),
        personal=personal_details(record, revealed),
        revealed=revealed,
        reveal_form=reveal_form,
        assignees=assignee_names(record),
        can_reveal=can(REVEAL),
        **context,
    )


def assignee_names(record: Any) -> list[Any]:
    """(id, name) rows of the staff assigned to ``record``: names only, without loading their roles."""
    return read_rows(_assignees_statement(), {"type": record.__record_type__, "id": record.id}).all()


@built_once
def _assignees_statement() -> Select:
    return select(User.id, User.name).join(Assignment, Assignment.user_id == User.id).where(
        Assignment.record_type == bindparam("type"), Assignment.record_id == bindparam("id")).order_by(User.name)


def start_export(kind: str, filter_keys: tuple[str, ...]):
    """Enqueue the export of the filtered list the user is looking at; the job page shows the download."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    fmt = request.form.get("format", "csv")
    if fmt not in ("csv", "xlsx"):
        abort(400)
    filters = {key: request.form.get(key, "")[:100] for key in filter_keys}
    job = jobs.enqueue("core.records.exports.export_records", title=_("Export of %(kind)s", kind=EXPORT_TITLES[kind]),
                       user=current_user, kind=kind, user_id=current_user.id, filters=filters, fmt=fmt)
    return redirect(url_for("jobs.show", job_id=job.id))


def edit_page(model: Any, form: Any, record: Any | None, template: str, context_name: str):
    """Validate, warn about possible duplicates, save and go to the record; or show the form again."""
    duplicates = []
    if form.validate_on_submit():
        duplicates = possible_duplicates(model, form, record)
        if not duplicates:
            data = form.record_data()
            data["country"] = country_named(form.country.data)
            saved = services.save_record(record or model(), data, set(form.assignees.data or []), current_user)
            flash(_("%(name)s was saved.", name=saved.name) if record else
                  _("%(name)s was registered.", name=saved.name), "success")
            return redirect(_back_to(request.args.get("next"), f"added_{model.__record_type__}", saved.id)
                            or record_url(model.__record_type__, saved.id))
    context = {context_name: record}
    return render_template(template, form=form, duplicates=duplicates, **context), 422 if form.errors else 200


def _back_to(target: str | None, argument: str, record_id: int) -> str | None:
    """The same-site page that sent the user to register a record (``?next=``), told which one was added:
    a case offers to link the defender just registered from it."""
    if not target or safe_next(target) != target:
        return None
    parts = urlsplit(target)
    query = urlencode([*parse_qsl(parts.query), (argument, record_id)])
    return urlunsplit(("", "", parts.path, query, parts.fragment))


def reveal_page(model: Any, record_id: int, show: Any):
    """Show a record's personal details after the user gave a reason (audited); ``show`` renders the page."""
    record = visible_record(model, record_id)
    form = RevealForm()
    if not form.validate_on_submit():
        return show(record, revealed=False, reveal_form=form), 422
    record_reveal(record, form.reason.data.strip())
    return show(record, revealed=True, reveal_form=form)
