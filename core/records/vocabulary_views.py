"""Admins extend the controlled lists; terms are never deleted (records keep pointing at them), only retired."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select

from ..extensions import db
from ..languages.i18n import gettext as _
from ..languages.i18n import ngettext
from ..plugin_host.plugins import host
from ..web.forms import ConfirmForm
from ..web.permissions import permission_required
from . import pages
from .countries import REGIONS
from .forms import TermForm
from .models import Country, Term

blueprint = Blueprint("vocabularies", __name__, url_prefix="/admin/vocabularies")
MANAGE = "core.vocabularies.manage"


def declared() -> dict[str, object]:
    """Vocabulary key -> label, as the plugins declare them."""
    return {key: label for key, label in host().collect("observatory_vocabularies")}


def _vocabulary(key: str) -> str:
    if key not in declared():
        abort(404)
    return key


@blueprint.route("/")
@permission_required(MANAGE)
def index():
    counts = dict(db.session.execute(select(Term.vocabulary, func.count()).group_by(Term.vocabulary)).all())
    return render_template("core/vocabularies/index.html", vocabularies=declared(), counts=counts)


@blueprint.route("/countries", methods=["GET", "POST"])
@permission_required(MANAGE)
def countries():
    """The report region of each country; an admin moves a country when the organisation's grouping differs."""
    rows = pages.countries()
    regions = dict(db.session.execute(select(Country.id, Country.region)).all())
    form = ConfirmForm()
    if form.validate_on_submit():
        changed = 0
        for choice in rows:
            wanted = request.form.get(f"region-{choice.id}", "")
            if wanted in REGIONS and wanted != regions.get(choice.id):
                db.session.get(Country, choice.id).region = wanted
                changed += 1
        db.session.commit()
        flash(ngettext("%(num)d country moved to another region.", "%(num)d countries moved to another region.",
                       changed), "success")
        return redirect(url_for("vocabularies.countries"))
    return render_template("core/vocabularies/countries.html", rows=rows, regions=regions, region_labels=REGIONS,
                           form=form)


@blueprint.route("/<vocabulary>", methods=["GET", "POST"])
@permission_required(MANAGE)
def terms(vocabulary: str):
    _vocabulary(vocabulary)
    form = TermForm()
    if form.validate_on_submit():
        if db.session.scalar(select(Term.id).where(Term.vocabulary == vocabulary, Term.key == form.key.data)):
            form.key.errors.append(_("This code is already in the list."))
        else:
            term = Term(vocabulary=vocabulary)
            form.populate_obj(term)
            term.position = term.position or 0
            db.session.add(term)
            db.session.commit()
            flash(_("“%(label)s” was added.", label=term.label), "success")
            return redirect(url_for("vocabularies.terms", vocabulary=vocabulary))
    rows = db.session.scalars(select(Term).where(Term.vocabulary == vocabulary).order_by(Term.position, Term.key))
    return render_template("core/vocabularies/terms.html", vocabulary=vocabulary, label=declared()[vocabulary],
                           terms=list(rows), form=form), 200 if not form.errors else 422


@blueprint.route("/<vocabulary>/<int:term_id>", methods=["GET", "POST"])
@permission_required(MANAGE)
def edit(vocabulary: str, term_id: int):
    _vocabulary(vocabulary)
    term = db.session.get(Term, term_id)
    if term is None or term.vocabulary != vocabulary:
        abort(404)
    form = TermForm(obj=term)
    del form.key  # the code identifies the term in imports and exports: it does not change
    if form.validate_on_submit():
        form.populate_obj(term)
        term.position = term.position or 0
        db.session.commit()
        flash(_("“%(label)s” was saved.", label=term.label), "success")
        return redirect(url_for("vocabularies.terms", vocabulary=vocabulary))
    return render_template("core/vocabularies/edit.html", vocabulary=vocabulary, label=declared()[vocabulary],
                           term=term, form=form), 200 if not form.errors else 422
