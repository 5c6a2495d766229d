"""The comparison as a chart with its data table, the same in the page, the PDF and the
workbook; every table credits Kolada with the fetch date."""

from __future__ import annotations

from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from etablera.goals.sources import value_cell
from etablera.web.charts import line_chart
from etablera.web.tables import Cell, Chart, Table

from .selectors import Comparison


def missing_note(status: str) -> str:
    return _("saknas (%(status)s)") % {"status": status} if status else _("saknas")


def credit(comparison: Comparison) -> str:
    """ "Källa: Kolada (RKA)" with the fetch date, and what the group's figure is."""
    parts = []
    if comparison.kpi.is_example:
        parts.append(
            _(
                "Exempeltal: påhittade värden i Koladas form för demonstrationen, inte Koladas "
                "siffror."
            )
        )
    if comparison.fetched_at:
        parts.append(
            _("Källa: Kolada (RKA), %(kpi)s, hämtat %(date)s.")
            % {
                "kpi": comparison.kpi.id,
                "date": formats.date_format(comparison.fetched_at, "Y-m-d"),
            }
        )
    else:
        parts.append(_("Källa: Kolada (RKA), %(kpi)s.") % {"kpi": comparison.kpi.id})
    parts.append(
        _(
            "Jämförelsegruppen är det ovägda medelvärdet av de medlemmar som har ett värde det "
            "året; varje medlem finns i tabellen."
        )
    )
    parts.append(_("Licens: CC BY 4.0."))
    return " ".join(parts)


def _cell(value, indicator) -> Cell:
    if value is None:
        return Cell(None, display="–")
    if value.value is None:
        return Cell(None, display=missing_note(value.status))
    return value_cell(value.value, indicator)


def comparison_chart(comparison: Comparison, indicator: Any = None, title: str = "") -> Chart:
    """A line chart of own / group mean / country over the years, with a data table that also
    has every member of the comparison group."""
    title = title or comparison.kpi.title
    labels = [str(y) for y in comparison.years]
    own_label = comparison.own_name
    group_label = _("Jämförelsegruppen (medelvärde)")
    country_label = _("Riket")
    own = [_cell(comparison.value(comparison.own_code, y), indicator) for y in comparison.years]
    means = [
        value_cell(m, indicator) if (m := comparison.group_mean(y)) is not None else Cell(None)
        for y in comparison.years
    ]
    country = [_cell(comparison.value("0000", y), indicator) for y in comparison.years]
    suffix = indicator.suffix if indicator is not None else ""
    description = _(
        "Linjediagram: %(own)s jämfört med jämförelsegruppens medelvärde och riket, per år. "
        "Samma värden, och varje kommun i jämförelsegruppen, finns i tabellen."
    ) % {"own": own_label}
    svg = line_chart(
        title,
        labels,
        {own_label: own, group_label: means, country_label: country},
        unit=suffix,
        description=description,
    )
    member_columns = [
        f"{name} ({code})" if name != code else code for code, name in comparison.members
    ]
    rows = []
    for i, year in enumerate(comparison.years):
        rows.append(
            [
                str(year),
                own[i],
                means[i],
                country[i],
                *(
                    _cell(comparison.value(code, year), indicator)
                    for code, _n in comparison.members
                ),
            ]
        )
    group = comparison.group_name or _("Jämförelsegruppen")
    table = Table(
        caption=_("%(title)s – jämfört med %(group)s och riket") % {"title": title, "group": group},
        columns=[_("År"), own_label, group_label, country_label, *member_columns],
        rows=rows,
        note=credit(comparison),
    )
    return Chart(svg=svg, table=table, alt=description)


GENDER_LABELS = {"T": "totalt", "K": "kvinnor", "M": "män"}


def indicator_blocks(indicators) -> list[dict[str, Any]]:
    """For each indicator sourced from Kolada: its KPI (title, description, flag) and the
    comparison charts, total first and women and men when the indicator is reported by gender.
    An indicator whose key is not in the catalogue gets a block that says so."""
    from .models import Kpi
    from .selectors import comparison

    wanted = [i for i in indicators if i.source == "kolada" and i.source_key.strip()]
    if not wanted:
        return []
    kpis = Kpi.objects.in_bulk([i.source_key.strip().upper() for i in wanted])
    blocks = []
    for indicator in wanted:
        kpi = kpis.get(indicator.source_key.strip().upper())
        charts = []
        if kpi is not None:
            genders = indicator.genders if kpi.is_divided_by_gender else ["T"]
            for gender in genders:
                found = comparison(kpi.id, gender=gender)
                if found is None:
                    continue
                title = indicator.name
                if len(genders) > 1:
                    title = f"{indicator.name} ({_(GENDER_LABELS[gender])})"
                charts.append(comparison_chart(found, indicator, title=title))
        blocks.append(
            {
                "indicator": indicator,
                "kpi": kpi,
                "key": indicator.source_key,
                "charts": charts,
                "uid": indicator.pk,
            }
        )
    return blocks
