"""The KPI figures computed straight from the register's own tables, without the facts.

The engine does not use this: it is the independent second computation that the facts-based
engines (``one_way``, ``two_way``) are checked against, in the tests and in the benchmark.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, Greatest, Least, RowNumber

from etablera.register.models import (
    Enrolment,
    OutcomeObservation,
)

from .definitions import DIMENSIONS, FOLLOW_UP_DAYS, KPIS, OERE, Scope, parse_breakdown
from .expressions import DaysBetween, Unindexed
from .results import TOTAL, GroupKey, QueryContext, Raw, in_ids, scoped

# --- straight from the register -------------------------------------------------------------
#
# The figures of one grouping computed from the register's own tables, without the facts: three
# grouped queries over the enrolments joined to their participants. The engine does not use
# this; it is the independent second computation that the facts-based one is checked against
# (``raw_from_register``: in the tests, and in the benchmark at full size).


def _names(dims: Sequence[str], context: QueryContext, prefix: str = "") -> dict[str, Any]:
    return {f"g_{d}": DIMENSIONS[d].expression(context, prefix) for d in dims}


def _key(row: dict[str, Any], dims: Sequence[str]) -> GroupKey:
    return tuple((d, row[f"g_{d}"]) for d in dims)


def _active(period, scope: Scope) -> QuerySet:
    """The enrolments in scope active in the period, read by a scan (see ``Unindexed``)."""
    enrolments = scoped(Enrolment.objects.all(), scope).alias(
        starts=Unindexed(F("start")), ends=Unindexed(F("end"))
    )
    return enrolments.filter(starts__lte=period.end).filter(
        Q(ends__isnull=True) | Q(ends__gte=period.start)
    )


def _main(
    period,
    scope: Scope,
    dims: Sequence[str],
    as_of: datetime.date,
    ctx: QueryContext,
) -> dict:
    """Counts, distinct participants and costs per group of ``dims``."""
    start, end = period.start, period.end
    open_until = min(end, as_of)
    enrolments = _active(period, scope)
    ended = Q(end__gte=start, end__lte=end)
    earlier = Enrolment.objects.filter(participant_id=OuterRef("participant_id"), start__lt=start)
    # Days of the enrolment inside the period (none when it starts after "today").
    days = Greatest(
        DaysBetween(
            Least(Coalesce(F("end"), Value(open_until)), Value(end)),
            Greatest(F("start"), Value(start)),
        )
        + 1,
        Value(0),
    )
    monthly = ctx.by_intervention("intervention_id", ctx.costs, Decimal(0))
    cost = ExpressionWrapper(
        days * monthly, output_field=DecimalField(max_digits=20, decimal_places=2)
    )
    aggregates = {
        "active": Count("participant_id", distinct=True),
        "new": Count(
            "participant_id", distinct=True, filter=Q(start__gte=start) & Q(~Exists(earlier))
        ),
        "ended": Count("pk", filter=ended),
        "exit_ws": Count("pk", filter=ended & in_ids("exit_status_id", ctx.ws)),
        "exit_work": Count("pk", filter=ended & in_ids("exit_status_id", ctx.work)),
        "cost": Sum(cost, output_field=DecimalField(max_digits=20, decimal_places=2)),
    }
    if not dims:
        return {TOTAL: enrolments.aggregate(**aggregates)}
    names = _names(dims, ctx)
    rows = enrolments.annotate(**names).values(*names).annotate(**aggregates).order_by()
    return {_key(row, dims): row for row in rows}


def _observations(period, scope: Scope, dims: Sequence[str], ctx: QueryContext) -> dict:
    observations = (
        scoped(OutcomeObservation.objects.all(), scope, "enrolment__")
        .alias(ends=Unindexed(F("enrolment__end")))
        .filter(ends__gte=period.start, ends__lte=period.end)
    )
    aggregates = {}
    for days in FOLLOW_UP_DAYS:
        at = Q(days_after_exit=days)
        aggregates[f"n{days}"] = Count("pk", filter=at)
        aggregates[f"k{days}"] = Count("pk", filter=at & in_ids("status_id", ctx.ws))
    if not dims:
        return {TOTAL: observations.aggregate(**aggregates)}
    names = _names(dims, ctx, "enrolment__")
    rows = observations.annotate(**names).values(*names).annotate(**aggregates).order_by()
    return {_key(row, dims): row for row in rows}


def _medians(period, scope: Scope, dims: Sequence[str], ctx: QueryContext) -> dict[GroupKey, float]:
    """The median days per group: the middle one or two rows of each group, picked in SQL."""
    names = _names(dims, ctx)
    partition = [F(name) for name in names] or None
    duration = DaysBetween(F("end"), F("start")) + 1
    rows = (
        scoped(Enrolment.objects.all(), scope)
        .alias(ends=Unindexed(F("end")))
        .filter(ends__gte=period.start, ends__lte=period.end)
        .annotate(**names, duration=duration)
        .annotate(
            position=Window(
                RowNumber(), partition_by=partition, order_by=[F("duration").asc(), F("pk").asc()]
            ),
            size=Window(Count("pk"), partition_by=partition),
        )
        .filter(position__gte=(F("size") + 1) / 2, position__lte=(F("size") + 2) / 2)
        .values(*names, "duration")
        .order_by()
    )
    middles: dict[GroupKey, list[int]] = defaultdict(list)
    for row in rows:
        middles[_key(row, dims)].append(row["duration"])
    # An even group has two middle values: the median is their mean.
    return {key: sum(values) / len(values) for key, values in middles.items()}


def register_raw(
    period, scope: Scope, dims: Sequence[str], as_of, ctx: QueryContext, kpis: set[str]
) -> dict:
    """The unprotected aggregates of each group of ``dims``, straight from the register."""
    result: dict[GroupKey, Raw] = {}
    for key, row in _main(period, scope, dims, as_of, ctx).items():
        result[key] = Raw(
            active=row["active"] or 0,
            new=row["new"] or 0,
            ended=row["ended"] or 0,
            exit_ws=row["exit_ws"] or 0,
            exit_work=row["exit_work"] or 0,
            cost=Decimal(row["cost"] or 0).quantize(OERE, rounding=ROUND_HALF_UP),
        )
    if any(k.startswith("work_or_studies_") for k in kpis):
        for key, row in _observations(period, scope, dims, ctx).items():
            raw = result.setdefault(key, Raw())
            for days in FOLLOW_UP_DAYS:
                raw.observed[days] = row[f"n{days}"] or 0
                raw.observed_ws[days] = row[f"k{days}"] or 0
    if "median_days_in_intervention" in kpis:
        for key, median in _medians(period, scope, dims, ctx).items():
            result.setdefault(key, Raw()).median = median
    return result


def raw_from_register(
    period, scope: Scope, grouping: Sequence[str] = (), *, as_of: datetime.date | None = None
) -> dict[GroupKey, Raw]:
    """:func:`raw_figures` computed straight from the register, without the facts: the
    second computation the facts-based one is checked against (tests and benchmark only)."""
    from django.utils import timezone

    dims = parse_breakdown(list(grouping))
    return register_raw(
        period, scope, dims, as_of or timezone.localdate(), QueryContext.load(), set(KPIS)
    )
