"""The Kolada comparison on the start page of elected members, auditors and strategists: for
each indicator taken from Kolada, the latest year the municipality has a value, beside its
comparison group's mean and the country — how we do against municipalities like us.

A fixed number of queries (the indicators, the municipality, the KPIs and their values), and
at most ``SHOWN`` indicators, whatever the number of stored values.
"""

from __future__ import annotations

from django.http import HttpRequest

from etablera.accounts import policy
from etablera.accounts.roles import Role
from etablera.goals.models import Indicator
from etablera.goals.sources import value_cell
from etablera.organisation.models import Municipality

from . import selectors
from .models import COUNTRY

SHOWN = 4
OVERVIEW_ROLES = {Role.READER, Role.AUDITOR, Role.STRATEGIST}


def panels(request: HttpRequest) -> list[dict]:
    user = request.user
    if not set(policy.roles(user)) & OVERVIEW_ROLES or not policy.can(user, "kolada.view"):
        return []
    indicators = list(
        Indicator.objects.filter(source="kolada", is_active=True)
        .exclude(source_key="")
        .order_by("name", "pk")[:SHOWN]
    )
    if not indicators:
        return []
    municipality = getattr(request, "_etablera_municipality", None)
    if municipality is None:  # read once per request, shared with the page's header
        municipality = Municipality.objects.current()
        request._etablera_municipality = municipality  # type: ignore[attr-defined]
    found = selectors.comparisons([i.source_key for i in indicators], municipality=municipality)
    rows = []
    group_name = ""
    for indicator in indicators:
        comparison = found.get(indicator.source_key.strip().upper())
        if comparison is None:
            continue
        group_name = comparison.group_name
        years = [
            y
            for y in comparison.years
            if (v := comparison.value(comparison.own_code, y)) is not None and v.value is not None
        ]
        if not years:
            continue
        year = years[-1]
        own = comparison.value(comparison.own_code, year)
        country = comparison.value(COUNTRY, year)
        rows.append(
            {
                "indicator": indicator,
                "kpi": comparison.kpi,
                "year": year,
                "own": value_cell(own.value if own else None, indicator),
                "group": value_cell(comparison.group_mean(year), indicator),
                "country": value_cell(country.value if country else None, indicator),
            }
        )
    if not rows:
        return []
    return [
        {
            "template": "kolada/home_panel.html",
            "rows": rows,
            "group_name": group_name,
            "order": 2,
        }
    ]
