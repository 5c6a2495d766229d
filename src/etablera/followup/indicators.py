"""The indicator values of report entries: live while a report is written, frozen on submission.

An entry about a goal shows the goal's indicators; an entry about a mandate shows the indicators
of the goals the mandate serves. Values come from ``goals.sources`` (so a register KPI or a
Kolada figure appears the same way as a typed-in one) and targets from the period's year.

``snapshot`` JSON, one item per indicator::

    {"indicator": 12, "name": "…", "unit": "percent", "suffix": " %", "direction": "higher",
     "values": [{"gender": "T", "value": "41.50", "suppressed": false, "note": ""}, …],
     "targets": {"T": "45.00"}}
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from etablera.goals.models import Gender, Goal, Indicator, Target
from etablera.goals.sources import SourceValue, bulk_indicator_values, value_cell
from etablera.web.tables import Cell, Table

from .models import Period, ReportEntry

GENDER_LABELS = {
    "T": gettext_lazy("Totalt"),
    "K": gettext_lazy("Kvinnor"),
    "M": gettext_lazy("Män"),
}


def entries_with_indicators(entries, year: int):
    """``entries`` (a ReportEntry queryset) with their subjects' indicators and the year's targets.

    A fixed number of queries, however many entries and indicators.
    """
    targets = Prefetch("targets", queryset=Target.objects.filter(year=year))
    indicators = Prefetch(
        "indicators",
        queryset=Indicator.objects.filter(is_active=True)
        .prefetch_related(targets)
        .order_by("name"),
    )
    return entries.prefetch_related(
        Prefetch("goal__indicators", queryset=indicators.queryset),
        Prefetch("mandate__goals", queryset=Goal.objects.prefetch_related(indicators)),
    )


def subject_indicators(entry: ReportEntry) -> list[Indicator]:
    """The indicators that measure the entry's subject (after ``entries_with_indicators``)."""
    if entry.goal_id:
        return list(entry.goal.indicators.all())
    seen: dict[int, Indicator] = {}
    for goal in entry.mandate.goals.all():
        for indicator in goal.indicators.all():
            seen.setdefault(indicator.pk, indicator)
    return sorted(seen.values(), key=lambda i: i.name)


def _targets(indicator: Indicator) -> dict[str, str]:
    return {t.gender: str(t.value) for t in indicator.targets.all()}


def live_values(
    entries: Sequence[ReportEntry], period: Period, *, user: Any
) -> dict[int, list[dict[str, Any]]]:
    """For each entry, its indicators with their current values, in snapshot form."""
    per_entry = {entry.pk: subject_indicators(entry) for entry in entries}
    unique: dict[int, Indicator] = {}
    for indicators in per_entry.values():
        for indicator in indicators:
            unique.setdefault(indicator.pk, indicator)
    found = bulk_indicator_values(unique.values(), [(period.start, period.end)], user=user)
    result: dict[int, list[dict[str, Any]]] = {}
    for entry_pk, indicators in per_entry.items():
        items = []
        for indicator in indicators:
            values = found.get((indicator.pk, period.start, period.end), [])
            items.append(
                {
                    "indicator": indicator.pk,
                    "name": indicator.name,
                    "unit": indicator.unit,
                    "suffix": indicator.suffix,
                    "direction": indicator.direction,
                    "genders": indicator.genders,
                    "values": [v.as_json() for v in values],
                    "targets": _targets(indicator),
                }
            )
        result[entry_pk] = items
    return result


class _Shown:
    """Enough of an indicator for ``value_cell``: its unit and suffix, from a snapshot."""

    def __init__(self, unit: str, suffix: str) -> None:
        self.unit = unit
        self.suffix = suffix


def snapshot_table(items: Iterable[dict[str, Any]], caption: str, year: int) -> Table | None:
    """A table of an entry's indicator values (live or snapshot), or None when it has none."""
    items = list(items)
    if not items:
        return None
    breakdown = any(len(item.get("genders", ["T"])) > 1 for item in items) or any(
        v.get("gender") in ("K", "M") for item in items for v in item.get("values", [])
    )
    genders = [Gender.TOTAL, Gender.WOMEN, Gender.MEN] if breakdown else [Gender.TOTAL]
    columns = [_("Indikator"), *(str(GENDER_LABELS[g]) for g in genders)]
    columns.append(_("Målvärde %(year)s") % {"year": year})
    rows = []
    notes: dict[str, None] = {}  # the values' notes (register values: their accuracy), once
    for item in items:
        shown = _Shown(item.get("unit", ""), item.get("suffix", ""))
        values = {v["gender"]: SourceValue.from_json(v) for v in item.get("values", [])}
        row: list[Any] = [item["name"]]
        for gender in genders:
            sv = values.get(gender)
            if sv is None:
                row.append(Cell(None))
            elif sv.suppressed:
                row.append(Cell(None, suppressed=True))
            else:
                row.append(value_cell(sv.value, shown, note=sv.note))  # type: ignore[arg-type]
            if sv is not None and sv.note:
                notes[sv.note] = None
        target = item.get("targets", {}).get("T")
        row.append(value_cell(Decimal(target), shown) if target else Cell(None))  # type: ignore[arg-type]
        rows.append(row)
    return Table(caption=caption, columns=columns, rows=rows, note=" ".join(notes))
