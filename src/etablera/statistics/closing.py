"""When a follow-up period closes, its figures become final: they are kept (``frozen``)."""

from __future__ import annotations

from . import kpis, lattice


def keep_on_closing(sender, period, **kwargs) -> None:
    """Keep the municipality's total and one-way figures of a period that just closed (other
    scopes and breakdowns are kept when first asked for). A period outside the lattice has no
    statistics to keep."""
    from etablera.goals.periods import PeriodRange

    rng = PeriodRange(period.start, period.end, period.name, period)
    if lattice.kind(rng.start, rng.end) is None:
        return
    kpis.compute(rng, kpis.municipality_scope(), (), one_way=list(kpis.DIMENSIONS))


def connect() -> None:
    """Keep a period's figures when it closes (called once, from the app's ``ready``)."""
    from etablera.followup.signals import period_closed

    period_closed.connect(keep_on_closing, dispatch_uid="statistics-keep-on-closing")
