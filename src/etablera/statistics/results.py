"""What one KPI computation works with and returns: a group's unprotected aggregates
(:class:`Raw`), the query context every query of a computation shares, and the protected
report (:class:`KpiReport`) that is all that leaves the statistics app.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db import connection, connections
from django.db.models import (
    Case,
    CharField,
    DecimalField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from etablera.register.models import (
    Intervention,
    StatusCategory,
)
from etablera.web.tables import Cell

from . import disclosure
from .definitions import DAYS_PER_MONTH, FOLLOW_UP_DAYS, Scope

GroupKey = tuple[tuple[str, Any], ...]


@dataclass(frozen=True)
class Figure:
    """A KPI's unprotected value with the people behind it (``n``; ``k`` of them with the
    property, for a share): what the engines compute, before ``protection.publish``."""

    value: Any
    n: int
    k: int = 0


TOTAL: GroupKey = ()


@dataclass
class Raw:
    """The unprotected aggregates of one group. Never shown: disclosure control comes first."""

    active: int = 0
    new: int = 0
    ended: int = 0
    exit_ws: int = 0
    exit_work: int = 0
    cost: Decimal = Decimal(0)
    observed: dict[int, int] = field(default_factory=lambda: dict.fromkeys(FOLLOW_UP_DAYS, 0))
    observed_ws: dict[int, int] = field(default_factory=lambda: dict.fromkeys(FOLLOW_UP_DAYS, 0))
    median: float | None = None
    #: The sum of the record keys of each count's records (``disclosure``): the counts of
    #: :meth:`counts` by name. Not compared: the reference computation has no keys.
    keys: dict[str, int] = field(default_factory=dict, compare=False)

    def counts(self) -> dict[str, int]:
        """The true counts of the group by name; each has its cell key in :attr:`keys`."""
        result = {
            "active": self.active,
            "new": self.new,
            "ended": self.ended,
            "exit_ws": self.exit_ws,
            "exit_work": self.exit_work,
        }
        for d in FOLLOW_UP_DAYS:
            result[f"n{d}"], result[f"k{d}"] = self.observed[d], self.observed_ws[d]
        return result


def _share(k: int, n: int) -> float | None:
    return None if n == 0 else round(100 * k / n, 1)


def _per(cost: Decimal, n: int) -> int | None:
    if n == 0:
        return None
    return int((cost / DAYS_PER_MONTH / n).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def figures_of(raw: Raw) -> dict[str, Figure]:
    """Each KPI of a group as a disclosure ``Figure`` (value, and the people behind it)."""
    result = {
        "active_participants": Figure(raw.active, raw.active),
        "new_participants": Figure(raw.new, raw.new),
        "ended_enrolments": Figure(raw.ended, raw.ended),
        "exit_work_or_studies_share": Figure(
            _share(raw.exit_ws, raw.ended), raw.ended, raw.exit_ws
        ),
        "exit_unsubsidised_work_share": Figure(
            _share(raw.exit_work, raw.ended), raw.ended, raw.exit_work
        ),
        "median_days_in_intervention": Figure(raw.median, raw.ended),
        "cost_per_participant": Figure(_per(raw.cost, raw.active), raw.active),
        "cost_per_exit_work_or_studies": Figure(_per(raw.cost, raw.exit_ws), raw.exit_ws),
    }
    for days in FOLLOW_UP_DAYS:
        n, k = raw.observed[days], raw.observed_ws[days]
        result[f"work_or_studies_{days}d_share"] = Figure(_share(k, n), n, k)
    return result


@dataclass
class Group:
    """A row of a breakdown: its key, labels per dimension, and its protected cells."""

    key: GroupKey
    labels: dict[str, str]
    cells: dict[str, Cell]

    @property
    def is_total(self) -> bool:
        return self.key == TOTAL

    def value(self, dimension: str) -> Any:
        return dict(self.key).get(dimension)

    def label(self, dimension: str) -> str:
        return self.labels.get(dimension, str(_("Totalt")))


@dataclass
class KpiReport:
    """The protected KPIs of a period and scope, with the breakdowns asked for."""

    period: Any  # goals.periods.PeriodRange
    scope: Scope
    by: tuple[str, ...]
    as_of: datetime.date
    groups: dict[GroupKey, Group]
    order: dict[tuple[str, ...], list[GroupKey]]
    thresholds: disclosure.Thresholds
    #: No enrolment in scope was active in the period.
    empty: bool = False
    #: Per KPI, the most any published cell of it may lie from the register (its unit).
    deviation: dict[str, float] = field(default_factory=dict)
    #: The figures of a closed follow-up period, as kept when first published (``frozen``);
    #: otherwise preliminary: they follow the register.
    final: bool = False
    #: A final period's groups as the register gives them now, when late registrations have
    #: changed any published value (the month's release, with the same protection); else None.
    revised: dict[GroupKey, Group] | None = None
    #: The release the revised figures are of (``2026-12``).
    revised_release: str = ""

    @property
    def total(self) -> Group:
        return self.groups[TOTAL]

    def revised_rows(self, breakdown: Sequence[str] | None = None) -> list[Group]:
        """The revised groups in the order of :meth:`rows` (empty when nothing is revised)."""
        if self.revised is None:
            return []
        wanted = tuple(breakdown) if breakdown is not None else self.by
        return [self.revised[key] for key in self.order.get(wanted, [])]

    @property
    def is_empty(self) -> bool:
        return self.empty

    def rows(self, breakdown: Sequence[str] | None = None) -> list[Group]:
        """The groups of ``breakdown`` (default: the one asked for) in display order; the
        margins of a two-way breakdown and the total follow the cells."""
        wanted = tuple(breakdown) if breakdown is not None else self.by
        return [self.groups[key] for key in self.order.get(wanted, [])]

    @property
    def has_suppressed(self) -> bool:
        return any(c.suppressed for g in self.groups.values() for c in g.cells.values())


@dataclass
class QueryContext:
    """What every query of one computation shares: the status categories that count as work
    or studies and the interventions (few: mapped in SQL by CASE instead of a join)."""

    ws: list[int]
    work: list[int]
    names: dict[int, str]
    categories: dict[int, str]
    costs: dict[int, Decimal]

    @classmethod
    def load(cls) -> QueryContext:
        rows = list(
            StatusCategory.objects.values_list("pk", "is_work", "is_subsidised_work", "is_studies")
        )
        ws = [pk for pk, work, subsidised, studies in rows if work or subsidised or studies]
        work = [pk for pk, work, _subsidised, _studies in rows if work]
        names, categories, costs = {}, {}, {}
        for pk, name, category, cost in Intervention.objects.values_list(
            "pk", "name", "category", "cost_per_participant_month"
        ):
            names[pk], categories[pk], costs[pk] = name, category, cost or Decimal(0)
        return cls(ws, work, names, categories, costs)

    @staticmethod
    def by_intervention(field_name: str, mapping: dict[int, Any], default: Any):
        """A CASE that maps an intervention id to ``mapping``'s value (ids grouped by value)."""
        ids: dict[Any, list[int]] = defaultdict(list)
        for pk, value in mapping.items():
            ids[value].append(pk)
        output = DecimalField(max_digits=12, decimal_places=2)
        if not isinstance(default, Decimal):
            output = CharField()  # type: ignore[assignment]
        whens = [
            When(Q(**{f"{field_name}__in": sorted(pks)}), then=Value(value))
            for value, pks in sorted(ids.items(), key=lambda item: str(item[0]))
            if value != default
        ]
        if not whens:
            return Value(default, output_field=output)
        return Case(*whens, default=Value(default), output_field=output)


def in_ids(field_name: str, ids: list[int]) -> Q:
    return Q(**{f"{field_name}__in": ids}) if ids else Q(pk__in=[])


def scoped(queryset: QuerySet, scope: Scope, prefix: str = "") -> QuerySet:
    if scope.unit_ids is None:
        return queryset
    return queryset.filter(**{f"{prefix}participant__owning_unit_id__in": sorted(scope.unit_ids)})


def median_of(histogram: dict[int, int]) -> float:
    """The median of the values counted in ``histogram`` (value → how many times)."""
    size = sum(histogram.values())
    # The middle one or two values (1-based positions), as statistics.median picks them.
    wanted = {(size + 1) // 2, (size + 2) // 2}
    picked, seen = [], 0
    for value in sorted(histogram):
        before, seen = seen, seen + histogram[value]
        picked += [value for position in wanted if before < position <= seen]
    return sum(picked) / len(picked)


def rows_of(queryset: QuerySet) -> tuple[list[str], list[tuple]]:
    """The column names and rows of ``queryset`` as the database driver gives them, without
    Django's per-value converters: the engine's grouped queries return thousands of rows of
    plain integers and strings, and converting each value in Python (holding the GIL that the
    other side-by-side query needs) cost more than some of the queries themselves."""
    sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        return names, cursor.fetchall()


def run_side_by_side(tasks: Mapping[Any, Callable[[], Any]]) -> dict[Any, Any]:
    """Run independent queries side by side, each on its own connection (at most
    ``ETABLERA_KPI_WORKERS`` at once), or one after another where other connections could not
    see the same data: inside a transaction (its writes are not yet visible to them) and on an
    in-memory SQLite database (every connection has its own)."""
    workers = min(len(tasks), max(1, settings.ETABLERA_KPI_WORKERS))
    if workers == 1 or connection.in_atomic_block or _in_memory():
        return {name: task() for name, task in tasks.items()}

    language = translation.get_language()

    def on_own_connection(task: Callable[[], Any]) -> Any:
        try:
            with translation.override(language):  # labels as the caller would get them
                return task()
        finally:
            connections.close_all()  # the worker thread's own connections

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="kpis") as pool:
        futures = {name: pool.submit(on_own_connection, task) for name, task in tasks.items()}
        return {name: future.result() for name, future in futures.items()}


def _in_memory() -> bool:
    return connection.vendor == "sqlite" and connection.is_in_memory_db()
