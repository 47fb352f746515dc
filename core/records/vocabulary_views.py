"""Admins extend the controlled lists; terms are never deleted (records keep pointing at them), only retired."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from ..extensions import db
from ..permissions import permission_required
from ..plugins import host
from .forms import TermForm
from .models import Term

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
