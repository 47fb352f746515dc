"""Statistics: the figures every plugin contributes (``observatory_statistics``), drawn as SVG bar charts on this
machine (no script, no third-party request) and offered as CSV.

Charts are readable without colour: each bar carries its number and its category in text, the SVG has a title
and a description for screen readers, and the page shows the same figures as a table.
"""
from __future__ import annotations

import io
import re
import textwrap
from dataclasses import dataclass, replace
from typing import Any

from flask import current_app
from flask_babel import force_locale
from markupsafe import Markup, escape

from ..disclosure import Guard, spreadsheets
from ..languages.i18n import gettext
from ..plugin_host.contributions import Chart
from ..plugin_host.plugins import host
from ..records.visibility import is_admin

KEY = re.compile(r"^[a-z0-9_]{1,60}$")
WIDTH, LABEL_WIDTH, ROW, TOP = 720, 260, 28, 44
LINE = 16  # a label's next line, in the chart's units
LABEL_CHARACTERS = 30  # a label's line: DejaVu Sans, 13 px, in the 252 px of the label column
BAR_COLOUR, TEXT_COLOUR = "#2b5d8a", "#212529"


def charts(user: Any, year: int | None, region: str, locale: str, failed: list[str] | None = None) -> list[Chart]:
    """Every plugin's charts for ``user`` (``None``: the public annual report), in their order; plugins that
    raised are named in ``failed``. Small counts are withheld (:func:`suppressed_together`) for the public and
    for everyone who may not see every restricted record (all but admins)."""
    found = host().collect("observatory_statistics", failed=failed, year=year, region=region, user=user,
                           locale=locale)
    valid = [chart for chart in found if isinstance(chart, Chart) and KEY.match(chart.key)
             and len(chart.categories) == len(chart.values)
             and (not chart.parents or len(chart.parents) == len(chart.categories))]
    if user is None or not is_admin(user):
        valid = withheld_together(valid, locale)
    return sorted(valid, key=lambda chart: (chart.order, chart.key))


def withheld(chart: Chart, locale: str) -> Chart:
    """``chart`` as the public and readers who may not see every record get it: small counts withheld
    (:func:`suppressed`, threshold ``STATISTICS_SMALL_COUNT``), labelled in ``locale``."""
    return withheld_together([chart], locale)[0]


def withheld_together(found: list[Chart], locale: str) -> list[Chart]:
    """Charts shown together (a page, a report) withheld as one: see :func:`suppressed_together`."""
    threshold = int(current_app.config["STATISTICS_SMALL_COUNT"])
    with force_locale(locale):
        label, other = gettext("fewer than %(number)s", number=threshold), gettext("withheld")
    return suppressed_together(found, threshold, label, other)


def suppressed(chart: Chart, threshold: int, label: str, complementary: str = "") -> Chart:
    """One chart shown on its own: see :func:`suppressed_together`."""
    return suppressed_together([chart], threshold, label, complementary)[0]


def suppressed_together(found: list[Chart], threshold: int, label: str, complementary: str = "") -> list[Chart]:
    """``found`` with their small counts withheld: every count from 1 to ``threshold - 1`` shows ``label``
    instead, and its value is dropped (0), so no drawing, table or file can give it back.

    Complementary suppression, since a sum shown minus the counts shown would give a withheld one back: in a
    chart (its categories add up to its total) and in each group of categories nested in one category of
    another chart (``Chart.nests_in``: they add up to it), a withheld count is never alone. The next smallest
    of the group is withheld with it (shown as ``complementary``), or, when there is none, the category they
    add up to; a withheld category's group is never shown whole. A total is withheld when it is small, or when
    it adds up categories whose parent is withheld."""
    values = [[int(value) for value in chart.values] for chart in found]
    hidden = [[0 < value < threshold for value in row] for row in values]
    groups = _groups(found)
    while _complement(found, values, hidden, groups):
        pass
    withheld_parent = {child for child, _members, parent, cell in groups if hidden[parent][cell]}
    result = []
    for index, chart in enumerate(found):
        if not any(hidden[index]):
            result.append(chart)
            continue
        total = sum(values[index])
        total_label = label if total < threshold else (complementary or label) if index in withheld_parent else ""
        small = [0 < value < threshold for value in values[index]]
        result.append(replace(
            chart, values=tuple(0 if hide else value for value, hide in zip(values[index], hidden[index])),
            hidden=tuple(hidden[index]), withheld=label, total_withheld=total_label,
            reported_total=0 if total_label else total,
            withheld_other=tuple(hide and not is_small for hide, is_small in zip(hidden[index], small)),
            withheld_other_label=complementary or label))
    return result


Group = tuple[int, list[int], int, int]  # (chart, its categories in one parent, the parent's chart, its category)


def _groups(found: list[Chart]) -> list[Group]:
    """The categories of each nested chart gathered under the category of the other chart they are part of."""
    position = {chart.key: index for index, chart in reversed(list(enumerate(found)))}
    groups: list[Group] = []
    for index, chart in enumerate(found):
        parent = position.get(chart.nests_in) if chart.nests_in else None
        if parent is None or parent == index:
            continue
        cells = {category: cell for cell, category in enumerate(found[parent].categories)}
        members: dict[str, list[int]] = {}
        for member, name in enumerate(chart.parents):
            if name in cells:
                members.setdefault(name, []).append(member)
        groups += [(index, listed, parent, cells[name]) for name, listed in members.items()]
    return groups


def _complement(found: list[Chart], values: list[list[int]], hidden: list[list[bool]], groups: list[Group]) -> bool:
    """One round of complementary suppression (see :func:`suppressed_together`); whether it withheld more."""
    more = False
    for index, row in enumerate(values):
        if sum(hidden[index]) == 1:
            more |= _withhold_next(found[index], row, hidden[index], range(len(row)))
    for child, members, parent, cell in groups:
        count = sum(hidden[child][member] for member in members)
        if count == 0 and hidden[parent][cell]:  # shown whole, the group would add up to its withheld parent
            more |= _withhold_next(found[child], values[child], hidden[child], members)
        elif count == 1:
            more |= _withhold_next(found[child], values[child], hidden[child], members) or \
                _withhold_next(found[parent], values[parent], hidden[parent], [cell])
    return more


def _withhold_next(chart: Chart, row: list[int], hidden: list[bool], members: Any) -> bool:
    """Withhold the smallest count of ``members`` still shown (ties: the first category by name, so that charts
    listing the same categories in another order withhold the same ones); whether there was one."""
    shown = sorted((row[member], str(chart.categories[member]), member) for member in members
                   if row[member] and not hidden[member])
    if shown:
        hidden[shown[0][2]] = True
    return bool(shown)


def as_csv(chart: Chart, category_header: str, count_header: str, guard: Guard) -> bytes:
    return spreadsheets.write_csv([category_header, count_header], chart.figures, guard)


def as_svg(chart: Chart, description: str = "") -> Markup:
    """A horizontal bar chart: one labelled row per category counted (a zero is left out, a withheld count is
    not), its label wrapped over as many lines as it needs, its number written after the bar."""
    rows = drawn_rows(chart)
    height = TOP + sum(row.height for row in rows) + (0 if rows else ROW) + 12
    largest = max(chart.values, default=0) or 1
    bar_room = WIDTH - LABEL_WIDTH - 70
    ident = f"chart-{chart.key}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" aria-labelledby="{ident}-title {ident}-desc" '
        f'font-family="DejaVu Sans, Verdana, sans-serif" font-size="13" class="chart">',
        f'<title id="{ident}-title">{escape(chart.title)}</title>',
        f'<desc id="{ident}-desc">{escape(description)}</desc>',
        f'<text x="0" y="20" font-size="15" font-weight="bold" fill="{TEXT_COLOUR}">{escape(chart.title)}</text>',
    ]
    for row in rows:
        length = round(bar_room * chart.values[row.index] / largest) if chart.values[row.index] else 0
        shown = escape(chart.shown(row.index))
        lines = "".join(f'<tspan x="{LABEL_WIDTH - 8}" dy="{0 if number == 0 else LINE}">{escape(line)}</tspan>'
                        for number, line in enumerate(row.lines))
        parts.append(f'<g><title>{escape(chart.categories[row.index])}: {shown}</title>'
                     f'<text x="{LABEL_WIDTH - 8}" y="{row.y + 17}" text-anchor="end" fill="{TEXT_COLOUR}">{lines}</text>'
                     f'<rect x="{LABEL_WIDTH}" y="{row.y + 4}" width="{length}" height="{ROW - 10}" fill="{BAR_COLOUR}"/>'
                     f'<text x="{LABEL_WIDTH + length + 6}" y="{row.y + 17}" fill="{TEXT_COLOUR}">{shown}</text></g>')
    if not rows:
        parts.append(f'<text x="0" y="{TOP + 16}" fill="{TEXT_COLOUR}">—</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


@dataclass(frozen=True)
class DrawnRow:
    """One category as a chart draws it: where it starts, its label's lines and the room they take."""

    index: int
    y: int
    lines: tuple[str, ...]

    @property
    def height(self) -> int:
        return ROW + LINE * (len(self.lines) - 1)


def drawn_rows(chart: Chart) -> list[DrawnRow]:
    """The categories a chart draws: those counted or withheld ("fewer than 5"), not the zeros (eighteen
    mechanisms with no action are no figure); each label wrapped to the label column, never cut."""
    rows, y = [], TOP
    for index, category in enumerate(chart.categories):
        if not chart.values[index] and not (chart.hidden and chart.hidden[index]):
            continue
        lines = tuple(textwrap.wrap(str(category), LABEL_CHARACTERS, break_on_hyphens=False)) or ("",)
        rows.append(DrawnRow(index, y, lines))
        y += rows[-1].height
    return rows


def as_png(chart: Chart, scale: int = 2) -> bytes:
    """The same chart as :func:`as_svg`, drawn as a PNG picture for DOCX (which cannot hold SVG), with the
    DejaVu font the PDF uses (Pillow's own font when it is not installed)."""
    from PIL import Image, ImageDraw

    rows = drawn_rows(chart)
    height = TOP + sum(row.height for row in rows) + (0 if rows else ROW) + 12
    image = Image.new("RGB", (WIDTH * scale, height * scale), "white")
    draw = ImageDraw.Draw(image)
    font, bold = _font("DejaVuSans.ttf", 13 * scale), _font("DejaVuSans-Bold.ttf", 15 * scale)
    largest = max(chart.values, default=0) or 1
    bar_room = WIDTH - LABEL_WIDTH - 70
    draw.text((0, 6 * scale), str(chart.title), font=bold, fill=TEXT_COLOUR)
    for row in rows:
        y = row.y * scale
        length = round(bar_room * chart.values[row.index] / largest) if chart.values[row.index] else 0
        for number, line in enumerate(row.lines):
            draw.text(((LABEL_WIDTH - 8) * scale, y + (17 + LINE * number) * scale), line, font=font,
                      fill=TEXT_COLOUR, anchor="rs")
        if length:
            draw.rectangle((LABEL_WIDTH * scale, y + 4 * scale, (LABEL_WIDTH + length) * scale,
                            y + (ROW - 6) * scale), fill=BAR_COLOUR)
        draw.text(((LABEL_WIDTH + length + 6) * scale, y + 17 * scale), str(chart.shown(row.index)), font=font,
                  fill=TEXT_COLOUR,
                  anchor="ls")
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _font(name: str, size: int) -> Any:
    from PIL import ImageFont

    for folder in ("/usr/share/fonts/truetype/dejavu/", ""):
        try:
            return ImageFont.truetype(folder + name, size)
        except OSError:
            continue
    return ImageFont.load_default(size)
