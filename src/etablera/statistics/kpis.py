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

Nothing here applies disclosure control to what it returns as raw figures: ``compute`` returns
a :class:`KpiReport` whose cells have been through ``statistics.disclosure``; the raw figures
never leave this module.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast

from django.conf import settings
from django.db import connection, connections
from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Field,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.expressions import Combinable, CombinedExpression
from django.db.models.functions import Cast, Coalesce, Greatest, Least, RowNumber
from django.db.models.lookups import LessThan, LessThanOrEqual
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_cte import CTE, with_cte

from etablera.register.models import (
    EducationLevel,
    Enrolment,
    Gender,
    Intervention,
    InterventionCategory,
    OutcomeObservation,
    StatusCategory,
)
from etablera.web.tables import Cell

from . import disclosure
from .disclosure import Figure, Kind, Line
from .facts import day_number
from .models import EnrolmentFact

#: Average days in a month (365.25 / 12): a monthly cost becomes a daily one.
DAYS_PER_MONTH = Decimal("30.4375")
#: Follow-up points after exit, in days.
FOLLOW_UP_DAYS = (90, 180, 365)
OERE = Decimal("0.01")


# --- date arithmetic both databases do natively ---------------------------------------------


class DaysBetween(Func):
    """Whole days from ``earlier`` to ``later`` (``later − earlier``); NULL if either is."""

    output_field = IntegerField()
    arity = 2

    def __init__(self, later: Any, earlier: Any) -> None:
        super().__init__(later, earlier)

    def as_sql(self, compiler, connection, **extra_context):  # PostgreSQL: date − date
        later, later_params = compiler.compile(self.source_expressions[0])
        earlier, earlier_params = compiler.compile(self.source_expressions[1])
        return f"(({later})::date - ({earlier})::date)", [*later_params, *earlier_params]

    def as_sqlite(self, compiler, connection, **extra_context):
        later, later_params = compiler.compile(self.source_expressions[0])
        earlier, earlier_params = compiler.compile(self.source_expressions[1])
        return (
            f"CAST(ROUND(julianday({later}) - julianday({earlier})) AS INTEGER)",
            [*later_params, *earlier_params],
        )


class Unindexed(Func):
    """A column compared without its index on SQLite (``+column``).

    A year of a ten-year register is a tenth of the rows, scattered over the whole table: read
    through the index on ``start``, every one of them costs a random page read, while a scan
    reads each page once. PostgreSQL's planner weighs that itself.
    """

    arity = 1

    def as_sql(self, compiler, connection, **extra_context):
        return compiler.compile(self.source_expressions[0])

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"+{sql}", params

    @property
    def output_field(self):  # type: ignore[override]
        return self.source_expressions[0].output_field


class YearOf(Func):
    """The calendar year of a date, as an integer."""

    output_field = IntegerField()
    arity = 1

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST(EXTRACT(YEAR FROM {sql}) AS INTEGER)", params

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST(substr({sql}, 1, 4) AS INTEGER)", params


# --- dimensions -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Dimension:
    """Something to break the KPIs down by."""

    key: str
    label: str | Promise
    #: The values in display order with their labels (intervention: read from the database).
    choices: tuple[tuple[Any, str | Promise], ...] = ()

    def expression(self, context: _Context, prefix: str = ""):
        """The SQL expression of the group value, for enrolments reached through ``prefix``.

        Interventions are few: their category comes from a CASE over their ids rather than a
        join, which lets the database read the enrolments in one scan.
        """
        p = prefix
        if self.key == "gender":
            return F(f"{p}participant__gender")
        if self.key == "category":
            return context.by_intervention(f"{p}intervention_id", context.categories, "other")
        if self.key == "intervention":
            return Unindexed(F(f"{p}intervention_id"))
        if self.key == "education":
            return F(f"{p}participant__education_level")
        if self.key in BANDED:
            whens, default = self.bands(p)
            return Case(
                *(When(condition, then=Value(value)) for condition, value in whens),
                default=Value(default),
                output_field=CharField(),
            )
        raise KeyError(self.key)

    def bands(self, p: str = "") -> tuple[list[tuple[Any, str]], str]:
        """The conditions of a banded dimension in order, each with its value, and the default.

        Both the group value (a CASE giving the band's name) and the band's bit in a
        participant's set of bands (:func:`_people`) are built from this one definition.
        """
        if self.key == "age":
            age = YearOf(F(f"{p}start")) - F(f"{p}participant__birth_year")
            return [
                (LessThan(age, 16), "other"),
                (LessThanOrEqual(age, 24), "16-24"),
                (LessThanOrEqual(age, 39), "25-39"),
                (LessThanOrEqual(age, 64), "40-64"),
            ], "other"
        if self.key == "reception":
            days = DaysBetween(F(f"{p}start"), F(f"{p}participant__received_on"))
            return [
                (Q(**{f"{p}participant__received_on__isnull": True}), "unknown"),
                # Years of 365.25 days: under 2 years is at most 730 days, under 5 at most 1826.
                (LessThanOrEqual(days, 730), "0-2"),
                (LessThanOrEqual(days, 1826), "2-5"),
            ], "5+"
        raise KeyError(self.key)


DIMENSIONS: dict[str, Dimension] = {
    d.key: d
    for d in [
        Dimension("gender", _("Kön"), tuple(Gender.choices)),
        Dimension("category", _("Insatskategori"), tuple(InterventionCategory.choices)),
        Dimension("intervention", _("Insats")),
        Dimension(
            "reception",
            _("År sedan kommunmottagande vid start"),
            (
                ("0-2", _("0–2 år")),
                ("2-5", _("2–5 år")),
                ("5+", _("5 år eller mer")),
                ("unknown", _("Datum för kommunmottagande saknas")),
            ),
        ),
        Dimension(
            "age",
            _("Ålder vid start"),
            (
                ("16-24", _("16–24 år")),
                ("25-39", _("25–39 år")),
                ("40-64", _("40–64 år")),
                ("other", _("Annan ålder eller okänd")),
            ),
        ),
        Dimension("education", _("Utbildningsnivå"), tuple(EducationLevel.choices)),
    ]
}

#: Dimensions whose value is a band computed from dates (a CASE over conditions).
BANDED = ("reception", "age")
#: Dimensions that are attributes of the participant rather than of the enrolment.
PERSONAL = ("gender", "education")

#: Dimensions that may be combined only with others: an intervention has one category.
NESTED = {"intervention": "category"}


class InvalidBreakdown(ValueError):
    """A breakdown that does not exist or cannot be made; the message is in Swedish."""


def parse_breakdown(text: str | Sequence[str] | None) -> tuple[str, ...]:
    """``"gender,category"`` → ``("gender", "category")``; refuses what cannot be made."""
    if text is None:
        return ()
    names = [n.strip().lower() for n in (text.split(",") if isinstance(text, str) else text)]
    names = [n for n in names if n]
    unknown = [n for n in names if n not in DIMENSIONS]
    if unknown:
        raise InvalidBreakdown(
            str(
                _("Okänd uppdelning ”%(name)s”. Välj bland: %(choices)s.")
                % {"name": unknown[0], "choices": ", ".join(DIMENSIONS)}
            )
        )
    if len(names) > 2:
        raise InvalidBreakdown(str(_("Nyckeltalen kan delas upp efter högst två saker åt gången.")))
    if len(set(names)) != len(names):
        raise InvalidBreakdown(str(_("Samma uppdelning kan inte anges två gånger.")))
    if set(names) == {"intervention", "category"}:
        raise InvalidBreakdown(
            str(
                _(
                    "Insats och insatskategori kan inte kombineras: varje insats hör till en "
                    "kategori. Välj insats för den finare uppdelningen."
                )
            )
        )
    return tuple(names)


def parse_breakdown_list(names: Sequence[str]) -> list[str]:
    """Any number of single dimensions (one-way breakdowns), validated."""
    result = []
    for name in names:
        result.extend(parse_breakdown([name]))
    return result


# --- KPI definitions ------------------------------------------------------------------------


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str | Promise
    unit: str  # "count", "percent", "days", "sek" (as goals.IndicatorUnit)
    definition: str | Promise
    higher_is_better: bool = True

    @property
    def suffix(self) -> str:
        return {"percent": " %", "days": " d", "sek": " kr"}.get(self.unit, "")


KPIS: dict[str, Kpi] = {
    k.key: k
    for k in [
        Kpi(
            "active_participants",
            _("Aktiva deltagare"),
            "count",
            _(
                "Antal personer som har haft minst ett deltagande i en insats någon gång under "
                "perioden (startat senast periodens sista dag och inte avslutat före dess första)."
            ),
        ),
        Kpi(
            "new_participants",
            _("Nya deltagare"),
            "count",
            _(
                "Antal personer vars första deltagande i någon insats startade under perioden. "
                "Vid uppdelning räknas de grupper där personen startade ett deltagande."
            ),
        ),
        Kpi(
            "ended_enrolments",
            _("Avslutade deltaganden"),
            "count",
            _("Antal deltaganden med slutdatum under perioden."),
        ),
        Kpi(
            "exit_work_or_studies_share",
            _("Andel avslut till arbete eller studier"),
            "percent",
            _(
                "Andel av deltagandena som avslutades under perioden där deltagaren vid "
                "avslutet gick till arbete (osubventionerat eller subventionerat, på den "
                "reguljära arbetsmarknaden och i minst en sammanhängande månad) eller till "
                "studier som ger rätt till studiemedel. En kommunal arbetsmarknadsanställning "
                "räknas som en annan insats och SFI enbart inte som studier. Följer Koladas "
                "nyckeltal för resultat vid avslut i kommunens arbetsmarknadsverksamhet."
            ),
        ),
        Kpi(
            "exit_unsubsidised_work_share",
            _("Andel avslut till osubventionerat arbete"),
            "percent",
            _(
                "Andel av deltagandena som avslutades under perioden där deltagaren vid "
                "avslutet gick till ett osubventionerat arbete (inklusive eget företag) i minst "
                "en sammanhängande månad."
            ),
        ),
        *(
            Kpi(
                f"work_or_studies_{days}d_share",
                _("Andel i arbete eller studier %(days)s dagar efter avslut") % {"days": days},
                "percent",
                _(
                    "Bland deltaganden som avslutades under perioden och följts upp %(days)s "
                    "dagar efter avslutet: andelen där deltagaren då arbetade eller studerade. "
                    "Deltaganden som inte följts upp räknas inte."
                )
                % {"days": days},
            )
            for days in FOLLOW_UP_DAYS
        ),
        Kpi(
            "median_days_in_intervention",
            _("Mediantid i insats"),
            "days",
            _(
                "Medianen av antalet dagar från start till avslut (båda dagarna inräknade) för "
                "deltaganden som avslutades under perioden."
            ),
            higher_is_better=False,
        ),
        Kpi(
            "cost_per_participant",
            _("Kostnad per deltagare"),
            "sek",
            _(
                "Insatsernas kostnad under perioden delad med antalet aktiva deltagare. Kostnaden "
                "är insatsens kostnad per deltagare och månad gånger deltagandets dagar inom "
                "perioden delat med 30,4375; pågående deltaganden räknas till och med dagens "
                "datum. Insatser utan angiven kostnad räknas som 0 kr."
            ),
            higher_is_better=False,
        ),
        Kpi(
            "cost_per_exit_work_or_studies",
            _("Kostnad per avslut till arbete eller studier"),
            "sek",
            _(
                "Insatsernas kostnad under perioden (som ovan) delad med antalet deltaganden "
                "som avslutades till arbete eller studier under perioden."
            ),
            higher_is_better=False,
        ),
    ]
}


# --- scope ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Whose participants the figures are about: the whole municipality, or some units."""

    key: str
    label: str
    #: The owning units of the participants counted; None for the whole municipality.
    unit_ids: frozenset[int] | None = None

    @property
    def is_municipality(self) -> bool:
        return self.unit_ids is None


MUNICIPALITY_KEY = "kommun"


def municipality_scope() -> Scope:
    return Scope(MUNICIPALITY_KEY, str(_("Hela kommunen")))


# --- the computation ------------------------------------------------------------------------

GroupKey = tuple[tuple[str, Any], ...]
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


#: Other spellings of KPI keys that indicators may use (``work_or_studies_after_90_share``).
KEY_ALIASES = {
    f"work_or_studies_after_{d}_share": f"work_or_studies_{d}d_share" for d in FOLLOW_UP_DAYS
}


def kpi_key(name: str) -> str | None:
    """The KPI key ``name`` stands for (itself or an alias), or None if it names none."""
    name = name.strip()
    key = KEY_ALIASES.get(name, name)
    return key if key in KPIS else None


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

    @property
    def total(self) -> Group:
        return self.groups[TOTAL]

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
class _Context:
    """What every query of one computation shares: the status categories that count as work
    or studies and the interventions (few: mapped in SQL by CASE instead of a join)."""

    ws: list[int]
    work: list[int]
    names: dict[int, str]
    categories: dict[int, str]
    costs: dict[int, Decimal]

    @classmethod
    def load(cls) -> _Context:
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


def _in(field_name: str, ids: list[int]) -> Q:
    return Q(**{f"{field_name}__in": ids}) if ids else Q(pk__in=[])


def _scoped(queryset: QuerySet, scope: Scope, prefix: str = "") -> QuerySet:
    if scope.unit_ids is None:
        return queryset
    return queryset.filter(**{f"{prefix}participant__owning_unit_id__in": sorted(scope.unit_ids)})


# --- straight from the register -------------------------------------------------------------
#
# The figures of one grouping computed from the register's own tables, without the facts: three
# grouped queries over the enrolments joined to their participants. The engine does not use
# this; it is the independent second computation that the facts-based one is checked against
# (``raw_from_register``: in the tests, and in the benchmark at full size).


def _names(dims: Sequence[str], context: _Context, prefix: str = "") -> dict[str, Any]:
    return {f"g_{d}": DIMENSIONS[d].expression(context, prefix) for d in dims}


def _key(row: dict[str, Any], dims: Sequence[str]) -> GroupKey:
    return tuple((d, row[f"g_{d}"]) for d in dims)


def _active(period, scope: Scope) -> QuerySet:
    """The enrolments in scope active in the period, read by a scan (see ``Unindexed``)."""
    enrolments = _scoped(Enrolment.objects.all(), scope).alias(
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
    ctx: _Context,
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
        "exit_ws": Count("pk", filter=ended & _in("exit_status_id", ctx.ws)),
        "exit_work": Count("pk", filter=ended & _in("exit_status_id", ctx.work)),
        "cost": Sum(cost, output_field=DecimalField(max_digits=20, decimal_places=2)),
    }
    if not dims:
        return {TOTAL: enrolments.aggregate(**aggregates)}
    names = _names(dims, ctx)
    rows = enrolments.annotate(**names).values(*names).annotate(**aggregates).order_by()
    return {_key(row, dims): row for row in rows}


def _observations(period, scope: Scope, dims: Sequence[str], ctx: _Context) -> dict:
    observations = (
        _scoped(OutcomeObservation.objects.all(), scope, "enrolment__")
        .alias(ends=Unindexed(F("enrolment__end")))
        .filter(ends__gte=period.start, ends__lte=period.end)
    )
    aggregates = {}
    for days in FOLLOW_UP_DAYS:
        at = Q(days_after_exit=days)
        aggregates[f"n{days}"] = Count("pk", filter=at)
        aggregates[f"k{days}"] = Count("pk", filter=at & _in("status_id", ctx.ws))
    if not dims:
        return {TOTAL: observations.aggregate(**aggregates)}
    names = _names(dims, ctx, "enrolment__")
    rows = observations.annotate(**names).values(*names).annotate(**aggregates).order_by()
    return {_key(row, dims): row for row in rows}


def _medians(period, scope: Scope, dims: Sequence[str], ctx: _Context) -> dict[GroupKey, float]:
    """The median days per group: the middle one or two rows of each group, picked in SQL."""
    names = _names(dims, ctx)
    partition = [F(name) for name in names] or None
    duration = DaysBetween(F("end"), F("start")) + 1
    rows = (
        _scoped(Enrolment.objects.all(), scope)
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


def _raw(period, scope: Scope, dims: Sequence[str], as_of, ctx: _Context, kpis: set[str]) -> dict:
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


# --- every one-way breakdown at once ---------------------------------------------------------
#
# Computed straight from the register (:func:`_raw`), a breakdown costs three grouped queries;
# the total and all six one-way breakdowns that way cost 21, each reading the period's
# enrolments and their participants again. Instead, the total and every one-way breakdown come
# from the enrolments' facts (``statistics.models.EnrolmentFact``: banded, dates as day
# numbers, no join) in three queries, run side by side (:func:`run_side_by_side`):
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
#: The facts' column of each of those dimensions.
FACT_COLUMN = {
    "intervention": "intervention_id",
    "gender": "gender",
    "education": "education",
    "reception": "reception",
    "age": "age",
}
#: Interventions per bit set: ids in [w·WORD, (w+1)·WORD) share the bit set w (63-bit integers).
WORD = 62


def _fine(dims: Iterable[str]) -> tuple[str, ...]:
    """The finest grouping for ``dims``: always by intervention, whose monthly cost turns the
    days in intervention of a group into its cost."""
    needed = {*dims, "intervention"}
    return tuple(d for d in FINE if d in needed)


def _bits(mask: Any) -> list[int]:
    mask, bits, position = int(mask or 0), [], 0
    while mask:
        if mask & 1:
            bits.append(position)
        mask >>= 1
        position += 1
    return bits


def _band_values(dim: str) -> list[str]:
    """A banded dimension's values in the order of their bits."""
    return [str(value) for value, _label in DIMENSIONS[dim].choices]


def band_bit(dim: str) -> Case:
    """The bit of the band an enrolment falls in (1, 2, 4, …; see :func:`_band_values`)."""
    whens, default = DIMENSIONS[dim].bands()
    position = {value: 1 << i for i, value in enumerate(_band_values(dim))}
    return Case(
        *(When(condition, then=Value(position[value])) for condition, value in whens),
        default=Value(position[default]),
        output_field=IntegerField(),
    )


def _decoded(dim: str, value: Any) -> Any:
    """A group value of the facts as the register's queries give it (bands by name)."""
    return _band_values(dim)[_bits(value)[0]] if dim in BANDED else value


def _days(period, as_of) -> tuple[int, int, int]:
    """The period's first and last day and the day open enrolments are costed up to."""
    return (
        day_number(period.start),
        day_number(period.end),
        day_number(min(period.end, as_of)),
    )


def _ended_and_days(period, as_of) -> tuple[int, Q, Any]:
    """The period's first day; which facts ended in the period; and each fact's days in it
    (open enrolments up to ``as_of``; none for one that starts after it)."""
    first, last, open_until = _days(period, as_of)
    days = Greatest(
        Least(Coalesce(F("end_day"), Value(open_until)), Value(last))
        - Greatest(F("start_day"), Value(first))
        + 1,
        Value(0),
    )
    return first, Q(end_day__gte=first, end_day__lte=last), days


def _facts_in(period, scope: Scope) -> QuerySet[EnrolmentFact]:
    """The facts of the enrolments in scope active in the period."""
    first, last = day_number(period.start), day_number(period.end)
    facts = EnrolmentFact.objects.all()
    if scope.unit_ids is not None:
        facts = facts.filter(unit_id__in=sorted(scope.unit_ids))
    return facts.filter(start_day__lte=last).filter(Q(end_day__isnull=True) | Q(end_day__gte=first))


#: The sums of :func:`_fine_sums`, in the order of its columns after the group values.
SUMS = ("days", "ended", "exit_ws", "exit_work", *(f"{x}{d}" for d in FOLLOW_UP_DAYS for x in "nk"))


def _fine_sums(period, scope: Scope, fine: Sequence[str], as_of, ctx: _Context) -> list[tuple]:
    """Per finest group (values in the order of ``fine``): the :data:`SUMS` — counts, days in
    the period and observations after exit."""
    _first, ended, days = _ended_and_days(period, as_of)
    aggregates: dict[str, Any] = {
        # Days in the period; times the intervention's monthly cost (exact, in öre) it is
        # the group's cost.
        "days": Sum(days, output_field=IntegerField()),
        "ended": Count("pk", filter=ended),
        "exit_ws": Count("pk", filter=ended & _in("exit_status_id", ctx.ws)),
        "exit_work": Count("pk", filter=ended & _in("exit_status_id", ctx.work)),
    }
    for d in FOLLOW_UP_DAYS:
        aggregates[f"n{d}"] = Count("pk", filter=ended & Q(**{f"status_{d}__isnull": False}))
        aggregates[f"k{d}"] = Count("pk", filter=ended & _in(f"status_{d}", ctx.ws))
    groups = {f"g_{d}": F(FACT_COLUMN[d]) for d in fine}
    rows = _facts_in(period, scope).annotate(**groups).values_list(*groups)
    return list(rows.annotate(**aggregates).order_by())


def _people(period, scope: Scope, dims: Sequence[str], ctx: _Context) -> dict[GroupKey, Raw]:
    """Active and new participants in the total and every one-way group of ``dims``, in one
    statement: the facts grouped by participant, then the participants grouped by each
    dimension in turn."""
    banded = [d for d in BANDED if d in dims]
    words = sorted({pk // WORD for pk in ctx.names}) if "intervention" in dims else []
    # Categories get a bit set of their own: a person's interventions may lie in several
    # words, and a category spanning two of them must still count the person once.
    categories = sorted({*ctx.categories.values(), "other"}) if "category" in dims else []
    columns: dict[str, Any] = {
        # New in the period: the participant's first enrolment started in it or later.
        "is_new": Max(
            Case(
                When(first_day__gte=day_number(period.start), then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        ),
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
    if categories:
        by_category: dict[str, list[int]] = defaultdict(list)
        for pk, category in ctx.categories.items():
            by_category[category].append(pk)
        category_bit = Case(
            *(
                When(intervention_id__in=sorted(pks), then=Value(1 << categories.index(c)))
                for c, pks in sorted(by_category.items())
            ),
            default=Value(1 << categories.index("other")),
            output_field=BigIntegerField(),
        )
        columns["c_category"] = Sum(category_bit, distinct=True, output_field=BigIntegerField())
    per_person = CTE(
        _facts_in(period, scope)
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
        **({"c_category": BigIntegerField()} if categories else {}),
    }
    groupings = [["gender", "education"]]
    if banded:
        groupings.append([f"b_{d}" for d in banded])
    groupings += [[f"w{w}"] for w in words]
    if categories:
        groupings.append(["c_category"])
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
            .annotate(people=Count("*"))
            .order_by()
        )
    combined = branches[0].union(*branches[1:], all=True) if len(branches) > 1 else branches[0]
    result: dict[GroupKey, Raw] = defaultdict(Raw)
    for row in with_cte(per_person, select=combined):
        keys: list[GroupKey] = []
        if row["o_gender"] is not None:
            keys.append(TOTAL)
            keys += [((d, row[f"o_{d}"]),) for d in PERSONAL if d in dims]
        for d in banded:
            keys += [((d, _decoded(d, 1 << b)),) for b in _bits(row[f"o_b_{d}"])]
        for w in words:
            keys += [(("intervention", w * WORD + b),) for b in _bits(row[f"o_w{w}"])]
        if categories:
            keys += [(("category", categories[b]),) for b in _bits(row["o_c_category"])]
        for key in keys:
            result[key].active += row["people"]
            if row["o_new"]:
                result[key].new += row["people"]
    return result


def _histograms(period, scope: Scope, dims: Sequence[str], ctx: _Context) -> dict[GroupKey, float]:
    """The median days in intervention of the total and every one-way group of ``dims``, read
    off histograms counted in one grouped query: per length in days and intervention, a column
    per value of the other dimensions."""
    first, last = day_number(period.start), day_number(period.end)
    pivoted = [d for d in (*PERSONAL, *BANDED) if d in dims]
    groups: dict[str, Any] = {"duration": F("end_day") - F("start_day") + 1}
    if {"intervention", "category"} & set(dims):
        groups["g_intervention"] = F("intervention_id")
    values: dict[str, list[Any]] = {
        d: [1 << i for i in range(len(_band_values(d)))]
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
    ended = _facts_in(period, scope).filter(end_day__gte=first, end_day__lte=last)
    counts: dict[GroupKey, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    # Each pivot column: its position in a row and the histogram it counts into.
    offset = len(groups) + 1
    pivots = {
        d: [
            (offset + j, counts[((d, _decoded(d, value)),)])
            for j, value in enumerate(values[d], start=sum(len(values[x]) for x in pivoted[:i]))
        ]
        for i, d in enumerate(pivoted)
    }
    total = counts[TOTAL]
    by_intervention = "intervention" in dims
    by_category = "category" in dims
    incomplete = set()
    for row in ended.annotate(**groups).values_list(*groups).annotate(**columns).order_by():
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
    medians = {key: _median(histogram) for key, histogram in counts.items() if histogram}
    for d in incomplete:
        medians = {k: v for k, v in medians.items() if k == TOTAL or k[0][0] != d}
        medians |= _lengths(period, scope, (d,), ctx)
    return medians


def _median(histogram: dict[int, int]) -> float:
    """The median of the values counted in ``histogram`` (value → how many times)."""
    size = sum(histogram.values())
    # The middle one or two values (1-based positions), as statistics.median picks them.
    wanted = {(size + 1) // 2, (size + 2) // 2}
    picked, seen = [], 0
    for value in sorted(histogram):
        before, seen = seen, seen + histogram[value]
        picked += [value for position in wanted if before < position <= seen]
    return sum(picked) / len(picked)


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


def _one_way(
    period, scope: Scope, dims: Sequence[str], as_of, ctx: _Context, kpis: set[str]
) -> dict[GroupKey, Raw]:
    """The unprotected aggregates of the total and of every one-way breakdown in ``dims``, in
    three queries of the facts run side by side (see the comment above :data:`FINE`)."""
    if not dims:  # the total alone (a trend's point): one aggregate
        return {TOTAL: _by_groups(period, scope, (), as_of, ctx, kpis).get(TOTAL, Raw())}
    fine = _fine(dims)
    tasks: dict[str, Callable[[], Any]] = {
        "sums": lambda: _fine_sums(period, scope, fine, as_of, ctx),
        "people": lambda: _people(period, scope, dims, ctx),
    }
    if "median_days_in_intervention" in kpis:
        tasks["medians"] = lambda: _histograms(period, scope, dims, ctx)
    done = run_side_by_side(tasks)

    decode = {d: {1 << i: v for i, v in enumerate(_band_values(d))} for d in BANDED}
    at = {d: i for i, d in enumerate(fine)}
    width = len(SUMS)
    sums: dict[GroupKey, list[int]] = defaultdict(lambda: [0] * width)
    days: dict[GroupKey, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for row in done["sums"]:
        intervention = row[at["intervention"]]
        values = [v or 0 for v in row[len(fine) :]]
        keys = [TOTAL]
        for d in dims:
            if d == "category":
                keys.append(((d, ctx.categories.get(intervention, "other")),))
            elif d in BANDED:
                keys.append(((d, decode[d][row[at[d]]]),))
            else:
                keys.append(((d, row[at[d]]),))
        for key in keys:
            total = sums[key]
            for i in range(width):
                total[i] += values[i]
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
    for key, counted in done["people"].items():
        result[key].active, result[key].new = counted.active, counted.new
    for key, median in done.get("medians", {}).items():
        result[key].median = median
    return dict(result)


# --- two dimensions at a time ---------------------------------------------------------------


def _fact_group(dim: str, ctx: _Context) -> Any:
    """The group value of ``dim`` in the facts (category from intervention by CASE)."""
    if dim == "category":
        return ctx.by_intervention("intervention_id", ctx.categories, "other")
    return F(FACT_COLUMN[dim])


def _by_groups(
    period, scope: Scope, dims: Sequence[str], as_of, ctx: _Context, kpis: set[str]
) -> dict[GroupKey, Raw]:
    """The unprotected aggregates of each group of ``dims`` (two at a time, or none: the
    total), from the facts: one grouped query for the counts, distinct participants, costs and
    observations, and one for the lengths of the ended enrolments (:func:`_lengths`). Costs
    and observations are left out when no KPI asked for needs them (a trend's points)."""
    first, ended, days = _ended_and_days(period, as_of)
    aggregates: dict[str, Any] = {
        "active": Count("participant_id", distinct=True),
        "new": Count("participant_id", distinct=True, filter=Q(first_day__gte=first)),
        "ended": Count("pk", filter=ended),
        "exit_ws": Count("pk", filter=ended & _in("exit_status_id", ctx.ws)),
        "exit_work": Count("pk", filter=ended & _in("exit_status_id", ctx.work)),
    }
    if kpis & {"cost_per_participant", "cost_per_exit_work_or_studies"}:
        money = DecimalField(max_digits=20, decimal_places=2)
        monthly = ctx.by_intervention("intervention_id", ctx.costs, Decimal(0))
        cost = ExpressionWrapper(days * monthly, output_field=money)
        aggregates["cost"] = Sum(cost, output_field=money)
    observed = FOLLOW_UP_DAYS if any(k.startswith("work_or_studies_") for k in kpis) else ()
    for d in observed:
        aggregates[f"n{d}"] = Count("pk", filter=ended & Q(**{f"status_{d}__isnull": False}))
        aggregates[f"k{d}"] = Count("pk", filter=ended & _in(f"status_{d}", ctx.ws))
    groups = {f"g_{d}": _fact_group(d, ctx) for d in dims}
    facts = _facts_in(period, scope)
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
        result[tuple((d, _decoded(d, row[f"g_{d}"])) for d in dims)] = raw
    if "median_days_in_intervention" in kpis:
        for key, median in _lengths(period, scope, dims, ctx).items():
            result.setdefault(key, Raw()).median = median
    return result


def _lengths(period, scope: Scope, dims: Sequence[str], ctx: _Context) -> dict[GroupKey, float]:
    """The median days in intervention of each group of ``dims``, read off each group's
    histogram of lengths (one grouped query of the ended enrolments' facts)."""
    first, last = day_number(period.start), day_number(period.end)
    groups = {f"g_{d}": _fact_group(d, ctx) for d in dims}
    ended = _facts_in(period, scope).filter(end_day__gte=first, end_day__lte=last)
    counted = ended.values(**groups, duration=F("end_day") - F("start_day") + 1)
    rows = cast(Iterable[dict[str, Any]], counted.annotate(n=Count("pk")).order_by())
    histograms: dict[GroupKey, dict[int, int]] = defaultdict(dict)
    for row in rows:
        key = tuple((d, _decoded(d, row[f"g_{d}"])) for d in dims)
        histograms[key][row["duration"]] = row["n"]
    return {key: _median(histogram) for key, histogram in histograms.items()}


def raw_from_register(
    period, scope: Scope, grouping: Sequence[str] = (), *, as_of: datetime.date | None = None
) -> dict[GroupKey, Raw]:
    """:func:`raw_figures` computed straight from the register, without the facts: the
    second computation the facts-based one is checked against (tests and benchmark only)."""
    from django.utils import timezone

    dims = parse_breakdown(list(grouping))
    return _raw(period, scope, dims, as_of or timezone.localdate(), _Context.load(), set(KPIS))


def raw_figures(
    period, scope: Scope, grouping: Sequence[str] = (), *, as_of: datetime.date | None = None
) -> dict[GroupKey, Raw]:
    """The unprotected aggregates of one grouping, for tests and benchmarks only: what leaves
    the system goes through :func:`compute`."""
    from django.utils import timezone

    dims = parse_breakdown(list(grouping))
    as_of, ctx = as_of or timezone.localdate(), _Context.load()
    if len(dims) < 2:
        raw = _one_way(period, scope, dims, as_of, ctx, set(KPIS))
        return {key: value for key, value in raw.items() if len(key) == len(dims)}
    return _by_groups(period, scope, dims, as_of, ctx, set(KPIS))


# --- protection -----------------------------------------------------------------------------


def _ordered_values(dim: str, present: Iterable[Any], names: dict[int, str]) -> list[Any]:
    present = set(present)
    if dim == "intervention":
        return sorted(present, key=lambda pk: (names.get(pk, ""), pk))
    order = [value for value, _label in DIMENSIONS[dim].choices]
    return [v for v in order if v in present] + sorted(
        (v for v in present if v not in order), key=str
    )


def _label(dim: str, value: Any, names: dict[int, str]) -> str:
    if dim == "intervention":
        return names.get(value, str(value))
    for choice, label in DIMENSIONS[dim].choices:
        if choice == value:
            return str(label)
    return str(value)


@dataclass
class _Plan:
    """Which groupings to query and how they are published together."""

    one_way: list[str]
    two_way: tuple[str, str] | None
    extra_two_way: tuple[str, str] | None  # category × other, nested under intervention × other


def _plan(by: tuple[str, ...], one_way: Sequence[str] = ()) -> _Plan:
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
    return _Plan(one, two, extra)  # type: ignore[arg-type]


def _canonical(key: GroupKey, dims_order: Sequence[str]) -> GroupKey:
    position = {d: i for i, d in enumerate(dims_order)}
    return tuple(sorted(key, key=lambda item: position[item[0]]))


def compute(
    period,
    scope: Scope,
    by: Sequence[str] | str | None = (),
    *,
    one_way: Sequence[str] = (),
    as_of: datetime.date | None = None,
    kpis: Iterable[str] | None = None,
) -> KpiReport:
    """The KPIs of ``period`` for ``scope``, broken down ``by`` zero, one or two dimensions,
    with disclosure control applied.

    ``period`` has ``start`` and ``end`` (a ``goals.periods.PeriodRange``); ``one_way`` adds
    further one-way breakdowns published with it (a dashboard's); ``as_of`` is the day ongoing
    enrolments are costed up to (today by default). ``kpis`` limits the work to some KPIs (the
    others are then hidden). The number of queries depends only on the breakdowns.
    """
    from django.utils import timezone

    limits = disclosure.thresholds()  # refuse nonsense thresholds before computing anything
    dims = parse_breakdown(by)
    extra = [d for d in parse_breakdown_list(one_way) if d not in dims]
    wanted = set(KPIS) if kpis is None else set(kpis) & set(KPIS)
    as_of = as_of or timezone.localdate()
    ctx = _Context.load()
    plan = _plan(dims, extra)
    dim_order = [d for d in DIMENSIONS]

    raw: dict[GroupKey, Raw] = dict(_one_way(period, scope, plan.one_way, as_of, ctx, wanted))
    groupings: list[tuple[str, ...]] = []
    if plan.two_way:
        groupings.append(plan.two_way)
    if plan.extra_two_way:
        groupings.append(plan.extra_two_way)
    for grouping in groupings:
        for key, value in _by_groups(period, scope, grouping, as_of, ctx, wanted).items():
            raw[_canonical(key, dim_order)] = value
    raw.setdefault(TOTAL, Raw())

    names, categories = ctx.names, ctx.categories
    values = {
        d: _ordered_values(d, {v for key in raw for dd, v in key if dd == d}, names)
        for d in plan.one_way
    }
    figures = {key: figures_of(r) for key, r in raw.items()}
    hidden = _protect(figures, plan, values, categories, limits)

    groups: dict[GroupKey, Group] = {}
    for key, per_kpi in figures.items():
        labels = {d: _label(d, v, names) for d, v in key}
        cells = {}
        for kpi in KPIS:
            figure = per_kpi[kpi]
            cells[kpi] = disclosure.cell(figure.value, kpi not in wanted or key in hidden[kpi])
        groups[key] = Group(key, labels, cells)

    order: dict[tuple[str, ...], list[GroupKey]] = {(): [TOTAL]}
    for d in plan.one_way:
        order[(d,)] = [((d, v),) for v in values[d]] + [TOTAL]
    if plan.two_way:
        a, b = plan.two_way
        cells_order = [
            _canonical(((a, va), (b, vb)), dim_order)
            for va in values[a]
            for vb in values[b]
            if _canonical(((a, va), (b, vb)), dim_order) in groups
        ]
        order[plan.two_way] = [
            *cells_order,
            *(((a, va),) for va in values[a]),
            *(((b, vb),) for vb in values[b]),
            TOTAL,
        ]
    empty = raw[TOTAL].active == 0
    return KpiReport(period, scope, dims, as_of, groups, order, limits, empty)


def _protect(figures, plan: _Plan, values, categories, limits) -> dict[str, set[GroupKey]]:
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
    plan: _Plan, values, categories, figures, dim_order
) -> tuple[list[Line], set[GroupKey]]:
    """The lines of the two-way table (nested under categories when it is by intervention)."""
    a, b = plan.two_way  # type: ignore[misc]

    def key(x: tuple[str, Any], y: tuple[str, Any]) -> GroupKey:
        return _canonical((x, y), dim_order)

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
