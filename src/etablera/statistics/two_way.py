"""Two dimensions at a time (and the total alone), from the facts: one grouped query for the
counts, distinct participants, costs and observations, one for the lengths of stay.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast

from django.db.models import (
    BigIntegerField,
    Count,
    DecimalField,
    ExpressionWrapper,
    Q,
    Sum,
)

from .definitions import FOLLOW_UP_DAYS, OERE, Scope, decoded
from .fact_queries import (
    ended_and_days,
    ended_counts,
    enrolment_keys,
    fact_group,
    facts_in,
    lengths,
    participant_key,
)
from .results import GroupKey, QueryContext, Raw


def by_groups(
    period, scope: Scope, dims: Sequence[str], as_of, ctx: QueryContext, kpis: set[str]
) -> dict[GroupKey, Raw]:
    """The unprotected aggregates of each group of ``dims`` (two at a time, or none: the
    total), from the facts: one grouped query for the counts, distinct participants, costs and
    observations, and one for the lengths of the ended enrolments (:func:`lengths`). Costs
    and observations are left out when no KPI asked for needs them (a trend's points)."""
    first, ended, days = ended_and_days(period, as_of)
    new = Q(first_day__gte=first)
    counts = ended_counts(ended, ctx)
    observed = FOLLOW_UP_DAYS if any(k.startswith("work_or_studies_") for k in kpis) else ()
    counted = ["ended", "exit_ws", "exit_work", *(f"{x}{d}" for d in observed for x in "nk")]
    aggregates: dict[str, Any] = {
        "active": Count("participant_id", distinct=True),
        "new": Count("participant_id", distinct=True, filter=new),
        # Distinct participants' keys: different participants never share a key.
        "key_active": Sum(participant_key(), distinct=True, output_field=BigIntegerField()),
        "key_new": Sum(
            participant_key(), distinct=True, filter=new, output_field=BigIntegerField()
        ),
        **{name: Count("pk", filter=counts[name]) for name in counted},
        **{f"key_{name}": enrolment_keys(counts[name]) for name in counted},
    }
    if kpis & {"cost_per_participant", "cost_per_exit_work_or_studies"}:
        money = DecimalField(max_digits=20, decimal_places=2)
        monthly = ctx.by_intervention("intervention_id", ctx.costs, Decimal(0))
        cost = ExpressionWrapper(days * monthly, output_field=money)
        aggregates["cost"] = Sum(cost, output_field=money)
    groups = {f"g_{d}": fact_group(d, ctx) for d in dims}
    facts = facts_in(period, scope)
    rows = cast(
        Iterable[dict[str, Any]],
        facts.values(**groups).annotate(**aggregates).order_by()
        if groups
        else [facts.aggregate(**aggregates)],
    )
    result: dict[GroupKey, Raw] = {}
    for row in rows:
        raw = Raw(
            active=row["active"] or 0,
            new=row["new"] or 0,
            ended=row["ended"] or 0,
            exit_ws=row["exit_ws"] or 0,
            exit_work=row["exit_work"] or 0,
            cost=Decimal(row.get("cost") or 0).quantize(OERE, rounding=ROUND_HALF_UP),
        )
        for d in observed:
            raw.observed[d], raw.observed_ws[d] = row[f"n{d}"] or 0, row[f"k{d}"] or 0
        raw.keys = {name: int(row[f"key_{name}"] or 0) for name in ("active", "new", *counted)}
        result[tuple((d, decoded(d, row[f"g_{d}"])) for d in dims)] = raw
    if "median_days_in_intervention" in kpis:
        for key, median in lengths(period, scope, dims, ctx).items():
            result.setdefault(key, Raw()).median = median
    return result
