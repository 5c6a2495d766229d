"""Tables and charts for the indicator pages, as ``web.tables`` objects."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from etablera.goals.periods import kind_for_range, label_for_range
from etablera.web.charts import chart_with_table
from etablera.web.tables import Cell, Chart, Table

from .models import Gender, Indicator, IndicatorValue
from .sources import value_cell

KIND_TITLES = {
    "tertial": gettext_lazy("Tertial"),
    "interim": gettext_lazy("Delår"),
    "annual": gettext_lazy("Helår"),
    "other": gettext_lazy("Övriga perioder"),
}


def _gender_label(code: str) -> str:
    return str(Gender(code).label)


def targets_table(indicator: Indicator) -> Table:
    targets = list(indicator.targets.all())
    genders = indicator.genders
    years = sorted({t.year for t in targets})
    by_key = {(t.year, t.gender): t.value for t in targets}
    rows = [
        [str(year), *(value_cell(by_key.get((year, g)), indicator) for g in genders)]
        for year in years
    ]
    return Table(
        caption=_("Målvärden för %(name)s") % {"name": indicator.name},
        columns=[_("År"), *(_gender_label(g) for g in genders)],
        rows=rows,
    )


def _own(values: list[IndicatorValue]) -> list[IndicatorValue]:
    codes = {v.municipality_code for v in values}
    if codes <= {""}:
        return values
    from etablera.organisation.models import Municipality

    municipality = Municipality.objects.current()
    own = {"", municipality.code if municipality else ""}
    return [v for v in values if v.municipality_code in own]


def trend_chart(indicator: Indicator, values: list[IndicatorValue]) -> list[Chart]:
    """One line chart per kind of period (tertials, interim, annual …) with targets."""
    by_kind: dict[str, dict[tuple, dict[str, IndicatorValue]]] = defaultdict(dict)
    for value in _own(values):
        key = (value.start, value.end)
        by_kind[kind_for_range(*key)].setdefault(key, {})[value.gender] = value
    targets = {(t.year, t.gender): t.value for t in indicator.targets.all()}
    charts = []
    for kind in ("annual", "interim", "tertial", "other"):
        ranges = sorted(by_kind.get(kind, {}))
        if not ranges:
            continue
        labels = [label_for_range(*r) for r in ranges]
        series: dict[str, Sequence[Any]] = {}
        for gender in indicator.genders:
            points: list[Any] = []
            for r in ranges:
                v = by_kind[kind][r].get(gender)
                if v is None:
                    points.append(Cell(None))
                elif v.suppressed:
                    points.append(Cell(None, suppressed=True))
                else:
                    points.append(value_cell(v.value, indicator))
            series[_gender_label(gender)] = points
        target_points = [
            value_cell(targets[(r[1].year, "T")], indicator)
            if (r[1].year, "T") in targets
            else Cell(None)
            for r in ranges
        ]
        if any(c.value is not None for c in target_points):
            series[_("Målvärde")] = target_points
        title = _("%(name)s – %(kind)s") % {"name": indicator.name, "kind": KIND_TITLES[kind]}
        charts.append(
            chart_with_table(
                "line",
                title,
                labels,
                series,
                unit=indicator.suffix,
                label_heading=_("Period"),
                description=_(
                    "Linjediagram över utfallet per period%(target)s. Samma värden finns i "
                    "tabellen."
                )
                % {"target": _(" och målvärdet") if _("Målvärde") in series else ""},
            )
        )
    return charts
