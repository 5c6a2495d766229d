"""Disclosure control: no aggregated figure that leaves Etablera may single out a person.

Every figure computed from the participant register passes through this module before it is
shown on a page, written to a PDF, a workbook or a CSV file, returned by the API or printed by
a command. It applies two rules.

**Primary suppression** (thresholds in settings, defaults after Statistics Sweden's practice for
integration statistics):

* a count below ``ETABLERA_SUPPRESSION_THRESHOLD`` (5) is suppressed;
* a share is shown only where the group has at least ``ETABLERA_SHARE_MIN_GROUP`` (20) people
  and at least ``ETABLERA_SHARE_MIN_EACH`` (5) of them have, and as many lack, the property;
* a statistic over a group (a median) is shown only where the group reaches the count threshold.

**Secondary suppression**: a suppressed cell must not be recoverable from the visible cells and
the visible totals of the tables it appears in, across the margins of one- and two-way tables.

The reasoning behind the secondary rule: a one-way table with its total, or a two-way table with
its row, column and grand totals, is a set of linear equations (each line of cells sums to its
total). Flip the sign of the margin cells and the table becomes a table whose every row and
column sums to zero; it is then a bipartite graph — one vertex per line, one edge per cell —
and changing the cells around any cycle of that graph, alternately by +1 and −1, keeps every
line sum. So a suppressed cell is safe when it lies on a cycle of suppressed cells that can move
that way without a count going negative (or a share's numerator above its group): a second
table, identical in every published figure, then differs in that cell. ``secondary`` finds, for
each suppressed cell that lies on no such cycle, the cheapest set of further cells (smallest
values first, totals last) that closes one — a shortest path in the graph — and suppresses them.
``witness`` returns that other table for a cell, which the tests check against everything
published.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from etablera.web.tables import SUPPRESSED_EXPLANATION, SUPPRESSED_SYMBOL, Cell

__all__ = [
    "SUPPRESSED_EXPLANATION",
    "SUPPRESSED_SYMBOL",
    "DisclosureConfigurationError",
    "Figure",
    "Kind",
    "Line",
    "Thresholds",
    "breakdowns",
    "cell",
    "hierarchy",
    "one_way",
    "primary",
    "secondary",
    "suppress",
    "thresholds",
    "two_way",
    "witness",
]

#: A cell's key: anything hashable (typed loosely so that callers' tuple keys fit).
Key = Any

#: The settings that hold the thresholds, with their defaults.
SETTINGS = {
    "ETABLERA_SUPPRESSION_THRESHOLD": 5,
    "ETABLERA_SHARE_MIN_GROUP": 20,
    "ETABLERA_SHARE_MIN_EACH": 5,
}


class DisclosureConfigurationError(ImproperlyConfigured):
    """A threshold that would weaken or switch off disclosure control; nothing is published."""


@dataclass(frozen=True)
class Thresholds:
    """The primary suppression thresholds; validated so that none can switch suppression off."""

    count: int = 5
    share_group: int = 20
    share_each: int = 5

    def __post_init__(self) -> None:
        names = {
            "count": "ETABLERA_SUPPRESSION_THRESHOLD",
            "share_group": "ETABLERA_SHARE_MIN_GROUP",
            "share_each": "ETABLERA_SHARE_MIN_EACH",
        }
        for attr, setting in names.items():
            value = getattr(self, attr)
            if isinstance(value, bool) or not isinstance(value, int):
                raise DisclosureConfigurationError(
                    f"{setting} must be a whole number of people (at least 1), not {value!r}. "
                    "Disclosure control refuses to publish figures until it is corrected."
                )
            if value < 1:
                raise DisclosureConfigurationError(
                    f"{setting} is {value}: a threshold below 1 would switch disclosure control "
                    "off. Set it to a whole number of at least 1 (the default is "
                    f"{SETTINGS[setting]}); no figures are published until it is corrected."
                )
        if self.share_group < 2 * self.share_each:
            raise DisclosureConfigurationError(
                f"ETABLERA_SHARE_MIN_GROUP ({self.share_group}) must be at least twice "
                f"ETABLERA_SHARE_MIN_EACH ({self.share_each}): a group must be able to hold that "
                "many people with and without the property."
            )


def thresholds() -> Thresholds:
    """The thresholds from settings, validated (read on every call: settings may be overridden)."""
    return Thresholds(
        count=getattr(settings, "ETABLERA_SUPPRESSION_THRESHOLD", 5),
        share_group=getattr(settings, "ETABLERA_SHARE_MIN_GROUP", 20),
        share_each=getattr(settings, "ETABLERA_SHARE_MIN_EACH", 5),
    )


class Kind(StrEnum):
    """What a figure is; it decides the primary rule and whether cells add up to totals."""

    COUNT = "count"  # a number of people or enrolments; cells add up to their totals
    SHARE = "share"  # k of n have a property; numerators add up to their totals
    STATISTIC = "statistic"  # a median or mean over n units; not additive


@dataclass(frozen=True)
class Figure:
    """An aggregate before disclosure control: the value to publish and the units behind it.

    ``n`` is the number of people (or enrolments) the figure is about — the count itself, or a
    share's denominator; ``k`` is, for a share, how many of the ``n`` have the property.
    """

    value: Any
    n: int
    k: int = 0


def primary(kind: Kind, figure: Figure, limits: Thresholds) -> bool:
    """Whether ``figure`` must be suppressed on its own (primary suppression)."""
    if figure.value is None:
        return True
    if kind is Kind.COUNT or kind is Kind.STATISTIC:
        return figure.n < limits.count
    return (
        figure.n < limits.share_group
        or figure.k < limits.share_each
        or figure.n - figure.k < limits.share_each
    )


def directions(kind: Kind, figure: Figure) -> frozenset[int]:
    """How a cell's underlying count may change by one and stay possible.

    For a count: up always, down unless it is 0. For a share, the numerator moves with the group
    size held fixed: up while someone in the group lacks the property, down while someone has it.
    A share of an empty group cannot move: it has nothing to disclose.
    """
    if kind is Kind.COUNT:
        return frozenset({1, -1}) if figure.n >= 1 else frozenset({1})
    dirs = set()
    if figure.n - figure.k >= 1:
        dirs.add(1)
    if figure.k >= 1:
        dirs.add(-1)
    return frozenset(dirs)


# --- table shapes --------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One equation of what is published: ``parts`` add up to ``totals`` (usually one total).

    ``others`` are cells of another table of the same population that add up to the same sum:
    one-way tables by gender and by age band share their total, so the age cells add up to the
    gender cells (``breakdowns`` chains them that way, so each cell is in at most two lines).
    """

    parts: tuple[Key, ...]
    totals: tuple[Key, ...] = ()
    others: tuple[Key, ...] = ()

    def terms(self) -> list[tuple[Key, int]]:
        """The equation as (cell, coefficient) pairs that sum to zero."""
        return [
            *((key, 1) for key in self.parts),
            *((key, -1) for key in self.totals),
            *((key, -1) for key in self.others),
        ]


def one_way(cells: Sequence[Key], total: Key) -> list[Line]:
    """A one-way table: its cells add up to its total."""
    return [Line(tuple(cells), (total,))]


def breakdowns(tables: Sequence[Sequence[Key]], total: Key) -> list[Line]:
    """Several one-way tables of the same population, each adding up to the same total."""
    lines: list[Line] = []
    previous: tuple[Key, ...] = ()
    for cells in tables:
        if not cells:
            continue
        if not previous:
            lines.append(Line(tuple(cells), (total,)))
        else:
            lines.append(Line(tuple(cells), others=previous))
        previous = tuple(cells)
    return lines


def two_way(
    rows: Sequence[Key], cols: Sequence[Key], cells: Mapping[tuple[int, int], Key], total: Key
) -> list[Line]:
    """A two-way table with margins: ``cells[(i, j)]`` (missing combinations are empty),
    row totals ``rows``, column totals ``cols`` and the grand total."""
    lines = [
        Line(tuple(cells[(i, j)] for j in range(len(cols)) if (i, j) in cells), (row,))
        for i, row in enumerate(rows)
    ]
    lines += [
        Line(tuple(cells[(i, j)] for i in range(len(rows)) if (i, j) in cells), (col,))
        for j, col in enumerate(cols)
    ]
    lines += [Line(tuple(rows), (total,)), Line(tuple(cols), (total,))]
    return lines


def hierarchy(groups: Mapping[Key, Sequence[Key]], total: Key | None = None) -> list[Line]:
    """Subtotals over groups of cells (interventions within categories), and their total."""
    lines = [Line(tuple(children), (subtotal,)) for subtotal, children in groups.items()]
    if total is not None:
        lines.append(Line(tuple(groups), (total,)))
    return lines


@dataclass(frozen=True)
class _Arc:
    """A cell as an arc between the two lines it belongs to (``tail`` → ``head``).

    Every line equation, signed, says: what flows in equals what flows out. A cell that belongs
    to one line only runs to or from a vertex that stands for the sum of all the equations.
    ``level`` is 0 for a cell, 1 for a subtotal or margin, 2 for a grand total: the cost of
    hiding it grows with the level.
    """

    key: Key
    tail: int
    head: int
    level: int


class NotANetwork(ValueError):
    """Lines that are not the margins of one- and two-way tables (a programming error)."""


def _arcs(lines: Sequence[Line]) -> list[_Arc]:
    """Orient the lines so that every cell leaves one line and enters the other."""
    member: dict[Key, list[tuple[int, int]]] = {}
    for index, line in enumerate(lines):
        for key, coefficient in line.terms():
            member.setdefault(key, []).append((index, coefficient))
    for key, places in member.items():
        if len(places) > 2:
            raise NotANetwork(f"{key!r} belongs to more than two lines")
    sign: dict[int, int] = {}
    neighbours: dict[int, list[tuple[int, int]]] = {}
    for key, places in member.items():
        if len(places) == 2:
            (a, ca), (b, cb) = places
            if a == b:
                raise NotANetwork(f"{key!r} appears twice in one line")
            # The cell must leave one line and enter the other: sign[b] * cb == -sign[a] * ca.
            relation = -ca * cb
            neighbours.setdefault(a, []).append((b, relation))
            neighbours.setdefault(b, []).append((a, relation))
    for start in range(len(lines)):
        if start in sign:
            continue
        sign[start] = 1
        queue = deque([start])
        while queue:
            current = queue.popleft()
            for other, relation in neighbours.get(current, ()):
                wanted = sign[current] * relation
                if other not in sign:
                    sign[other] = wanted
                    queue.append(other)
                elif sign[other] != wanted:
                    raise NotANetwork("the lines cannot be oriented as one network")
    rest = len(lines)  # the vertex for the sum of all equations
    totals = {key for line in lines for key in line.totals}
    parts = {key for line in lines for key in line.parts}
    arcs = []
    for key, places in member.items():
        ends = {sign[index] * coefficient: index for index, coefficient in places}
        tail = ends.get(1, rest)
        head = ends.get(-1, rest)
        level = 0 if key not in totals else (2 if key not in parts else 1)
        arcs.append(_Arc(key, tail, head, level))
    return arcs


# --- secondary suppression -----------------------------------------------------------------

_LEVEL_COST = (0, 10**9, 10**12)


@dataclass
class _Graph:
    arcs: list[_Arc]
    figures: Mapping[Key, Figure]
    kind: Kind
    dirs: dict[Key, frozenset[int]] = field(default_factory=dict)
    adjacency: dict[int, list[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for index, arc in enumerate(self.arcs):
            figure = self.figures.get(arc.key, Figure(0, 0, 0))
            self.dirs[arc.key] = directions(self.kind, figure)
            self.adjacency.setdefault(arc.tail, []).append(index)
            self.adjacency.setdefault(arc.head, []).append(index)

    def steps(self, vertex: int, skip: int) -> Iterable[tuple[int, int, int]]:
        """(arc index, next vertex, change of the cell) for the ways out of ``vertex``."""
        for index in self.adjacency.get(vertex, ()):
            if index == skip:
                continue
            arc = self.arcs[index]
            if vertex == arc.tail:
                change, other = 1, arc.head
            else:
                change, other = -1, arc.tail
            if change in self.dirs[arc.key]:
                yield index, other, change

    def cost(self, index: int) -> int:
        arc = self.arcs[index]
        figure = self.figures.get(arc.key, Figure(0, 0, 0))
        return _LEVEL_COST[arc.level] + figure.n + 1

    def cycle(
        self, index: int, suppressed: set[Key], usable: set[Key] | None
    ) -> tuple[int, dict[Key, int]] | None:
        """The cheapest cycle through arc ``index``: (cost, change per cell), or None.

        With ``usable`` None only suppressed cells may be used (is the cell already safe?);
        otherwise suppressed cells and those in ``usable``, at the cost of suppressing them.
        """
        arc = self.arcs[index]
        best: tuple[int, dict[Key, int]] | None = None
        for change in sorted(self.dirs[arc.key], reverse=True):
            # Moving the cell up runs tail → head; the rest of the cycle leads back.
            start, goal = (arc.head, arc.tail) if change == 1 else (arc.tail, arc.head)
            found = self._path(start, goal, index, suppressed, usable)
            if found is None:
                continue
            cost, path = found
            if best is None or cost < best[0]:
                best = (cost, {arc.key: change, **path})
        return best

    def _path(
        self, start: int, goal: int, skip: int, suppressed: set[Key], usable: set[Key] | None
    ) -> tuple[int, dict[Key, int]] | None:
        distance = {start: 0}
        came: dict[int, tuple[int, int, int]] = {}
        heap = [(0, start)]
        while heap:
            dist, vertex = heapq.heappop(heap)
            if vertex == goal:
                return dist, self._unwind(came, start, goal)
            if dist > distance.get(vertex, dist):
                continue
            for index, other, change in self.steps(vertex, skip):
                key = self.arcs[index].key
                if key in suppressed:
                    step = 0
                elif usable is not None and key in usable:
                    step = self.cost(index)
                else:
                    continue
                if dist + step < distance.get(other, dist + step + 1):
                    distance[other] = dist + step
                    came[other] = (vertex, index, change)
                    heapq.heappush(heap, (dist + step, other))
        return None

    def _unwind(self, came: dict[int, tuple[int, int, int]], start: int, goal: int) -> dict:
        path: dict[Key, int] = {}
        vertex = goal
        while vertex != start:
            previous, index, change = came[vertex]
            path[self.arcs[index].key] = change
            vertex = previous
        return path


def secondary(
    figures: Mapping[Key, Figure],
    kind: Kind,
    lines: Sequence[Line],
    suppressed: Iterable[Key],
    *,
    frozen: Iterable[Key] = (),
) -> set[Key]:
    """Add secondary suppressions to ``suppressed`` for the lines published together.

    Every table published at the same time goes in ``lines`` (one-way tables that share a
    total, a two-way table and its margins, subtotals of interventions within categories), so
    that they are protected as one. ``frozen`` cells keep their state: they are published the
    same way elsewhere (a two-way table's margins are the one-way tables). Statistics (medians)
    do not add up and get no secondary suppression.
    """
    result = set(suppressed)
    if kind is Kind.STATISTIC or not lines:
        return result
    graph = _Graph(_arcs(lines), figures, kind)
    fixed = set(frozen)
    usable = {arc.key for arc in graph.arcs} - fixed
    order = sorted(
        (i for i, arc in enumerate(graph.arcs) if arc.key in result),
        key=lambda i: (graph.arcs[i].level, graph.cost(i), i),
    )
    for index in order:
        key = graph.arcs[index].key
        if not graph.dirs[key]:
            continue  # an empty group's share: nothing to disclose, nothing can hide it
        if graph.cycle(index, result, None) is not None:
            continue
        found = graph.cycle(index, result, usable - result)
        if found is None:
            # Nothing can hide this cell among the cells that may change: hide them all.
            result |= usable
        else:
            result |= set(found[1])
    return result


def suppress(
    figures: Mapping[Key, Figure],
    kind: Kind,
    lines: Sequence[Line] = (),
    *,
    also: Iterable[Key] = (),
    frozen: Mapping[Key, bool] | None = None,
    limits: Thresholds | None = None,
) -> set[Key]:
    """The keys of ``figures`` to suppress: primary, ``also`` (linked cells), then secondary.

    ``also`` names cells that must be hidden because a figure they depend on is — a share whose
    denominator count is suppressed, a cost per participant whose participant count is.
    ``frozen`` maps cells whose state is decided elsewhere to whether they are hidden.
    """
    limits = limits or thresholds()
    fixed = dict(frozen or {})
    initial = {
        key for key, figure in figures.items() if key not in fixed and primary(kind, figure, limits)
    }
    initial |= {key for key in also if key in figures and key not in fixed}
    initial |= {key for key, hidden in fixed.items() if hidden}
    return secondary(figures, kind, lines, initial, frozen=fixed)


def witness(
    lines: Sequence[Line], figures: Mapping[Key, Figure], kind: Kind, suppressed: set[Key], key: Key
) -> dict[Key, int] | None:
    """A change to suppressed cells only, keeping every line sum, that moves ``key``.

    Its existence proves that the value of ``key`` cannot be recovered from what is published:
    another table, identical in every visible cell and total, differs in it.
    """
    graph = _Graph(_arcs(lines), figures, kind)
    for index, arc in enumerate(graph.arcs):
        if arc.key == key:
            found = graph.cycle(index, suppressed, None)
            return None if found is None else found[1]
    return None


def cell(value: Any, suppressed: bool, display: str | None = None) -> Cell:
    """The presentation cell of a figure: the suppression symbol, never the value, when hidden."""
    if suppressed:
        return Cell(None, suppressed=True)
    return Cell(value, display=display)
