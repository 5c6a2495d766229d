"""The dashboard's figures of this month's release, computed and kept before anyone asks.

Figures are published as monthly releases (``frozen``): the first question of a month about a
period computes its figures, with every KPI and its cell keys, and keeps them; every later one
reads them back. At a million enrolments the dashboard's first view of a month (its year and
the four periods of its trend) takes about 2 s, every later one about 0.05 s. A running worker
keeps the municipality's dashboard every ``ETABLERA_KEEP_FIGURES_MINUTES`` (a routine of the
jobs app), and ``etablera keep_figures`` does it for any scope, e.g. from cron.

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
from .definitions import MUNICIPALITY_KEY, Scope

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
def keep_municipality_dashboard() -> int:
    """The worker's routine: the municipality's dashboard, as it opens, this month."""
    operator = policy.Operator(WORKER)
    period = selectors.resolve(default_period_code())
    return keep(operator, period, selectors.scope_for(operator, MUNICIPALITY_KEY))
