"""Publications: the monthly bulletin of a chosen month (by default the previous one) in a chosen language, as a
page and as a file to send (self-contained HTML, PDF, DOCX)."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request

from .. import documents, publications
from ..models import utcnow
from ..permissions import permission_required

blueprint = Blueprint("publications", __name__, url_prefix="/publications")
VIEW = "core.publications.view"


def _choice() -> tuple[int, int, str]:
    """The month, year and language asked for, when valid; else the previous month, in the reader's language."""
    from flask_babel import get_locale

    year, month = publications.previous_month(utcnow().date())
    raw_year, raw_month = request.args.get("year", ""), request.args.get("month", "")
    if raw_year.isdigit() and raw_month.isdigit() and 2000 <= int(raw_year) <= utcnow().year + 1 \
            and 1 <= int(raw_month) <= 12:
        year, month = int(raw_year), int(raw_month)
    language = request.args.get("language", "")
    if language not in current_app.config["LANGUAGES"]:
        language = str(get_locale() or "en")
    return year, month, language


@blueprint.route("/bulletin")
@permission_required(VIEW)
def bulletin():
    year, month, language = _choice()
    document = publications.bulletin(year, month, language)
    return render_template("core/publications/bulletin.html", document=document, year=year, month=month,
                           language=language, kinds=lambda block: type(block).__name__,
                           years=range(utcnow().year, 1999, -1))


@blueprint.route("/bulletin.<fmt>")
@permission_required(VIEW)
def bulletin_file(fmt: str):
    if fmt not in documents.FORMATS:
        abort(404)
    year, month, language = _choice()
    return documents.download(publications.bulletin(year, month, language), fmt,
                              f"bulletin-{year}-{month:02d}-{language}")
