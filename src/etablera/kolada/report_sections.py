"""Kolada in the consolidated follow-up report (see ``followup.consolidated``).

One part with, for every active indicator sourced from Kolada, the own municipality beside the
comparison group (each member and the unweighted mean) and the country, for the years up to
the period's year, as a trend chart with its data table credited "Källa: Kolada (RKA)" and the
fetch date. Public statistics only, so the same for every reader.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from etablera.web.tables import Section

from .models import Kpi
from .presentation import comparison_chart
from .selectors import comparison

ORDER = 55


def sections(period, user) -> list[Section]:
    from etablera.goals.models import Indicator

    indicators = list(
        Indicator.objects.filter(source="kolada", is_active=True).exclude(source_key="")
    )
    if not indicators:
        return []
    kpis = Kpi.objects.in_bulk([i.source_key.strip().upper() for i in indicators])
    years = list(range(period.end.year - 9, period.end.year + 1))
    charts = []
    flagged = []
    for indicator in indicators:
        kpi = kpis.get(indicator.source_key.strip().upper())
        if kpi is None:
            continue
        if kpi.flagged:
            flagged.append(f"{indicator.name} ({kpi.id})")
        found = comparison(kpi.id, years=years)
        if found is not None:
            charts.append(comparison_chart(found, indicator, title=indicator.name))
    if not charts:
        return []
    intro = _(
        "Kommunens värden bredvid jämförelsegruppen och riket, ur Kolada, till och med "
        "%(year)s. Jämförelsegruppens värde är det ovägda medelvärdet av medlemmarna; varje "
        "medlem finns i tabellen. Källa: Kolada (RKA)."
    ) % {"year": period.end.year}
    if flagged:
        intro += " " + _(
            "Observera: nyckeltalet har ändrats eller tagits bort i Kolada för %(names)s."
        ) % {"names": ", ".join(flagged)}
    return [
        Section(
            title=_("Jämförelse med andra kommuner (Kolada)"),
            intro=intro,
            charts=charts,
            order=ORDER,
            anchor="kolada",
        )
    ]
