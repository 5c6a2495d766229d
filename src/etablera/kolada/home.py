"""The Kolada comparison on the start page of elected members, auditors and strategists: for
each indicator taken from Kolada, the latest year the municipality has a value, beside its
comparison group's mean and the country — how we do against municipalities like us.

A fixed number of queries (the indicators, the KPIs and their values; the municipality is
shared with the page's header), at most ``SHOWN`` indicators, whatever the number of stored
values. The rows are remembered (``ETABLERA_KOLADA_CACHE_SECONDS``) under a version that any
save or delete of a Kolada value or KPI, an indicator or the municipality replaces, so a
synchronisation or a new comparison group shows at once.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest
from django.utils import translation

from etablera.accounts import policy
from etablera.accounts.roles import Role
from etablera.goals.models import Indicator
from etablera.goals.sources import value_cell
from etablera.organisation.models import Municipality

from . import selectors
from .models import COUNTRY

SHOWN = 4
OVERVIEW_ROLES = {Role.READER, Role.AUDITOR, Role.STRATEGIST}
VERSION_KEY = "kolada:home:version"
#: The apps whose data the comparison reads.
WATCHED_APPS = frozenset({"kolada", "goals", "organisation"})


def panels(request: HttpRequest) -> list[dict]:
    user = request.user
    if not set(policy.roles(user)) & OVERVIEW_ROLES or not policy.can(user, "kolada.view"):
        return []
    rows, group_name = _remembered(request)
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


def _remembered(request: HttpRequest) -> tuple[list[dict], str]:
    seconds = settings.ETABLERA_KOLADA_CACHE_SECONDS
    if not seconds:
        return _rows(request)
    key = f"kolada:home:{_version()}:{translation.get_language()}"
    found = cache.get(key)
    if found is None:
        found = _rows(request)
        cache.set(key, found, seconds)
    return found


def _rows(request: HttpRequest) -> tuple[list[dict], str]:
    indicators = list(
        Indicator.objects.filter(source="kolada", is_active=True)
        .exclude(source_key="")
        .order_by("name", "pk")[:SHOWN]
    )
    if not indicators:
        return [], ""
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
                "indicator_pk": indicator.pk,
                "name": indicator.name,
                "year": year,
                "own": str(value_cell(own.value if own else None, indicator)),
                "group": str(value_cell(comparison.group_mean(year), indicator)),
                "country": str(value_cell(country.value if country else None, indicator)),
            }
        )
    return rows, group_name


def _version() -> int:
    found = cache.get(VERSION_KEY)
    if found is None:
        found = time.time_ns()
        cache.add(VERSION_KEY, found, None)
        found = cache.get(VERSION_KEY, found)
    return found


def _changed(sender, **_kwargs) -> None:
    meta = getattr(sender, "_meta", None)
    if meta is not None and meta.app_label in WATCHED_APPS:
        cache.set(VERSION_KEY, time.time_ns(), None)


def connect() -> None:
    post_save.connect(_changed, dispatch_uid="kolada-home-save")
    post_delete.connect(_changed, dispatch_uid="kolada-home-delete")
