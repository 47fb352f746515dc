"""Whether published figures give a withheld count back by sums (the statistics and annual report tests)."""
from __future__ import annotations

from fractions import Fraction


def given_back(charts) -> list[tuple[str, str]]:
    """The withheld counts that sums of the figures shown give back: a chart's categories add up to its total
    (when shown), and categories nested in a category of another chart (``nests_in``) add up to it. Solved
    exactly (Gaussian elimination on the withheld cells): a cell is given back when the equations isolate it."""
    unknown = [(chart.key, category) for chart in charts for index, category in enumerate(chart.categories)
               if chart.hidden and chart.hidden[index]]
    equations = [{(chart.key, category): 1 for category in chart.categories}
                 for chart in charts if not chart.total_withheld]
    keys = {chart.key for chart in charts}
    for chart in (chart for chart in charts if chart.nests_in in keys):
        for parent in set(chart.parents):
            equations.append({(chart.nests_in, parent): -1, **{(chart.key, category): 1 for category, above
                                                                  in zip(chart.categories, chart.parents)
                                                                  if above == parent}})
    rows = [[Fraction(equation.get(cell, 0)) for cell in unknown] for equation in equations]
    pivots: list[int] = []
    for column in range(len(unknown)):
        pivot = next((row for row in rows[len(pivots):] if row[column]), None)
        if pivot is None:
            continue
        rows.remove(pivot)
        pivot = [value / pivot[column] for value in pivot]
        rows = [[value - row[column] * lead for value, lead in zip(row, pivot)] for row in rows]
        rows.insert(len(pivots), pivot)
        pivots.append(column)
    return [unknown[column] for row, column in zip(rows, pivots) if sum(1 for value in row if value) == 1]

