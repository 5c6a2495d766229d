"""The KPIs as tables, charts, CSV and JSON: every format from the same protected cells.

Everything here reads a :class:`~.kpis.KpiReport`, whose cells have been through disclosure
control; a suppressed cell is written as ".." (``web.tables.SUPPRESSED_SYMBOL``) with the
explanation beside the table, and as ``{"value": null, "suppressed": true}`` in JSON.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from etablera.web.charts import chart_with_table
from etablera.web.tables import (
    SUPPRESSED_EXPLANATION,
    SUPPRESSED_SYMBOL,
    Cell,
    Chart,
    Section,
    Table,
)

from .definitions import DIMENSIONS, KPIS, OUTCOME_KPIS, Kpi
from .results import KpiReport

UNIT_LABELS = {
    "count": gettext_lazy("antal"),
    "percent": "%",
    "days": gettext_lazy("dagar"),
    "sek": gettext_lazy("kr"),
}

#: The KPIs in the order every table shows them.
ALL_KPIS = tuple(KPIS)
#: A breakdown's KPIs in two tables narrow enough for a page: participants and results at
#: exit; follow-up, time and cost.
TABLE_GROUPS = (
    (
        "active_participants",
        "new_participants",
        "ended_enrolments",
        "exit_work_or_studies_share",
        "exit_unsubsidised_work_share",
    ),
    (
        "work_or_studies_90d_share",
        "work_or_studies_180d_share",
        "work_or_studies_365d_share",
        "median_days_in_intervention",
        "cost_per_participant",
        "cost_per_exit_work_or_studies",
    ),
)
#: The shares the breakdown charts compare.
CHART_SHARES = ("exit_work_or_studies_share", "exit_unsubsidised_work_share")


def unit_label(kpi: Kpi) -> str:
    return str(UNIT_LABELS[kpi.unit])


def heading(kpi: Kpi) -> str:
    """A column heading: the KPI and its unit, e.g. "Aktiva deltagare (antal)"."""
    return f"{kpi.label} ({unit_label(kpi)})"


def _period_text(report: KpiReport) -> str:
    return str(report.period.label)


def accuracy_note(report: KpiReport, kpis: Sequence[str] = ALL_KPIS) -> str:
    """What the protection may have done to the table's values, stated beside the table: the
    most a published value of each kind lies from the register (``KpiReport.deviation``)."""
    return series_note([report], kpis)


def series_note(
    reports: Sequence[KpiReport], kpis: Sequence[str] = ALL_KPIS, *, with_revised: bool = True
) -> str:
    """:func:`accuracy_note` for a table whose values come from several reports (a trend, a
    series of years): the largest deviation of any of them, and which periods are final
    (``with_revised``: and what the revised rows are, for a table that shows them)."""
    deviation: dict[str, float] = {}
    for report in reports:
        for kpi, amount in report.deviation.items():
            deviation[kpi] = max(deviation.get(kpi, 0), amount)
    counts = [deviation[k] for k in kpis if k in deviation and KPIS[k].unit == "count"]
    shares = [deviation[k] for k in kpis if k in deviation and KPIS[k].unit == "percent"]
    costs = [deviation[k] for k in kpis if k in deviation and KPIS[k].unit == "sek"]
    medians = any(k in deviation and KPIS[k].unit == "days" for k in kpis)
    noise = max((r.thresholds.noise for r in reports), default=0)
    parts = [
        _("Värdena kan avvika med upp till ±%(noise)s från en räkning för hand i registret")
        % {"noise": int(max(counts)) if counts else noise}
    ]
    if shares:
        parts.append(
            _("andelarna med upp till ±%(points)s procentenheter") % {"points": int(max(shares))}
        )
    if medians:
        parts.append(_("medianerna med upp till en halv dag"))
    if costs:
        parts.append(
            _("kostnaderna med upp till ±%(amount)s kr")
            % {"amount": f"{math.ceil(max(costs) / 10) * 10:,}".replace(",", " ")}
        )
    sentence = ", ".join(parts[:-1]) + (_(" och ") if len(parts) > 1 else "") + parts[-1]
    final = [str(r.period.label) for r in reports if r.final]
    preliminary = [str(r.period.label) for r in reports if not r.final]
    if not preliminary:
        status = _("Slutliga siffror: fastställda när uppföljningsperioden stängdes.")
    elif not final:
        status = _("Preliminära siffror: de följer registret och kan ändras.")
    else:
        status = _(
            "Slutliga siffror för %(final)s, fastställda när uppföljningsperioden stängdes; "
            "preliminära för %(preliminary)s: de följer registret och kan ändras."
        ) % {"final": ", ".join(final), "preliminary": ", ".join(preliminary)}
    text = _(
        "%(status)s %(sentence)s: små avvikelser skyddar enskilda personer. Summor av 100 "
        "eller mer avviker högst 2 procent."
    ) % {"status": status, "sentence": sentence}
    revised = [r for r in reports if r.revised is not None]
    if revised and with_revised:
        text += " " + _(
            "Värden märkta ”reviderad” visar vad registret ger i dag (%(release)s), efter sena "
            "registreringar, med samma skydd; de slutliga siffrorna ändras inte."
        ) % {"release": revised[0].revised_release}
    return text


def revised_label(label: str) -> str:
    """A row of revised figures: the group's label, marked."""
    return _("%(group)s, reviderad") % {"group": label}


def _with_revised(report: KpiReport, groups: Sequence[Any], row) -> list[list[Any]]:
    """``row(group, label)`` for each group, each followed by its revised row where late
    registrations changed any of its published values (a final period's, ``KpiReport.revised``)."""
    revised = report.revised or {}
    rows = []
    for group in groups:
        rows.append(row(group, None))
        newer = revised.get(group.key)
        if newer is not None and newer.cells != group.cells:
            rows.append(row(newer, revised_label))
    return rows


def summary_table(report: KpiReport, kpis: Sequence[str] = ALL_KPIS) -> Table:
    """The total of every KPI: one row per KPI."""
    columns = [_("Nyckeltal"), _period_text(report)]
    rows = [[heading(KPIS[k]), report.total.cells[k]] for k in kpis]
    if report.revised is not None:
        columns.append(revised_label(_period_text(report)))
        for row, k in zip(rows, kpis, strict=True):
            row.append(report.revised[report.total.key].cells[k])
    return Table(
        caption=_("Nyckeltal %(period)s, %(scope)s")
        % {"period": _period_text(report), "scope": report.scope.label},
        columns=columns,
        rows=rows,
        note=accuracy_note(report, kpis),
    )


def breakdown_table(
    report: KpiReport, dimension: str, kpis: Sequence[str] = ALL_KPIS, part: str = ""
) -> Table:
    """A one-way breakdown: a row per group and the total, a column per KPI."""
    dim = DIMENSIONS[dimension]
    rows = _with_revised(
        report,
        report.rows((dimension,)),
        lambda group, mark: [
            mark(group.label(dimension)) if mark else group.label(dimension),
            *(group.cells[k] for k in kpis),
        ],
    )
    caption = _("Nyckeltal per %(dimension)s, %(period)s, %(scope)s") % {
        "dimension": str(dim.label).lower(),
        "period": _period_text(report),
        "scope": report.scope.label,
    }
    return Table(
        caption=f"{caption}: {part}" if part else caption,
        columns=[str(dim.label), *(heading(KPIS[k]) for k in kpis)],
        rows=rows,
        note=accuracy_note(report, kpis),
    )


def breakdown_tables(report: KpiReport, dimension: str) -> list[Table]:
    """A one-way breakdown of every KPI, in the two tables of ``TABLE_GROUPS``."""
    parts = (_("deltagare och resultat vid avslut"), _("uppföljning, tid och kostnad"))
    return [
        breakdown_table(report, dimension, kpis, part)
        for kpis, part in zip(TABLE_GROUPS, parts, strict=True)
    ]


def two_way_table(report: KpiReport, kpis: Sequence[str] = ALL_KPIS) -> Table:
    """A two-way breakdown in long form: a row per combination, then the margins and total."""
    a, b = report.by
    rows = _with_revised(
        report,
        report.rows(),
        lambda group, mark: [
            group.label(a),
            mark(group.label(b)) if mark else group.label(b),
            *(group.cells[k] for k in kpis),
        ],
    )
    return Table(
        caption=_("Nyckeltal per %(a)s och %(b)s, %(period)s, %(scope)s")
        % {
            "a": str(DIMENSIONS[a].label).lower(),
            "b": str(DIMENSIONS[b].label).lower(),
            "period": _period_text(report),
            "scope": report.scope.label,
        },
        columns=[
            str(DIMENSIONS[a].label),
            str(DIMENSIONS[b].label),
            *(heading(KPIS[k]) for k in kpis),
        ],
        rows=rows,
        note=accuracy_note(report, kpis),
    )


def report_table(report: KpiReport, kpis: Sequence[str] = ALL_KPIS) -> Table:
    """The table of what was asked for: the totals, a one-way or a two-way breakdown."""
    if len(report.by) == 2:
        return two_way_table(report, kpis)
    if len(report.by) == 1:
        return breakdown_table(report, report.by[0], kpis)
    return summary_table(report, kpis)


def outcomes_table(
    report: KpiReport, groups: Sequence[Any], caption: str, kpis: Sequence[str] | None = None
) -> Table:
    """The outcomes of some interventions: a row per intervention, as the by-intervention
    breakdown of ``report`` publishes them (no subtotal: it would be a new sum to subtract
    from). An intervention nobody took part in is shown like a hidden one."""
    shown = tuple(kpis or OUTCOME_KPIS)
    rows = _with_revised(
        report,
        groups,
        lambda g, mark: [
            mark(g.label("intervention")) if mark else g.label("intervention"),
            *(g.cells[k] for k in shown),
        ],
    )
    return Table(
        caption=caption,
        columns=[str(DIMENSIONS["intervention"].label), *(heading(KPIS[k]) for k in shown)],
        rows=rows,
        note=accuracy_note(report, shown),
    )


def breakdown_chart(report: KpiReport, dimension: str) -> Chart:
    """Bar chart of the exit shares per group of ``dimension``, with its data table."""
    groups = [g for g in report.rows((dimension,)) if not g.is_total]
    dim = DIMENSIONS[dimension]
    series: dict[str, Sequence[Any]] = {
        str(KPIS[k].label): [g.cells[k] for g in groups] for k in CHART_SHARES
    }
    title = _("Resultat vid avslut per %(dimension)s, %(period)s") % {
        "dimension": str(dim.label).lower(),
        "period": _period_text(report),
    }
    chart = chart_with_table(
        "bar",
        title,
        [g.label(dimension) for g in groups],
        series,
        unit=" %",
        label_heading=str(dim.label),
        description=_(
            "Stapeldiagram: andel avslutade deltaganden som gick till arbete eller studier och "
            "till osubventionerat arbete, per %(dimension)s. Dolda uppgifter (..) ritas inte. "
            "Samma siffror finns i tabellen."
        )
        % {"dimension": str(dim.label).lower()},
    )
    chart.table.note = series_note([report], CHART_SHARES, with_revised=False)
    return chart


def trend_charts(points: Sequence[Any]) -> list[Chart]:
    """Line charts of the shares and of the participant counts over the trend periods."""
    labels = [p.label for p in points]
    shares = ("exit_work_or_studies_share", "exit_unsubsidised_work_share")
    counts = ("active_participants", "new_participants", "ended_enrolments")
    first, last = (labels[0], labels[-1]) if labels else ("", "")
    charts = [
        chart_with_table(
            "line",
            _("Resultat vid avslut över tid"),
            labels,
            {str(KPIS[k].label): [p.report.total.cells[k] for p in points] for k in shares},
            unit=" %",
            label_heading=_("Period"),
            description=_(
                "Linjediagram över andelen avslut till arbete eller studier och till "
                "osubventionerat arbete, perioderna %(first)s–%(last)s. Samma siffror finns i "
                "tabellen."
            )
            % {"first": first, "last": last},
        ),
        chart_with_table(
            "line",
            _("Deltagare och avslut över tid"),
            labels,
            {str(KPIS[k].label): [p.report.total.cells[k] for p in points] for k in counts},
            label_heading=_("Period"),
            description=_(
                "Linjediagram över antalet aktiva och nya deltagare och avslutade deltaganden, "
                "perioderna %(first)s–%(last)s. Samma siffror finns i tabellen."
            )
            % {"first": first, "last": last},
        ),
    ]
    reports = [p.report for p in points]
    for chart, kpis in zip(charts, (shares, counts), strict=True):
        chart.table.note = series_note(reports, kpis, with_revised=False)
    return charts


def definitions() -> list[dict[str, str]]:
    return [
        {
            "key": k.key,
            "label": str(k.label),
            "unit": unit_label(k),
            "definition": str(k.definition),
        }
        for k in KPIS.values()
    ]


# --- CSV and JSON ---------------------------------------------------------------------------


def json_cell(cell: Cell) -> dict[str, Any]:
    if cell.suppressed:
        return {"value": None, "suppressed": True}
    value = cell.value
    if isinstance(value, Decimal):
        value = float(value)
    return {"value": value, "suppressed": False}


def as_json(report: KpiReport, kpis: Sequence[str] = ALL_KPIS, text: str = "") -> dict[str, Any]:
    """The report as the API and ``etablera kpis --format json`` give it."""

    def rows_of(groups: Sequence[Any]) -> list[dict[str, Any]]:
        return [
            {
                "group": {d: group.value(d) for d in report.by},
                "labels": {d: group.label(d) for d in report.by},
                "values": {k: json_cell(group.cells[k]) for k in kpis},
            }
            for group in groups
        ]

    rows = rows_of(report.rows())
    limits = report.thresholds
    return {
        "period": {
            "text": text,
            "label": str(report.period.label),
            "start": report.period.start.isoformat(),
            "end": report.period.end.isoformat(),
        },
        "scope": {"key": report.scope.key, "label": report.scope.label},
        "by": list(report.by),
        "kpis": [d for d in definitions() if d["key"] in kpis],
        "rows": rows,
        "disclosure": {
            "symbol": SUPPRESSED_SYMBOL,
            "explanation": str(SUPPRESSED_EXPLANATION),
            "count_threshold": limits.count,
            "share_min_group": limits.share_group,
            "share_min_each": limits.share_each,
            "median_min_group": limits.median_group,
            "noise_max": limits.noise,
            "method": "cell-key perturbation",
            #: Per KPI, the most a published value may lie from the register (its unit).
            "deviation": {k: v for k, v in report.deviation.items() if k in kpis},
            "note": accuracy_note(report, kpis),
        },
        "status": "final" if report.final else "preliminary",
        #: A final period's figures as the register gives them now (this month's release, the
        #: same protection), when late registrations have changed any; else null.
        "revised": None
        if report.revised is None
        else {"release": report.revised_release, "rows": rows_of(report.revised_rows())},
    }


def sections(report: KpiReport, dimensions: Sequence[str], points: Sequence[Any] = ()) -> list:
    """Report sections: the totals, the trend and one per breakdown (page, PDF and workbook)."""
    result = [
        Section(
            title=_("Nyckeltal för arbetsmarknadsinsatserna"),
            intro=_("Nyckeltal för %(period)s, %(scope)s.")
            % {"period": _period_text(report), "scope": report.scope.label},
            tables=[summary_table(report)],
            order=40,
            anchor="nyckeltal",
        )
    ]
    if points:
        result.append(
            Section(
                title=_("Nyckeltal över tid"),
                charts=trend_charts(points),
                order=41,
                anchor="nyckeltal-over-tid",
            )
        )
    for dimension in dimensions:
        dim = DIMENSIONS[dimension]
        result.append(
            Section(
                title=_("Nyckeltal per %(dimension)s") % {"dimension": str(dim.label).lower()},
                charts=[breakdown_chart(report, dimension)],
                tables=breakdown_tables(report, dimension),
                order=42,
                anchor=f"nyckeltal-{dimension}",
            )
        )
    return result
