"""What the two facts-based engines (``one_way`` and ``two_way``) share: which facts a period
and scope take in, the facts' columns per dimension, and the lengths of stay per group.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, cast

from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Least

from .definitions import FOLLOW_UP_DAYS, Scope, decoded
from .disclosure import RecordKey
from .facts import day_number
from .models import EnrolmentFact
from .results import GroupKey, QueryContext, in_ids, median_of

#: The facts' column of each dimension the facts keep.
FACT_COLUMN = {
    "intervention": "intervention_id",
    "gender": "gender",
    "education": "education",
    "reception": "reception",
    "age": "age",
}


def period_days(period, as_of) -> tuple[int, int, int]:
    """The period's first and last day and the day open enrolments are costed up to."""
    return (
        day_number(period.start),
        day_number(period.end),
        day_number(min(period.end, as_of)),
    )


def ended_and_days(period, as_of) -> tuple[int, Q, Any]:
    """The period's first day; which facts ended in the period; and each fact's days in it
    (open enrolments up to ``as_of``; none for one that starts after it)."""
    first, last, open_until = period_days(period, as_of)
    days = Greatest(
        Least(Coalesce(F("end_day"), Value(open_until)), Value(last))
        - Greatest(F("start_day"), Value(first))
        + 1,
        Value(0),
    )
    return first, Q(end_day__gte=first, end_day__lte=last), days


def facts_in(period, scope: Scope) -> QuerySet[EnrolmentFact]:
    """The facts of the enrolments in scope active in the period."""
    first, last = day_number(period.start), day_number(period.end)
    facts = EnrolmentFact.objects.all()
    if scope.unit_ids is not None:
        facts = facts.filter(unit_id__in=sorted(scope.unit_ids))
    return facts.filter(start_day__lte=last).filter(Q(end_day__isnull=True) | Q(end_day__gte=first))


def fact_group(dim: str, ctx: QueryContext) -> Any:
    """The group value of ``dim`` in the facts (category from intervention by CASE)."""
    if dim == "category":
        return ctx.by_intervention("intervention_id", ctx.categories, "other")
    return F(FACT_COLUMN[dim])


def lengths(period, scope: Scope, dims: Sequence[str], ctx: QueryContext) -> dict[GroupKey, float]:
    """The median days in intervention of each group of ``dims``, read off each group's
    histogram of lengths (one grouped query of the ended enrolments' facts)."""
    first, last = day_number(period.start), day_number(period.end)
    groups = {f"g_{d}": fact_group(d, ctx) for d in dims}
    ended = facts_in(period, scope).filter(end_day__gte=first, end_day__lte=last)
    counted = ended.values(**groups, duration=F("end_day") - F("start_day") + 1)
    rows = cast(Iterable[dict[str, Any]], counted.annotate(n=Count("pk")).order_by())
    histograms: dict[GroupKey, dict[int, int]] = defaultdict(dict)
    for row in rows:
        key = tuple((d, decoded(d, row[f"g_{d}"])) for d in dims)
        histograms[key][row["duration"]] = row["n"]
    return {key: median_of(histogram) for key, histogram in histograms.items()}


def enrolment_keys(condition: Q) -> Sum:
    """The sum of the record keys of the facts that meet ``condition``: with the count of
    the same facts, the cell key of the count (``disclosure``)."""
    return Sum(
        Case(
            When(condition, then=RecordKey(F("pk"), "enrolment")),
            default=Value(0),
            output_field=BigIntegerField(),
        ),
        output_field=BigIntegerField(),
    )


def participant_key() -> RecordKey:
    """A participant's record key, the same in every fact of theirs."""
    return RecordKey(F("participant_id"), "participant")


def ended_counts(ended: Q, ctx: QueryContext) -> dict[str, Q]:
    """The counts of ended enrolments by name (as in ``Raw.counts``), each as its condition."""
    counts = {
        "ended": ended,
        "exit_ws": ended & in_ids("exit_status_id", ctx.ws),
        "exit_work": ended & in_ids("exit_status_id", ctx.work),
    }
    for d in FOLLOW_UP_DAYS:
        counts[f"n{d}"] = ended & Q(**{f"status_{d}__isnull": False})
        counts[f"k{d}"] = ended & in_ids(f"status_{d}", ctx.ws)
    return counts
