"""The dashboard's figures of this month's release, computed and kept before anyone asks.

Figures are published as monthly releases (``frozen``): the first question of a month about a
period computes its figures, with every KPI and its cell keys, and keeps them; every later one
reads them back. At a million enrolments the dashboard's first view of a month (its year and
the four periods of its trend) takes about 2 s, every later one about 0.05 s. A running worker
keeps the dashboard of every scope users are offered every ``ETABLERA_KEEP_FIGURES_MINUTES`` (a
routine of the jobs app); ``etablera keep_figures`` does it by hand, for any period.

What is kept is asked exactly as the dashboard asks it, by a named operator through the scope
rules every user goes through, so nothing is published that the dashboard would not have
published, and the figures are the same either way. Keeping is idempotent: a release already
kept is read back, and two workers keeping it at once store it once.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from etablera.accounts import policy
from etablera.jobs.registry import routine

from . import selectors
from .definitions import Scope

WORKER = "worker:keep-figures"


def default_period_code() -> str:
    """The period the dashboard opens on: this year."""
    return str(timezone.localdate().year)


def keep(operator: policy.Operator, period, scope: Scope) -> int:
    """Keep ``period``'s dashboard figures for ``scope``; returns the number of earlier
    periods in its trend (kept too)."""
    _report, points = selectors.report_with_trend(
        operator, period, scope, one_way=selectors.DASHBOARD_DIMENSIONS
    )
    return len(points) - 1


@routine("statistics.keep-figures", every=lambda: settings.ETABLERA_KEEP_FIGURES_MINUTES * 60)
def keep_dashboards() -> int:
    """The worker's routine: every scope's dashboard as it opens (this year), this month.

    The scopes are those the access policy offers an operator: the municipality and every unit
    and body where a role that sees KPIs is assigned — exactly the dashboards users can open.
    Returns how many were kept (or found kept)."""
    operator = policy.Operator(WORKER)
    period = selectors.resolve(default_period_code())
    scopes = selectors.scopes_for(operator)
    for scope in scopes:
        keep(operator, period, scope)
    return len(scopes)
