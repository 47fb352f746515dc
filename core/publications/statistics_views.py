"""The statistics page: every plugin's figures for a year and a region, as charts and tables, each chart
downloadable as an image (SVG) and its data as CSV."""
from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import get_locale
from flask_login import current_user

from ..database.models import utcnow
from ..disclosure import Guard, door
from ..languages.i18n import gettext as _
from ..records.countries import REGIONS
from ..web.permissions import login_only
from . import statistics

blueprint = Blueprint("statistics", __name__, url_prefix="/statistics")
FIRST_YEAR = 2000


def _filters() -> tuple[int | None, str]:
    """The year (default: this one; ``all``: every year) and the region asked for, when they are valid."""
    this_year = utcnow().year
    raw = request.args.get("year", str(this_year))
    year = int(raw) if raw.isdecimal() and len(raw) == 4 and FIRST_YEAR <= int(raw) <= this_year + 1 else None
    if raw != "all" and year is None:
        year = this_year
    region = request.args.get("region", "")
    return year, region if region in REGIONS else ""


def _charts():
    year, region = _filters()
    return year, region, statistics.charts(current_user, year, region, str(get_locale() or "en"))


def _description(chart, year, region) -> str:
    scope = [str(year) if year else _("all years"), str(REGIONS[region]) if region else _("all regions")]
    return _("%(title)s, %(scope)s: %(total)s in all.", title=chart.title, scope=", ".join(scope),
             total=chart.total_shown)


@blueprint.route("/")
@login_only  # each plugin contributes only the charts of what the user may see
def index():
    year, region, found = _charts()
    return render_template("core/statistics.html", charts=found, year=year, region=region, regions=REGIONS,
                           years=range(utcnow().year, FIRST_YEAR - 1, -1), zip=zip,
                           svg=lambda chart: statistics.as_svg(chart, _description(chart, year, region)))


def _chart(key: str):
    """The chart to download, its labels released through the disclosure guard (for its reader: internal)."""
    year, region, found = _charts()
    chart = next((chart for chart in found if chart.key == key), None)
    if chart is None:
        abort(404)
    return _guard().release(chart), year, region


def _guard() -> Guard:
    return Guard(current_user, external=False, unattended=True)


def _stem(chart, year, region) -> str:
    return "-".join(part for part in (chart.key, str(year or "all-years"), region) if part)


@blueprint.route("/<key>.svg")
@login_only
def image(key: str):
    """The chart as an SVG file to download, or (``?inline=1``) to show in a page: plugins' dashboard widgets
    show their chart this way, so the dashboard itself runs none of the statistics queries."""
    chart, year, region = _chart(key)
    disposition = "inline" if request.args.get("inline") else "attachment"
    return door.mark(Response(
        str(statistics.as_svg(chart, _description(chart, year, region))), mimetype="image/svg+xml",
        headers={"Content-Disposition": f'{disposition}; filename="{_stem(chart, year, region)}.svg"',
                 "Cache-Control": "private, max-age=300"}))


@blueprint.route("/<key>.csv")
@login_only
def data(key: str):
    chart, year, region = _chart(key)
    return door.mark(Response(statistics.as_csv(chart, _("Category"), str(chart.unit or _("Count")), _guard()),
                              mimetype="text/csv", headers={
                                  "Content-Disposition": f'attachment; filename="{_stem(chart, year, region)}.csv"'}))
