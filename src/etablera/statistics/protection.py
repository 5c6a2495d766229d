"""Which published cells are hidden: the tables a computation publishes together, and the
primary and secondary suppression of ``disclosure`` applied to every KPI across them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from . import disclosure
from .definitions import DIMENSIONS, FOLLOW_UP_DAYS
from .disclosure import Kind, Line
from .results import TOTAL, GroupKey

#: How each KPI is protected: its kind, and the KPI whose hidden cells it must also hide.
PROTECTION: dict[str, tuple[Kind | None, str | None]] = {
    "active_participants": (Kind.COUNT, None),
    "new_participants": (Kind.COUNT, None),
    "ended_enrolments": (Kind.COUNT, None),
    # A share whose denominator count is hidden would let the count be worked out from it.
    "exit_work_or_studies_share": (Kind.SHARE, "ended_enrolments"),
    "exit_unsubsidised_work_share": (Kind.SHARE, "ended_enrolments"),
    **{f"work_or_studies_{d}d_share": (Kind.SHARE, None) for d in FOLLOW_UP_DAYS},
    "median_days_in_intervention": (Kind.STATISTIC, None),
    # Cost figures repeat the pattern of the count they divide by (no secondary of their own):
    # a visible cost per participant next to a hidden count would give the count away.
    "cost_per_participant": (None, "active_participants"),
    "cost_per_exit_work_or_studies": (None, "exit_work_or_studies_share"),
}


def ordered_values(dim: str, present: Iterable[Any], names: dict[int, str]) -> list[Any]:
    present = set(present)
    if dim == "intervention":
        return sorted(present, key=lambda pk: (names.get(pk, ""), pk))
    order = [value for value, label_of in DIMENSIONS[dim].choices]
    return [v for v in order if v in present] + sorted(
        (v for v in present if v not in order), key=str
    )


def label_of(dim: str, value: Any, names: dict[int, str]) -> str:
    if dim == "intervention":
        return names.get(value, str(value))
    for choice, label in DIMENSIONS[dim].choices:
        if choice == value:
            return str(label)
    return str(value)


@dataclass
class Plan:
    """Which groupings to query and how they are published together."""

    one_way: list[str]
    two_way: tuple[str, str] | None
    extra_two_way: tuple[str, str] | None  # category × other, nested under intervention × other


def plan_of(by: tuple[str, ...], one_way: Sequence[str] = ()) -> Plan:
    one = list(by)
    for dim in one_way:
        if dim not in one:
            one.append(dim)
    # Interventions add up to their category: the two one-way tables are always published
    # (and protected) together, so a category figure never differs between pages.
    if "intervention" in one and "category" not in one:
        one.append("category")
    if "category" in one and "intervention" not in one:
        one.append("intervention")
    two = tuple(by) if len(by) == 2 else None
    extra = None
    if two is not None and "intervention" in two:
        other = two[1] if two[0] == "intervention" else two[0]
        extra = ("category", other)
    return Plan(one, two, extra)  # type: ignore[arg-type]


def canonical(key: GroupKey, dims_order: Sequence[str]) -> GroupKey:
    position = {d: i for i, d in enumerate(dims_order)}
    return tuple(sorted(key, key=lambda item: position[item[0]]))


def protect(figures, plan: Plan, values, categories, limits) -> dict[str, set[GroupKey]]:
    """Apply primary and secondary suppression to every KPI; the hidden group keys per KPI."""
    dim_order = list(DIMENSIONS)
    one_way_keys = {d: [((d, v),) for v in values[d]] for d in plan.one_way}
    # One-way tables share the total; interventions add up to their category (category last in
    # the chain so that every cell sits in at most two lines).
    chain = [one_way_keys[d] for d in plan.one_way if d not in ("intervention", "category")]
    if "category" in plan.one_way:
        chain.append(one_way_keys["category"])
    lines: list[Line] = disclosure.breakdowns(chain, TOTAL) if chain else []
    if "intervention" in plan.one_way:
        lines += disclosure.hierarchy(_interventions_by_category(values, categories))

    two_lines: list[Line] = []
    two_keys: set[GroupKey] = set()
    if plan.two_way:
        two_lines, two_keys = _two_way_lines(plan, values, categories, figures, dim_order)

    one_keys = {TOTAL} | {k for keys in one_way_keys.values() for k in keys}
    hidden: dict[str, set[GroupKey]] = {}
    for kpi in _protection_order():
        kind, linked = PROTECTION[kpi]
        per_group = {key: f[kpi] for key, f in figures.items()}
        if kind is None:  # mirrors the pattern of the figure it divides by
            base = hidden[linked]  # type: ignore[index]
            hidden[kpi] = set(base) | {k for k, f in per_group.items() if f.value is None}
            continue
        also = hidden[linked] if linked else set()
        one = {k: per_group[k] for k in one_keys if k in per_group}
        first = disclosure.suppress(
            one, kind, lines, also={k for k in also if k in one}, limits=limits
        )
        result = set(first)
        if two_lines:
            frozen = {k: k in first for k in one}
            two = {k: per_group[k] for k in two_keys | set(one)}
            result |= disclosure.suppress(
                two,
                kind,
                two_lines,
                also={k for k in also if k in two},
                frozen=frozen,
                limits=limits,
            )
        hidden[kpi] = result
    return hidden


def _protection_order() -> list[str]:
    done: list[str] = []
    pending = list(PROTECTION)
    while pending:
        for kpi in list(pending):
            linked = PROTECTION[kpi][1]
            if linked is None or linked in done:
                done.append(kpi)
                pending.remove(kpi)
    return done


def _interventions_by_category(values, categories) -> dict[GroupKey, list[GroupKey]]:
    """Category key → the keys of the interventions under it."""
    groups: dict[GroupKey, list[GroupKey]] = defaultdict(list)
    for pk in values.get("intervention", []):
        groups[(("category", categories[pk]),)].append((("intervention", pk),))
    return dict(groups)


def _two_way_lines(
    plan: Plan, values, categories, figures, dim_order
) -> tuple[list[Line], set[GroupKey]]:
    """The lines of the two-way table (nested under categories when it is by intervention)."""
    a, b = plan.two_way  # type: ignore[misc]

    def key(x: tuple[str, Any], y: tuple[str, Any]) -> GroupKey:
        return canonical((x, y), dim_order)

    if plan.extra_two_way is None:
        rows = [((a, v),) for v in values[a]]
        cols = [((b, v),) for v in values[b]]
        cells = {}
        for i, va in enumerate(values[a]):
            for j, vb in enumerate(values[b]):
                k = key((a, va), (b, vb))
                if k in figures:
                    cells[(i, j)] = k
        return disclosure.two_way(rows, cols, cells, TOTAL), set(cells.values())

    other = plan.extra_two_way[1]
    # intervention × other cells add up along their intervention (row) and, within each
    # category, to the category × other cells, which add up along the other dimension.
    lines: list[Line] = []
    keys: set[GroupKey] = set()
    for pk in values["intervention"]:
        row = [
            key(("intervention", pk), (other, v))
            for v in values[other]
            if key(("intervention", pk), (other, v)) in figures
        ]
        keys |= set(row)
        lines.append(Line(tuple(row), ((("intervention", pk),),)))
    for c in values["category"]:
        for v in values[other]:
            nested = key(("category", c), (other, v))
            if nested not in figures:
                continue
            parts = tuple(
                key(("intervention", pk), (other, v))
                for pk in values["intervention"]
                if categories.get(pk) == c and key(("intervention", pk), (other, v)) in figures
            )
            keys.add(nested)
            lines.append(Line(parts, (nested,)))
    for v in values[other]:
        column = tuple(
            key(("category", c), (other, v))
            for c in values["category"]
            if key(("category", c), (other, v)) in figures
        )
        lines.append(Line(column, (((other, v),),)))
    for c in values["category"]:
        lines.append(
            Line(
                tuple(
                    ((("intervention", pk),))
                    for pk in values["intervention"]
                    if categories.get(pk) == c
                ),
                ((("category", c),),),
            )
        )
    lines.append(Line(tuple(((("category", c),)) for c in values["category"]), (TOTAL,)))
    lines.append(Line(tuple((((other, v),)) for v in values[other]), (TOTAL,)))
    return lines, keys
