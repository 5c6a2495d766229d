"""The traced interventions' KPIs over time, from the statistics engine.

The figures come from ``statistics.kpis.compute`` broken down by intervention, one calendar year
at a time, from the year before the audit to this year, with the engine's disclosure control
(cell-key perturbation, ADR 7): the trace shows only the rows of the traced interventions, each
cell exactly as the dashboard publishes it, never a total of its own that could be subtracted
from. A year with nobody in an intervention looks exactly like a hidden one, and every table
says how far its values may lie from the register and whether they are final.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from etablera.web.charts import chart_with_table
from etablera.web.tables import Cell


@dataclass
class KpiSeries:
    """One KPI for the traced interventions over time, as a publishable table."""

    title: str
    table: object  # etablera.web.tables.Table
    chart: object | None = None  # etablera.web.tables.Chart


#: The KPIs the trace follows: how many take part, and what it leads to.
TRACE_KPIS = ("active_participants", "exit_work_or_studies_share", "work_or_studies_90d_share")
#: At most this many years are shown (the most recent ones).
MAX_YEARS = 6


def _scope(user):
    """The widest scope of participants whose figures ``user`` may see, or None."""
    from etablera.statistics.selectors import widest_scope

    return widest_scope(user)


def _name(intervention, interventions) -> str:
    """The intervention's name, made unique among the traced ones."""
    same = sum(1 for other in interventions if other.name == intervention.name)
    return intervention.name if same == 1 else f"{intervention.name} ({intervention.pk})"


def _years(published_on: dt.date, today: dt.date) -> list[int]:
    first = max(published_on.year - 1, today.year - MAX_YEARS + 1)
    return list(range(first, today.year + 1))


def kpi_series(user, interventions, recommendation, today: dt.date) -> tuple[list[KpiSeries], str]:
    """One chart (with its data table) per KPI: a line per intervention, a point per year."""
    from etablera.statistics.kpis import KPIS, compute
    from etablera.statistics.presentation import series_note
    from etablera.statistics.selectors import resolve

    scope = _scope(user)
    if scope is None:
        return [], _("Du har inte behörighet att se nyckeltal från deltagarregistret.")
    years = _years(recommendation.audit.published_on, today)
    wanted = {i.pk for i in interventions}
    values: dict[str, dict[int, list]] = {kpi: {pk: [] for pk in wanted} for kpi in TRACE_KPIS}
    reports = []
    for year in years:
        report = compute(
            resolve(str(year)),
            scope,
            by=("intervention",),
            as_of=today,
            kpis=TRACE_KPIS,
            revised=False,  # a series over years shows each year's published figures
        )
        reports.append(report)
        rows = {g.value("intervention"): g for g in report.rows(("intervention",))}
        for kpi in TRACE_KPIS:
            for pk in wanted:
                group = rows.get(pk)
                # Nobody in the intervention that year: shown like a hidden value.
                values[kpi][pk].append(group.cells[kpi] if group else Cell(None, suppressed=True))
    labels = [str(year) for year in years]
    series_list = []
    for kpi in TRACE_KPIS:
        definition = KPIS[kpi]
        series: dict[str, Sequence] = {
            _name(i, interventions): values[kpi][i.pk] for i in interventions
        }
        unit = definition.suffix.strip()
        title = _("%(kpi)s per år") % {"kpi": definition.label}
        chart = chart_with_table(
            "line",
            title,
            labels,
            series,
            unit=f" {unit}" if unit else "",
            label_heading=_("År"),
            description=_("%(kpi)s för de spårade insatserna, %(first)s–%(last)s.")
            % {"kpi": definition.label, "first": labels[0], "last": labels[-1]},
        )
        chart.table.note = series_note(reports, (kpi,), with_revised=False)
        series_list.append(KpiSeries(title=title, table=chart.table, chart=chart))
    note = _(
        "Nyckeltalen kommer från deltagarregistret med röjandekontroll: ”..” betyder att "
        "uppgiften döljs för att ingen enskild person ska kunna pekas ut, också när ingen "
        "deltog."
    )
    return series_list, note
