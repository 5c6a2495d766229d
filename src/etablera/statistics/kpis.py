"""The register KPI engine: what the labour-market interventions achieve, for whom, at what cost.

Every figure is computed in the database through the ORM: one grouped query per breakdown for
the counts and costs, one for the observations after exit and one for the medians (window
functions), so the number of queries depends on the breakdowns asked for, never on the rows.
The results are the same on SQLite and PostgreSQL: date arithmetic goes through two small
expressions (``DaysBetween``, ``YearOf``) that each database computes natively, and costs are
rounded to whole öre before any division.

Definitions (see ``KPIS`` and ``docs/statistics.md``), for a period from ``start`` to ``end``:

* an enrolment is *active* when it starts on or before ``end`` and has not ended before
  ``start``; an enrolment *ended* in the period when its end date lies in it;
* *years since municipal reception* are counted at the start of the enrolment, as whole days
  divided by 365.25 (0–2: under 2 years, 2–5: under 5 years, 5+); *age* is the calendar year of
  the start minus the birth year;
* a breakdown by an enrolment's attributes (intervention, category, years since reception, age)
  counts a participant once in every group they had an enrolment in, so those groups can add up
  to more than the total;
* *in work or studies* and *in unsubsidised work* follow the flags of the status categories
  (``register.StatusCategory``), aligned with Kolada's "Resultat vid avslut i kommunens
  arbetsmarknadsverksamhet".

``compute`` returns a :class:`KpiReport` whose cells have been through disclosure control; the
raw figures never leave the statistics app. The work is split by job: ``definitions`` (what the
KPIs and dimensions are), ``expressions`` (date arithmetic in SQL), ``one_way`` and ``two_way``
(the engines over the facts), ``reference`` (the same figures straight from the register, for
checking), ``protection`` (what may be published). This module puts them together and is what
the rest of Etablera imports.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from . import disclosure, frozen, lattice
from .definitions import (
    BANDED,
    DAYS_PER_MONTH,
    DIMENSIONS,
    FOLLOW_UP_DAYS,
    KEY_ALIASES,
    KPIS,
    MUNICIPALITY_KEY,
    NESTED,
    PERSONAL,
    Dimension,
    InvalidBreakdown,
    Kpi,
    Scope,
    band_bit,
    band_values,
    kpi_key,
    municipality_scope,
    parse_breakdown,
    parse_breakdown_list,
)
from .one_way import one_way_raw
from .protection import canonical, label_of, ordered_values, plan_of, publish
from .reference import raw_from_register
from .results import (
    TOTAL,
    Group,
    GroupKey,
    KpiReport,
    QueryContext,
    Raw,
    figures_of,
    run_side_by_side,
)
from .two_way import by_groups

__all__ = [
    "BANDED",
    "DAYS_PER_MONTH",
    "DIMENSIONS",
    "FOLLOW_UP_DAYS",
    "KEY_ALIASES",
    "KPIS",
    "MUNICIPALITY_KEY",
    "NESTED",
    "PERSONAL",
    "TOTAL",
    "Dimension",
    "Group",
    "GroupKey",
    "InvalidBreakdown",
    "Kpi",
    "KpiReport",
    "Raw",
    "Scope",
    "band_bit",
    "band_values",
    "compute",
    "figures_of",
    "kpi_key",
    "municipality_scope",
    "parse_breakdown",
    "parse_breakdown_list",
    "raw_figures",
    "raw_from_register",
    "run_side_by_side",
]


def raw_figures(
    period, scope: Scope, grouping: Sequence[str] = (), *, as_of: datetime.date | None = None
) -> dict[GroupKey, Raw]:
    """The unprotected aggregates of one grouping, for tests and benchmarks only: what leaves
    the system goes through :func:`compute`."""
    from django.utils import timezone

    dims = parse_breakdown(list(grouping))
    as_of, ctx = as_of or timezone.localdate(), QueryContext.load()
    if len(dims) < 2:
        raw = one_way_raw(period, scope, dims, as_of, ctx, set(KPIS))
        return {key: value for key, value in raw.items() if len(key) == len(dims)}
    return by_groups(period, scope, dims, as_of, ctx, set(KPIS))


def compute(
    period,
    scope: Scope,
    by: Sequence[str] | str | None = (),
    *,
    one_way: Sequence[str] = (),
    as_of: datetime.date | None = None,
    kpis: Iterable[str] | None = None,
    revised: bool = True,
) -> KpiReport:
    """The KPIs of ``period`` for ``scope``, broken down ``by`` zero, one or two dimensions,
    with disclosure control applied.

    ``period`` has ``start`` and ``end`` (a ``goals.periods.PeriodRange``); ``one_way`` adds
    further one-way breakdowns published with it (a dashboard's); ``as_of`` is the day ongoing
    enrolments are costed up to (today by default). ``kpis`` limits the work to some KPIs (the
    others are then hidden). The number of queries depends only on the breakdowns.

    A closed follow-up period's figures are final (``frozen``); when the register has changed
    since, its current figures come with them as ``KpiReport.revised`` (unless ``revised`` is
    False: a trend shows the final figures alone).
    """
    from django.utils import timezone

    limits = disclosure.thresholds()  # refuse nonsense settings before computing anything
    lattice.require(period)  # and periods the protection cannot cover
    dims = parse_breakdown(by)
    extra = [d for d in parse_breakdown_list(one_way) if d not in dims]
    wanted = set(KPIS) if kpis is None else set(kpis) & set(KPIS)
    as_of = as_of or timezone.localdate()
    ctx = QueryContext.load()
    plan = plan_of(dims, extra)
    dim_order = [d for d in DIMENSIONS]

    final = frozen.is_closed(period)
    raw = _aggregates(period, scope, plan, as_of, ctx, final)
    # A closed period's register may since have changed (late registrations): its current
    # figures, this month's release of them, go beside the final ones, marked as revised.
    current = _aggregates(period, scope, plan, as_of, ctx, False) if final and revised else None

    names = ctx.names
    present = [*raw, *(current or {})]
    values = {
        d: ordered_values(d, {v for key in present for dd, v in key if dd == d}, names)
        for d in plan.one_way
    }
    order: dict[tuple[str, ...], list[GroupKey]] = {(): [TOTAL]}
    for d in plan.one_way:
        order[(d,)] = [((d, v),) for v in values[d]] + [TOTAL]
    if plan.two_way:
        a, b = plan.two_way
        order[plan.two_way] = [
            *(canonical(((a, va), (b, vb)), dim_order) for va in values[a] for vb in values[b]),
            *(((a, va),) for va in values[a]),
            *(((b, vb),) for vb in values[b]),
            TOTAL,
        ]

    deviation: dict[str, float] = {}
    groups = _published(raw, order, wanted, limits, names, deviation)
    revised_groups = None
    if current is not None:
        revised_deviation: dict[str, float] = {}
        candidate = _published(current, order, wanted, limits, names, revised_deviation)
        if any(candidate[key].cells != groups[key].cells for key in groups):
            revised_groups = candidate
            for kpi, amount in revised_deviation.items():
                deviation[kpi] = max(deviation.get(kpi, 0), amount)
    empty = raw[TOTAL].active == 0
    return KpiReport(
        period,
        scope,
        dims,
        as_of,
        groups,
        order,
        limits,
        empty,
        deviation,
        final=final,
        revised=revised_groups,
        revised_release=frozen.release(False, timezone.localdate()) if revised_groups else "",
    )


def _published(
    raw: dict[GroupKey, Raw],
    order: dict[tuple[str, ...], list[GroupKey]],
    wanted: set[str],
    limits: disclosure.Thresholds,
    names: dict[int, str],
    deviation: dict[str, float],
) -> dict[GroupKey, Group]:
    """Every group of ``order`` as published from ``raw`` (an absent group: nobody, shown like
    a hidden one); each KPI's largest deviation is added to ``deviation``."""
    groups: dict[GroupKey, Group] = {}
    for key in {key for keys in order.values() for key in keys}:
        published = publish(raw.get(key) or Raw(), wanted, limits)
        labels = {d: label_of(d, v, names) for d, v in key}
        groups[key] = Group(key, labels, published.cells)
        for kpi, amount in published.deviation.items():
            deviation[kpi] = max(deviation.get(kpi, 0), amount)
    return groups


def _aggregates(
    period, scope: Scope, plan, as_of, ctx: QueryContext, final: bool
) -> dict[GroupKey, Raw]:
    """The unprotected aggregates of every group ``plan`` publishes, as kept for the period's
    release (``frozen``: final, or this month's preliminary one), computing and keeping what
    was not yet kept — with every KPI, so that what is kept serves any later question."""
    from django.utils import timezone

    dim_order = list(DIMENSIONS)
    release = frozen.release(final, timezone.localdate())
    groupings: list[tuple[str, ...]] = [(), *((d,) for d in plan.one_way)]
    if plan.two_way:
        groupings.append(plan.two_way)
    stored = frozen.kept(period, scope, groupings, release)
    kpis = set(KPIS)
    missing_one_way = [d for d in plan.one_way if (d,) not in stored]
    computed: dict[tuple[str, ...], dict[GroupKey, Raw]] = {}
    if missing_one_way or () not in stored:
        found = one_way_raw(period, scope, missing_one_way, as_of, ctx, kpis)
        computed[()] = {TOTAL: found.get(TOTAL) or Raw()}
        for d in missing_one_way:
            computed[(d,)] = {key: value for key, value in found.items() if key and key[0][0] == d}
    if plan.two_way and plan.two_way not in stored:
        found = by_groups(period, scope, plan.two_way, as_of, ctx, kpis)
        computed[plan.two_way] = {canonical(k, dim_order): v for k, v in found.items()}
    computed = {g: raw for g, raw in computed.items() if g not in stored}
    frozen.keep(period, scope, computed, as_of, release)
    raw: dict[GroupKey, Raw] = {}
    for part in (*stored.values(), *computed.values()):
        raw.update(part)
    raw.setdefault(TOTAL, Raw())
    return raw
