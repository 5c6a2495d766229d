"""The register's key figures on the start page of elected members, auditors and strategists:
last whole year beside the year before, so the trend reads at a glance.

The figures come from the remembered KPI computation (``selectors.compute``): after the first
request of the day the panel costs the cache's look-up, not a computation. They are the
dashboard's, protected alike, with the same statement of how far they may lie from the register.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from etablera.accounts import policy
from etablera.accounts.roles import Role
from etablera.web.tables import Cell

from . import disclosure, presentation, selectors
from .kpis import KPIS

#: The figures shown, in this order.
KEY_FIGURES = ("active_participants", "ended_enrolments", "exit_work_or_studies_share")
OVERVIEW_ROLES = {Role.READER, Role.AUDITOR, Role.STRATEGIST}


def panels(request: HttpRequest) -> list[dict]:
    user = request.user
    if not set(policy.roles(user)) & OVERVIEW_ROLES or not policy.can(user, selectors.VIEW):
        return []
    year = timezone.localdate().year - 1
    scope = selectors.scope_for(user)
    try:
        reports = [
            selectors.compute(
                selectors.resolve(str(y)), scope, kpis_wanted=selectors.TREND_KPIS, revised=False
            )
            for y in (year - 1, year)
        ]
    except disclosure.DisclosureConfigurationError:
        # The protection is set up wrong: no figures, and the start page says why.
        panel = {"template": "statistics/home_panel.html", "year": year, "refused": True}
        return [{**panel, "scope": scope.label, "query": str(year), "order": 1}]
    figures = []
    for key in KEY_FIGURES:
        before, now = (r.total.cells.get(key) for r in reports)
        kpi = KPIS[key]
        figures.append(
            {
                "label": kpi.label,
                "value": _text(now, kpi.suffix),
                "before": _text(before, kpi.suffix),
                "change": _change(before, now),
            }
        )
    return [
        {
            "template": "statistics/home_panel.html",
            "year": year,
            "scope": scope.label,
            "figures": figures,
            "note": presentation.series_note(reports, KEY_FIGURES, with_revised=False),
            "query": str(year),
            "order": 1,
        }
    ]


def _value(cell) -> float | None:
    if not isinstance(cell, Cell) or cell.suppressed or cell.value is None:
        return None
    return float(cell.value)


def _text(cell, suffix: str) -> str:
    if cell is None:
        return "–"
    return f"{cell}{suffix}" if _value(cell) is not None else str(cell)


def _change(before, now) -> str:
    """ "up", "down" or "same" — the direction, to be told in words beside the figure."""
    a, b = _value(before), _value(now)
    if a is None or b is None or a == b:
        return "same" if a is not None and a == b else ""
    return "up" if b > a else "down"
