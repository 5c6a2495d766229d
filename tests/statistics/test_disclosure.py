"""Disclosure control: primary thresholds, and secondary suppression proven with generated tables.

The property tests play the attacker. For every generated table they check that (1) every cell
under a threshold is hidden, (2) no line of cells with its total has exactly one hidden cell,
(3) no hidden value is determined by the published cells and the line equations (exact linear
algebra over the rationals), and (4) for every hidden cell there is another table — identical in
every published figure, with no count negative — that differs in that cell.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etablera.statistics import disclosure
from etablera.statistics.disclosure import (
    DisclosureConfigurationError,
    Figure,
    Kind,
    Line,
    Thresholds,
)
from etablera.web.tables import SUPPRESSED_SYMBOL

LIMITS = Thresholds()


# --- thresholds -----------------------------------------------------------------------------


def test_defaults_follow_statistics_sweden():
    assert disclosure.thresholds() == Thresholds(count=5, share_group=20, share_each=5)


@pytest.mark.parametrize("value", [0, -1, -5])
def test_a_zero_or_negative_count_threshold_is_refused_with_a_clear_message(value):
    with (
        override_settings(ETABLERA_SUPPRESSION_THRESHOLD=value),
        pytest.raises(DisclosureConfigurationError, match="ETABLERA_SUPPRESSION_THRESHOLD"),
    ):
        disclosure.thresholds()


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("ETABLERA_SHARE_MIN_GROUP", 0),
        ("ETABLERA_SHARE_MIN_GROUP", -20),
        ("ETABLERA_SHARE_MIN_EACH", 0),
        ("ETABLERA_SHARE_MIN_EACH", -5),
        ("ETABLERA_SHARE_MIN_EACH", "5"),
        ("ETABLERA_SUPPRESSION_THRESHOLD", 2.5),
        ("ETABLERA_SUPPRESSION_THRESHOLD", True),
    ],
)
def test_nonsense_share_thresholds_are_refused(setting, value):
    with (
        override_settings(**{setting: value}),
        pytest.raises(DisclosureConfigurationError, match=setting),
    ):
        disclosure.thresholds()


def test_a_group_threshold_smaller_than_twice_the_each_threshold_is_refused():
    with (
        override_settings(ETABLERA_SHARE_MIN_GROUP=8, ETABLERA_SHARE_MIN_EACH=5),
        pytest.raises(DisclosureConfigurationError, match="twice"),
    ):
        disclosure.thresholds()


def test_refused_thresholds_stop_suppress_from_publishing_anything():
    with (
        override_settings(ETABLERA_SUPPRESSION_THRESHOLD=0),
        pytest.raises(DisclosureConfigurationError),
    ):
        disclosure.suppress({"a": Figure(1, 1)}, Kind.COUNT)


def test_stricter_thresholds_are_honoured():
    with override_settings(ETABLERA_SUPPRESSION_THRESHOLD=10):
        hidden = disclosure.suppress({"a": Figure(7, 7), "b": Figure(12, 12)}, Kind.COUNT)
    assert hidden == {"a"}


# --- primary suppression ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "hidden"), [(0, True), (1, True), (4, True), (5, False), (80, False)]
)
def test_counts_below_five_are_hidden(n, hidden):
    assert disclosure.primary(Kind.COUNT, Figure(n, n), LIMITS) is hidden


@pytest.mark.parametrize(
    ("k", "n", "hidden"),
    [
        (10, 19, True),  # fewer than 20 in the group
        (10, 20, False),
        (4, 40, True),  # fewer than 5 have the property
        (5, 40, False),
        (36, 40, True),  # fewer than 5 lack it
        (35, 40, False),
        (0, 0, True),  # an empty group has no share
    ],
)
def test_shares_need_twenty_in_the_group_and_five_with_and_without(k, n, hidden):
    value = None if n == 0 else 100 * k / n
    assert disclosure.primary(Kind.SHARE, Figure(value, n, k), LIMITS) is hidden


def test_a_median_needs_the_count_threshold():
    assert disclosure.primary(Kind.STATISTIC, Figure(120, 4), LIMITS)
    assert not disclosure.primary(Kind.STATISTIC, Figure(120, 5), LIMITS)


def test_a_suppressed_cell_shows_the_symbol_and_never_the_value():
    hidden = disclosure.cell(3, suppressed=True)
    assert str(hidden) == SUPPRESSED_SYMBOL
    assert hidden.value is None
    assert hidden.export_value == SUPPRESSED_SYMBOL
    assert str(disclosure.cell(0, suppressed=True)) == SUPPRESSED_SYMBOL


# --- secondary suppression, by example ------------------------------------------------------


def one_way(values: dict[str, int]) -> tuple[dict, list[Line]]:
    figures = {key: Figure(v, v) for key, v in values.items()}
    figures["T"] = Figure(sum(values.values()), sum(values.values()))
    return figures, disclosure.one_way(tuple(values), "T")


def test_a_single_small_cell_takes_the_smallest_other_cell_with_it():
    figures, lines = one_way({"K": 120, "M": 100, "X": 2})
    assert disclosure.suppress(figures, Kind.COUNT, lines) == {"X", "M"}


def test_two_small_cells_protect_each_other():
    figures, lines = one_way({"a": 50, "b": 3, "c": 2, "d": 40})
    assert disclosure.suppress(figures, Kind.COUNT, lines) == {"b", "c"}


def test_hidden_zeros_need_a_partner_that_can_be_smaller():
    # Two hidden zeros next to a visible total would both be known to be 0.
    figures, lines = one_way({"a": 0, "b": 0, "c": 30, "d": 40})
    assert disclosure.suppress(figures, Kind.COUNT, lines) == {"a", "b", "c"}


def test_shares_are_protected_on_their_numerators():
    # A's share is hidden (k < 5); with B visible, the total would give A's numerator away.
    figures = {
        "A": Figure(10.0, 30, 3),
        "B": Figure(40.0, 50, 20),
        "C": Figure(30.0, 100, 30),
        "T": Figure(29.4, 180, 53),
    }
    hidden = disclosure.suppress(figures, Kind.SHARE, disclosure.one_way(("A", "B", "C"), "T"))
    assert hidden == {"A", "B"}


def test_a_linked_cell_is_hidden_and_protected():
    figures, lines = one_way({"a": 40, "b": 30, "c": 50})
    assert disclosure.suppress(figures, Kind.COUNT, lines, also=["b"]) == {"a", "b"}


def test_medians_get_no_secondary_suppression():
    figures = {"a": Figure(90, 3), "b": Figure(120, 40), "T": Figure(118, 43)}
    lines = disclosure.one_way(("a", "b"), "T")
    assert disclosure.suppress(figures, Kind.STATISTIC, lines) == {"a"}


def test_a_two_way_table_hides_a_rectangle_not_a_lone_cell():
    figures, lines = grid_figures([[30, 2], [40, 50]], Kind.COUNT)
    hidden = disclosure.suppress(figures, Kind.COUNT, lines)
    assert hidden == {("c", 0, 0), ("c", 0, 1), ("c", 1, 0), ("c", 1, 1)}
    assert_safe(lines, figures, Kind.COUNT, hidden)


def test_one_way_tables_that_share_a_small_total_hide_everything():
    figures = {"T": Figure(3, 3)}
    figures.update({("g", i): Figure(v, v) for i, v in enumerate([1, 2])})
    figures.update({("c", i): Figure(v, v) for i, v in enumerate([3, 0])})
    lines = disclosure.breakdowns([[("g", 0), ("g", 1)], [("c", 0), ("c", 1)]], "T")
    assert disclosure.suppress(figures, Kind.COUNT, lines) == set(figures)


def test_frozen_cells_keep_their_state():
    figures, lines = grid_figures([[30, 2], [40, 50]], Kind.COUNT)
    margins = {("r", 0): False, ("r", 1): False, ("k", 0): False, ("k", 1): False, ("t",): False}
    hidden = disclosure.suppress(figures, Kind.COUNT, lines, frozen=margins)
    assert not hidden & set(margins)
    assert ("c", 0, 1) in hidden


def test_lines_that_are_not_tables_are_refused():
    lines = [Line(("a", "b"), ("T1",)), Line(("a", "c"), ("T2",)), Line(("a",), ("T3",))]
    with pytest.raises(disclosure.NotANetwork):
        disclosure.suppress({k: Figure(1, 1) for k in "abc"}, Kind.COUNT, lines)


# --- the attacker's checks --------------------------------------------------------------------


def grid_figures(
    grid: list[list[int]], kind: Kind, numerators: list[list[int]] | None = None
) -> tuple[dict, list[Line]]:
    """Figures for a grid with its margins; for shares ``numerators`` gives k per cell."""
    n_rows, n_cols = len(grid), len(grid[0])
    ks = numerators or grid

    def figure(n: int, k: int) -> Figure:
        if kind is Kind.COUNT:
            return Figure(n, n)
        return Figure(None if n == 0 else 100 * k / n, n, k)

    figures = {}
    cells = {}
    for i in range(n_rows):
        for j in range(n_cols):
            figures[("c", i, j)] = figure(grid[i][j], ks[i][j])
            cells[(i, j)] = ("c", i, j)
    for i in range(n_rows):
        figures[("r", i)] = figure(sum(grid[i]), sum(ks[i]))
    for j in range(n_cols):
        figures[("k", j)] = figure(sum(r[j] for r in grid), sum(r[j] for r in ks))
    figures[("t",)] = figure(sum(map(sum, grid)), sum(map(sum, ks)))
    lines = disclosure.two_way(
        [("r", i) for i in range(n_rows)], [("k", j) for j in range(n_cols)], cells, ("t",)
    )
    return figures, lines


def equations(lines: list[Line]) -> list[list[tuple[object, int]]]:
    """Each line as (cell, coefficient) pairs that sum to zero: its parts minus its totals."""
    return [
        [
            *((key, 1) for key in line.parts),
            *((key, -1) for key in (*line.totals, *line.others)),
        ]
        for line in lines
    ]


def amount(kind: Kind, figure: Figure) -> int:
    """The additive quantity behind a figure: the count, or a share's numerator."""
    return figure.n if kind is Kind.COUNT else figure.k


def unknowns(kind: Kind, figures, hidden) -> list:
    """Hidden cells an attacker does not already know (an empty group's share is known)."""
    return sorted((key for key in hidden if disclosure.directions(kind, figures[key])), key=repr)


def rank(rows: list[list[Fraction]]) -> int:
    matrix = [row[:] for row in rows]
    r = 0
    width = len(matrix[0]) if matrix else 0
    for c in range(width):
        pivot = next((i for i in range(r, len(matrix)) if matrix[i][c] != 0), None)
        if pivot is None:
            continue
        matrix[r], matrix[pivot] = matrix[pivot], matrix[r]
        for i in range(len(matrix)):
            if i != r and matrix[i][c] != 0:
                factor = matrix[i][c] / matrix[r][c]
                matrix[i] = [a - factor * b for a, b in zip(matrix[i], matrix[r], strict=True)]
        r += 1
    return r


def linearly_determined(lines, kind, figures, hidden) -> list:
    """Hidden cells whose value follows from the published cells by the line equations."""
    unknown = unknowns(kind, figures, hidden)
    index = {key: i for i, key in enumerate(unknown)}
    rows = []
    for equation in equations(lines):
        row = [Fraction(0)] * len(unknown)
        for key, coefficient in equation:
            if key in index:
                row[index[key]] += coefficient
        if any(row):
            rows.append(row)
    if not rows:
        return []
    base = rank(rows)
    determined = []
    for key, i in index.items():
        unit = [Fraction(0)] * len(unknown)
        unit[i] = Fraction(1)
        if rank([*rows, unit]) == base:
            determined.append(key)
    return determined


def assert_safe(lines, figures, kind, hidden, limits=LIMITS, frozen=()):
    # 1. primary suppression holds
    for key, figure in figures.items():
        if key not in frozen and disclosure.primary(kind, figure, limits):
            assert key in hidden, f"{key} is under a threshold but shown"
    unknown = set(unknowns(kind, figures, hidden))
    # 2. no line (cells and total) hides exactly one cell
    for equation in equations(lines):
        in_line = [key for key, _ in equation if key in unknown]
        assert len(in_line) != 1, f"line {equation} hides only {in_line}"
    # 3. no hidden cell is determined by the equations
    assert linearly_determined(lines, kind, figures, hidden) == []
    # 4. for every hidden cell another possible table publishes the same figures
    for key in unknown:
        change = disclosure.witness(lines, figures, kind, hidden, key)
        assert change, f"no other table hides {key}"
        assert change[key] != 0
        assert set(change) <= hidden, "the other table changes a published figure"
        for equation in equations(lines):
            assert sum(coefficient * change.get(k, 0) for k, coefficient in equation) == 0
        for k, delta in change.items():
            new = amount(kind, figures[k]) + delta
            assert new >= 0
            if kind is Kind.SHARE:
                assert new <= figures[k].n


small = st.integers(min_value=0, max_value=8)
medium = st.integers(min_value=0, max_value=60)
values = st.one_of(small, medium)
PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def grids(draw, max_side=5):
    rows = draw(st.integers(min_value=1, max_value=max_side))
    cols = draw(st.integers(min_value=1, max_value=max_side))
    return [[draw(values) for _ in range(cols)] for _ in range(rows)]


@st.composite
def share_grids(draw, max_side=4):
    grid = draw(grids(max_side=max_side))
    numerators = [[draw(st.integers(min_value=0, max_value=n)) for n in row] for row in grid]
    return grid, numerators


@PROPERTY
@given(st.lists(values, min_size=1, max_size=9))
def test_one_way_counts_never_give_a_hidden_cell_away(cells):
    figures, lines = one_way({f"c{i}": v for i, v in enumerate(cells)})
    hidden = disclosure.suppress(figures, Kind.COUNT, lines)
    assert_safe(lines, figures, Kind.COUNT, hidden)


@PROPERTY
@given(share_grids(max_side=1).map(lambda d: [row[0] for row in d[0]]), st.data())
def test_one_way_shares_never_give_a_hidden_numerator_away(ns, data):
    ks = [data.draw(st.integers(min_value=0, max_value=n)) for n in ns]
    figures = {
        f"c{i}": Figure(None if n == 0 else 100 * k / n, n, k)
        for i, (n, k) in enumerate(zip(ns, ks, strict=True))
    }
    total_n, total_k = sum(ns), sum(ks)
    figures["T"] = Figure(None if total_n == 0 else 100 * total_k / total_n, total_n, total_k)
    lines = disclosure.one_way(tuple(f"c{i}" for i in range(len(ns))), "T")
    hidden = disclosure.suppress(figures, Kind.SHARE, lines)
    assert_safe(lines, figures, Kind.SHARE, hidden)


@pytest.mark.slow
@PROPERTY
@given(grids())
def test_two_way_counts_never_give_a_hidden_cell_away(grid):
    figures, lines = grid_figures(grid, Kind.COUNT)
    hidden = disclosure.suppress(figures, Kind.COUNT, lines)
    assert_safe(lines, figures, Kind.COUNT, hidden)


@pytest.mark.slow
@PROPERTY
@given(share_grids())
def test_two_way_shares_never_give_a_hidden_numerator_away(data):
    grid, numerators = data
    figures, lines = grid_figures(grid, Kind.SHARE, numerators)
    hidden = disclosure.suppress(figures, Kind.SHARE, lines)
    assert_safe(lines, figures, Kind.SHARE, hidden)


@pytest.mark.slow
@PROPERTY
@given(grids(max_side=4), st.integers(min_value=1, max_value=12))
def test_two_way_interiors_are_protected_around_the_published_one_way_tables(grid, threshold):
    """The margins are published as one-way tables first; the two-way table may not change
    them, only hide more of its inside."""
    limits = Thresholds(count=threshold, share_group=max(20, 2 * threshold), share_each=threshold)
    figures, lines = grid_figures(grid, Kind.COUNT)
    rows = [("r", i) for i in range(len(grid))]
    cols = [("k", j) for j in range(len(grid[0]))]
    margin_lines = disclosure.breakdowns([rows, cols], ("t",))
    margins = {key: figures[key] for key in [*rows, *cols, ("t",)]}
    published = disclosure.suppress(margins, Kind.COUNT, margin_lines, limits=limits)
    frozen = {key: key in published for key in margins}
    hidden = disclosure.suppress(figures, Kind.COUNT, lines, frozen=frozen, limits=limits)
    assert {key for key in margins if key in hidden} == published
    assert_safe(lines, figures, Kind.COUNT, hidden, limits, frozen=frozen)


@pytest.mark.slow
@PROPERTY
@given(st.lists(st.lists(values, min_size=1, max_size=6), min_size=2, max_size=4))
def test_one_way_tables_sharing_a_total_are_protected_together(breakdowns):
    # Every breakdown of the same population has the same total.
    total = max(sum(cells) for cells in breakdowns)
    figures = {"T": Figure(total, total)}
    tables = []
    for b, cells in enumerate(breakdowns):
        cells = [*cells, total - sum(cells)]  # the rest of the population
        keys = tuple((b, i) for i in range(len(cells)))
        figures.update({key: Figure(v, v) for key, v in zip(keys, cells, strict=True)})
        tables.append(keys)
    lines = disclosure.breakdowns(tables, "T")
    hidden = disclosure.suppress(figures, Kind.COUNT, lines)
    assert_safe(lines, figures, Kind.COUNT, hidden)


@PROPERTY
@given(st.lists(st.lists(values, min_size=1, max_size=5), min_size=1, max_size=5))
def test_interventions_within_categories_are_protected_with_the_subtotals(categories):
    figures = {}
    groups = {}
    for c, interventions in enumerate(categories):
        keys = [("i", c, i) for i in range(len(interventions))]
        figures.update({key: Figure(v, v) for key, v in zip(keys, interventions, strict=True)})
        figures[("c", c)] = Figure(sum(interventions), sum(interventions))
        groups[("c", c)] = keys
    total = sum(map(sum, categories))
    figures["T"] = Figure(total, total)
    lines = disclosure.hierarchy(groups, "T")
    hidden = disclosure.suppress(figures, Kind.COUNT, lines)
    assert_safe(lines, figures, Kind.COUNT, hidden)
