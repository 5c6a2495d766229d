"""The total and every one-way breakdown at once, from the facts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from operator import add
from typing import Any

from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    Count,
    F,
    Field,
    IntegerField,
    Max,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import Combinable, CombinedExpression
from django.db.models.functions import Cast
from django_cte import CTE, with_cte

from .definitions import (
    BANDED,
    DIMENSIONS,
    FOLLOW_UP_DAYS,
    PERSONAL,
    Scope,
    band_values,
    bits,
    decoded,
)
from .fact_queries import (
    FACT_COLUMN,
    ended_and_days,
    ended_counts,
    enrolment_keys,
    facts_in,
    lengths,
    participant_key,
)
from .facts import day_number
from .results import (
    TOTAL,
    GroupKey,
    QueryContext,
    Raw,
    median_of,
    rows_of,
    run_side_by_side,
)
from .two_way import by_groups

# Computed straight from the register (``reference.register_raw``), a breakdown costs three
# grouped queries; the total and all six one-way breakdowns that way cost 21, each reading the
# period's enrolments and their participants again. Instead, the total and every one-way
# breakdown come from the enrolments' facts (``statistics.models.EnrolmentFact``: banded, dates
# as day numbers, no join) in three queries, run side by side (``results.run_side_by_side``):
#
# * counts, costs and observations after exit add up: they are grouped by the finest
#   combination of the dimensions (category follows from intervention) and added up to every
#   one-way group in Python;
# * participants do not add up (a person with enrolments in two categories counts once in
#   each): the facts are grouped by participant, keeping each person's interventions and bands
#   as bit sets, and those people are then counted per value of each dimension, in the same
#   statement; a bit set counts in every group whose bit it has;
# * medians do not add up either, but histograms do: the number of ended enrolments per length
#   in days and intervention, with a column per value of the other dimensions. The median of a
#   group is read off its histogram.
#
# The total alone (a trend's point) is one aggregate query, with distinct counts.

#: The finest grouping the one-way breakdowns add up from (category follows from intervention).
FINE = ("intervention", "gender", "education", "reception", "age")
#: Interventions per bit set: ids in [w·WORD, (w+1)·WORD) share the bit set w (63-bit integers).
WORD = 62


def _fine(dims: Iterable[str]) -> tuple[str, ...]:
    """The finest grouping for ``dims``: always by intervention, whose monthly cost turns the
    days in intervention of a group into its cost."""
    needed = {*dims, "intervention"}
    return tuple(d for d in FINE if d in needed)


#: The counts of :func:`_fine_sums` (named as in ``Raw.counts``), each followed by its sum of
#: record keys; the days in the period come first.
COUNTED = ("ended", "exit_ws", "exit_work", *(f"{x}{d}" for d in FOLLOW_UP_DAYS for x in "nk"))
SUMS = ("days", *COUNTED, *(f"key_{name}" for name in COUNTED))


def _fine_sums(period, scope: Scope, fine: Sequence[str], as_of, ctx: QueryContext) -> list[tuple]:
    """Per finest group (values in the order of ``fine``): the :data:`SUMS` — days in the
    period, counts of ended enrolments and observations after exit, and their record keys."""
    _first, ended, days = ended_and_days(period, as_of)
    counts = ended_counts(ended, ctx)
    aggregates: dict[str, Any] = {
        # Days in the period; times the intervention's monthly cost (exact, in öre) it is
        # the group's cost.
        "days": Sum(days, output_field=IntegerField()),
        **{name: Count("pk", filter=counts[name]) for name in COUNTED},
        **{f"key_{name}": enrolment_keys(counts[name]) for name in COUNTED},
    }
    groups = {f"g_{d}": F(FACT_COLUMN[d]) for d in fine}
    rows = facts_in(period, scope).annotate(**groups).values_list(*groups)
    return rows_of(rows.annotate(**aggregates).order_by())[1]


def _people(period, scope: Scope, dims: Sequence[str], ctx: QueryContext) -> dict[GroupKey, Raw]:
    """Active and new participants in the total and every one-way group of ``dims``, in one
    statement: the facts grouped by participant, then the participants grouped by each
    dimension in turn."""
    banded = [d for d in BANDED if d in dims]
    by_intervention = "intervention" in dims
    by_category = "category" in dims
    # A person's interventions as bit sets (one per WORD of intervention ids); their
    # categories follow from them, so that a person in two interventions of one category
    # counts once in it, and one in two categories once in each.
    words = sorted({pk // WORD for pk in ctx.names}) if by_intervention or by_category else []
    columns: dict[str, Any] = {
        # New in the period: the participant's first enrolment started in it or later.
        "is_new": Max(
            Case(
                When(first_day__gte=day_number(period.start), then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        ),
        # The participant's record key (the same in all their facts): summed over the people
        # of a group it is the cell key of the group's count of participants.
        "key": Max(participant_key()),
    }
    for w in words:
        offset = Cast(F("intervention_id") - Value(w * WORD), IntegerField())
        bit: Any = CombinedExpression(
            Cast(Value(1), BigIntegerField()),
            Combinable.BITLEFTSHIFT,
            offset,
            output_field=BigIntegerField(),
        )
        if len(words) > 1:
            bit = Case(
                When(
                    Q(intervention_id__gte=w * WORD, intervention_id__lt=(w + 1) * WORD),
                    then=bit,
                ),
                default=Value(0),
                output_field=BigIntegerField(),
            )
        columns[f"w{w}"] = Sum(bit, distinct=True, output_field=BigIntegerField())
    for d in banded:
        columns[f"b_{d}"] = Sum(d, distinct=True, output_field=IntegerField())
    per_person = CTE(
        facts_in(period, scope)
        .values("participant_id", "gender", "education")
        .annotate(**columns)
        .order_by(),
        name="people",
    )
    # The people counted per combination of gender and education (each person has one of
    # each: the total and both breakdowns add up from it), of bands, and of interventions:
    # a few groupings of the same per-person rows, in one statement.
    outputs: dict[str, Field] = {
        "gender": CharField(),
        "education": CharField(),
        **{f"b_{d}": IntegerField() for d in banded},
        **{f"w{w}": BigIntegerField() for w in words},
    }
    groupings = [["gender", "education"]]
    if banded:
        groupings.append([f"b_{d}" for d in banded])
    if words:
        groupings.append([f"w{w}" for w in words])
    branches = []
    for grouped in groupings:
        shown = {
            # Typed NULLs and values: PostgreSQL sums bigints to numeric and types a bare
            # NULL as text, and a union needs one type per column.
            f"o_{name}": Cast(F(name) if name in grouped else Value(None), field)
            for name, field in outputs.items()
        }
        branches.append(
            per_person.queryset()
            .annotate(o_new=F("is_new"), **shown)
            .values(*shown, "o_new")
            .annotate(people=Count("*"), keys=Sum("key", output_field=BigIntegerField()))
            .order_by()
        )
    combined = branches[0].union(*branches[1:], all=True) if len(branches) > 1 else branches[0]
    result: dict[GroupKey, Raw] = defaultdict(Raw)
    names, found = rows_of(with_cte(per_person, select=combined))
    for values in found:
        row = dict(zip(names, values, strict=True))
        keys: list[GroupKey] = []
        if row["o_gender"] is not None:
            keys.append(TOTAL)
            keys += [((d, row[f"o_{d}"]),) for d in PERSONAL if d in dims]
        for d in banded:
            keys += [((d, decoded(d, 1 << b)),) for b in bits(row[f"o_b_{d}"])]
        if words and row[f"o_w{words[0]}"] is not None:
            interventions = [w * WORD + b for w in words for b in bits(row[f"o_w{w}"])]
            if by_intervention:
                keys += [(("intervention", pk),) for pk in interventions]
            if by_category:
                found_in = {ctx.categories.get(pk, "other") for pk in interventions}
                keys += [(("category", category),) for category in sorted(found_in)]
        people, key_sum = row["people"], int(row["keys"] or 0)
        for key in keys:
            counted = result[key]
            counted.active += people
            counted.keys["active"] = counted.keys.get("active", 0) + key_sum
            if row["o_new"]:
                counted.new += people
                counted.keys["new"] = counted.keys.get("new", 0) + key_sum
    return result


def _histograms(
    period, scope: Scope, dims: Sequence[str], ctx: QueryContext
) -> dict[GroupKey, float]:
    """The median days in intervention of the total and every one-way group of ``dims``, read
    off histograms counted in one grouped query: per length in days and intervention, a column
    per value of the other dimensions."""
    first, last = day_number(period.start), day_number(period.end)
    pivoted = [d for d in (*PERSONAL, *BANDED) if d in dims]
    groups: dict[str, Any] = {"duration": F("end_day") - F("start_day") + 1}
    if {"intervention", "category"} & set(dims):
        groups["g_intervention"] = F("intervention_id")
    values: dict[str, list[Any]] = {
        d: [1 << i for i in range(len(band_values(d)))]
        if d in BANDED
        else [str(v) for v, _label in DIMENSIONS[d].choices]
        for d in pivoted
    }
    columns: dict[str, Any] = {"n": Count("pk")}
    for d in pivoted:
        for i, value in enumerate(values[d]):
            columns[f"p_{d}_{i}"] = Sum(
                Case(
                    When(**{FACT_COLUMN[d]: value}, then=Value(1)),
                    default=Value(0),
                    output_field=IntegerField(),
                )
            )
    ended = facts_in(period, scope).filter(end_day__gte=first, end_day__lte=last)
    counts: dict[GroupKey, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    # Each pivot column: its position in a row and the histogram it counts into.
    offset = len(groups) + 1
    pivots = {
        d: [
            (offset + j, counts[((d, decoded(d, value)),)])
            for j, value in enumerate(values[d], start=sum(len(values[x]) for x in pivoted[:i]))
        ]
        for i, d in enumerate(pivoted)
    }
    total = counts[TOTAL]
    by_intervention = "intervention" in dims
    by_category = "category" in dims
    incomplete = set()
    for row in rows_of(
        ended.annotate(**groups).values_list(*groups).annotate(**columns).order_by()
    )[1]:
        duration, n = row[0], row[len(groups)]
        total[duration] += n
        if len(groups) > 1:
            pk = row[1]
            if by_intervention:
                counts[(("intervention", pk),)][duration] += n
            if by_category:
                counts[(("category", ctx.categories.get(pk, "other")),)][duration] += n
        for d, columns_of_d in pivots.items():
            found = 0
            for position, histogram in columns_of_d:
                k = row[position]
                if k:
                    histogram[duration] += k
                    found += k
            if found != n:  # a value outside the known ones: count this dimension directly
                incomplete.add(d)
    medians = {key: median_of(histogram) for key, histogram in counts.items() if histogram}
    for d in incomplete:
        medians = {k: v for k, v in medians.items() if k == TOTAL or k[0][0] != d}
        medians |= lengths(period, scope, (d,), ctx)
    return medians


def one_way_raw(
    period, scope: Scope, dims: Sequence[str], as_of, ctx: QueryContext, kpis: set[str]
) -> dict[GroupKey, Raw]:
    """The unprotected aggregates of the total and of every one-way breakdown in ``dims``, in
    three queries of the facts run side by side (see the comment above :data:`FINE`)."""
    if not dims:  # the total alone (a trend's point): one aggregate
        return {TOTAL: by_groups(period, scope, (), as_of, ctx, kpis).get(TOTAL, Raw())}
    fine = _fine(dims)
    tasks: dict[str, Callable[[], Any]] = {
        "sums": lambda: _fine_sums(period, scope, fine, as_of, ctx),
        "people": lambda: _people(period, scope, dims, ctx),
    }
    if "median_days_in_intervention" in kpis:
        tasks["medians"] = lambda: _histograms(period, scope, dims, ctx)
    done = run_side_by_side(tasks)

    decode = {d: {1 << i: v for i, v in enumerate(band_values(d))} for d in BANDED}
    at = {d: i for i, d in enumerate(fine)}
    width = len(SUMS)
    sums: dict[GroupKey, list[int]] = defaultdict(lambda: [0] * width)
    days: dict[GroupKey, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for row in done["sums"]:
        intervention = row[at["intervention"]]
        values = [int(v or 0) for v in row[len(fine) :]]
        keys = [TOTAL]
        for d in dims:
            if d == "category":
                keys.append(((d, ctx.categories.get(intervention, "other")),))
            elif d in BANDED:
                keys.append(((d, decode[d][row[at[d]]]),))
            else:
                keys.append(((d, row[at[d]]),))
        for key in keys:
            sums[key] = list(map(add, sums[key], values))
            days[key][intervention] += values[0]

    result: dict[GroupKey, Raw] = defaultdict(Raw)
    result[TOTAL] = Raw()
    for key, total in sums.items():
        figures = dict(zip(SUMS, total, strict=True))
        raw = result[key]
        raw.ended, raw.exit_ws, raw.exit_work = (
            figures["ended"],
            figures["exit_ws"],
            figures["exit_work"],
        )
        # Exact: monthly costs are in öre, days whole.
        raw.cost = sum(
            (ctx.costs.get(pk, Decimal(0)) * n for pk, n in days[key].items()), Decimal(0)
        )
        for after in FOLLOW_UP_DAYS:
            raw.observed[after] = figures[f"n{after}"]
            raw.observed_ws[after] = figures[f"k{after}"]
        raw.keys.update({name: figures[f"key_{name}"] for name in COUNTED})
    for key, counted in done["people"].items():
        result[key].active, result[key].new = counted.active, counted.new
        result[key].keys.update(counted.keys)
    for key, median in done.get("medians", {}).items():
        result[key].median = median
    return dict(result)
