"""What may be published of a computation's figures: every cell through cell-key
perturbation and the rules around it (``disclosure``), and the layout of the tables published
together (which groups, in which order; empty groups included, shown like hidden ones).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from etablera.web.tables import Cell

from . import disclosure
from .definitions import DAYS_PER_MONTH, DIMENSIONS, FOLLOW_UP_DAYS, KPIS
from .disclosure import Thresholds
from .results import GroupKey, Raw

#: The counts a share divides, per share KPI: (numerator, denominator) in ``Raw.keys``' names.
SHARES = {
    "exit_work_or_studies_share": ("exit_ws", "ended"),
    "exit_unsubsidised_work_share": ("exit_work", "ended"),
    **{f"work_or_studies_{d}d_share": (f"k{d}", f"n{d}") for d in FOLLOW_UP_DAYS},
}
#: The count KPIs and their names in ``Raw``.
COUNTS = {"active_participants": "active", "new_participants": "new", "ended_enrolments": "ended"}


@dataclass
class Published:
    """A group's cells as published, and how far each visible one may lie from the register
    (in the KPI's unit: people, percentage points, days, kronor)."""

    cells: dict[str, Cell]
    deviation: dict[str, float]


def publish(raw: Raw, wanted: set[str], limits: Thresholds) -> Published:
    """Every KPI of one group as published: perturbed, rounded, or hidden (see ``disclosure``).

    Every decision depends only on the group's own records — its true counts and cell keys —
    so the same group gets the same cells in every table, output and year.
    """
    noise = limits.noise
    true = raw.counts()
    published = {
        name: disclosure.perturb(true[name], raw.keys.get(name, 0), noise) for name in true
    }

    def visible(name: str) -> bool:
        return true[name] >= limits.count and published[name] >= limits.count

    cells: dict[str, Cell] = {}
    deviation: dict[str, float] = {}
    for kpi, name in COUNTS.items():
        if visible(name):
            cells[kpi] = disclosure.cell(published[name], False)
            deviation[kpi] = noise
    for kpi, (k_name, n_name) in SHARES.items():
        n, k = published[n_name], min(published[k_name], published[n_name])
        if (
            visible(n_name)
            and n >= limits.share_group
            and min(k, n - k) >= limits.share_each
            and min(true[k_name], true[n_name] - true[k_name]) >= limits.share_each
        ):
            cells[kpi] = disclosure.cell(disclosure.share(k, n), False)
            deviation[kpi] = disclosure.share_deviation(k, n, noise)
    if (
        raw.median is not None
        and visible("ended")
        and published["ended"] >= limits.median_group
        and true["ended"] >= limits.median_group
    ):
        median = Decimal(str(raw.median)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        cells["median_days_in_intervention"] = disclosure.cell(int(median), False)
        deviation["median_days_in_intervention"] = 0.5
    for kpi, base, name in (
        ("cost_per_participant", "active_participants", "active"),
        ("cost_per_exit_work_or_studies", "exit_work_or_studies_share", "exit_ws"),
    ):
        if base in cells:
            n = published[name]
            per = raw.cost / DAYS_PER_MONTH / n
            rounded = int((per / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)) * 100
            cells[kpi] = disclosure.cell(rounded, False)
            # The true count is within the noise: the cost per person within that ratio.
            deviation[kpi] = float(per) * noise / max(1, n - noise) + 50
    hidden = disclosure.cell(None, True)
    return Published(
        {kpi: cells[kpi] if kpi in cells and kpi in wanted else hidden for kpi in KPIS},
        {kpi: value for kpi, value in deviation.items() if kpi in wanted},
    )


def ordered_values(dim: str, present: Iterable[Any], names: dict[int, str]) -> list[Any]:
    """The groups of ``dim`` in display order: every value the dimension has (every
    intervention), whether anyone is in it or not — an empty group is shown like a hidden one,
    never left out — and after them any other value found."""
    known = list(names) if dim == "intervention" else [v for v, _label in DIMENSIONS[dim].choices]
    values = set(known) | set(present)
    if dim == "intervention":
        return sorted(values, key=lambda pk: (names.get(pk, ""), pk))
    return [v for v in known if v in values] + sorted(
        (v for v in values if v not in known), key=str
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
    """Which groupings to query: the one-way breakdowns (with the total) and a two-way one."""

    one_way: list[str]
    two_way: tuple[str, str] | None


def plan_of(by: tuple[str, ...], one_way: Sequence[str] = ()) -> Plan:
    """Every cell is protected on its own (its value depends on its records alone), so the
    plan is what was asked for: no table needs another to be published with it."""
    one = list(by)
    for dim in one_way:
        if dim not in one:
            one.append(dim)
    two = (by[0], by[1]) if len(by) == 2 else None
    return Plan(one, two)


def canonical(key: GroupKey, dims_order: Sequence[str]) -> GroupKey:
    position = {d: i for i, d in enumerate(dims_order)}
    return tuple(sorted(key, key=lambda item: position[item[0]]))
