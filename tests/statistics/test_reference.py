"""The engine against a plain-Python reference over a random register.

The reference reads the rows and counts them one by one, exactly as the definitions in
docs/statistics.md say. The same test runs on SQLite and on PostgreSQL (CI sets DATABASE_URL),
so both databases give the reference's figures, and hence each other's.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import pytest

from etablera.goals.periods import resolve_period
from etablera.register.models import Enrolment, OutcomeObservation, StatusCategory
from etablera.statistics import kpis
from etablera.statistics.kpis import Scope, municipality_scope
from tests.factories import UnitFactory

from .factories import InterventionFactory, ParticipantFactory, status

AS_OF = dt.date(2025, 10, 20)
CODES = ["work", "subsidised_work", "studies", "job_seeking", "other_intervention", "moved"]


@pytest.fixture
def random_register(db):
    rng = random.Random(1487)
    units = [UnitFactory(), UnitFactory()]
    categories = ["internship", "work_training", "vocational_swedish", "guidance"]
    interventions = [
        InterventionFactory(
            category=categories[i % 4],
            cost_per_participant_month=None if i == 5 else Decimal(rng.randrange(1000, 9000)),
        )
        for i in range(7)
    ]
    statuses = {code: status(code) for code in CODES}
    enrolments = []
    for n in range(120):
        participant = ParticipantFactory(
            gender=rng.choice("KKMMX"),
            birth_year=rng.choice([None, *range(1958, 2010)]),
            received_on=rng.choice(
                [None, *(dt.date(2015, 1, 1) + dt.timedelta(d) for d in range(0, 3800, 37))]
            ),
            education_level=rng.choice(
                ["primary", "upper_secondary", "unknown", "post_secondary_long"]
            ),
            owning_unit=units[n % 2],
        )
        day = dt.date(2023, 6, 1) + dt.timedelta(rng.randrange(0, 800))
        for _ in range(rng.choice([1, 1, 2, 3])):
            length = rng.randrange(0, 300)
            end = day + dt.timedelta(length) if rng.random() < 0.8 else None
            enrolment = Enrolment.objects.create(
                participant=participant,
                intervention=rng.choice(interventions),
                start=day,
                end=end,
                status_at_start=statuses["job_seeking"],
                exit_status=statuses[rng.choice(CODES)] if end else None,
            )
            enrolments.append(enrolment)
            if end:
                for days in (90, 180, 365):
                    if rng.random() < 0.6:
                        OutcomeObservation.objects.create(
                            enrolment=enrolment,
                            days_after_exit=days,
                            observed_on=end + dt.timedelta(days),
                            status=statuses[rng.choice(CODES)],
                        )
            day = (end or day) + dt.timedelta(rng.randrange(1, 60))
    return units


def group_values(enrolment: Enrolment) -> dict:
    p = enrolment.participant
    if p.received_on is None:
        reception = "unknown"
    else:
        days = (enrolment.start - p.received_on).days
        reception = "0-2" if days <= 730 else "2-5" if days <= 1826 else "5+"
    age = None if p.birth_year is None else enrolment.start.year - p.birth_year
    if age is None or age < 16 or age > 64:
        band = "other"
    else:
        band = "16-24" if age <= 24 else "25-39" if age <= 39 else "40-64"
    return {
        "gender": p.gender,
        "category": enrolment.intervention.category,
        "intervention": enrolment.intervention_id,
        "reception": reception,
        "age": band,
        "education": p.education_level,
    }


def reference(period, unit_ids, grouping) -> dict:
    """Every KPI counted in Python, enrolment by enrolment."""
    ws = set(StatusCategory.objects.in_work_or_studies().values_list("pk", flat=True))
    work = set(StatusCategory.objects.filter(is_work=True).values_list("pk", flat=True))
    rows = list(
        Enrolment.objects.select_related("participant", "intervention").prefetch_related(
            "observations"
        )
    )
    if unit_ids is not None:
        rows = [e for e in rows if e.participant.owning_unit_id in unit_ids]
    first_start = {}
    for e in rows:
        first_start[e.participant_id] = min(first_start.get(e.participant_id, e.start), e.start)
    groups: dict = defaultdict(lambda: defaultdict(set))
    sums: dict = defaultdict(lambda: defaultdict(Decimal))
    counts: dict = defaultdict(lambda: defaultdict(int))
    durations: dict = defaultdict(list)
    s, t = period.start, period.end
    for e in rows:
        if e.start > t or (e.end is not None and e.end < s):
            continue
        values = group_values(e)
        key = tuple((d, values[d]) for d in grouping)
        groups[key]["active"].add(e.participant_id)
        if s <= e.start and first_start[e.participant_id] >= s:
            groups[key]["new"].add(e.participant_id)
        until = min(e.end or min(t, AS_OF), t)
        days = (until - max(e.start, s)).days + 1
        if days > 0:
            sums[key]["cost"] += days * (e.intervention.cost_per_participant_month or 0)
        if e.end is not None and s <= e.end <= t:
            counts[key]["ended"] += 1
            counts[key]["exit_ws"] += e.exit_status_id in ws
            counts[key]["exit_work"] += e.exit_status_id in work
            durations[key].append((e.end - e.start).days + 1)
            for o in e.observations.all():
                counts[key][f"n{o.days_after_exit}"] += 1
                counts[key][f"k{o.days_after_exit}"] += o.status_id in ws
    result = {}
    for key in groups:
        result[key] = {
            "active": len(groups[key]["active"]),
            "new": len(groups[key]["new"]),
            "ended": counts[key]["ended"],
            "exit_ws": counts[key]["exit_ws"],
            "exit_work": counts[key]["exit_work"],
            "cost": sums[key]["cost"].quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
            "median": statistics.median(durations[key]) if durations[key] else None,
            **{f"n{d}": counts[key][f"n{d}"] for d in (90, 180, 365)},
            **{f"k{d}": counts[key][f"k{d}"] for d in (90, 180, 365)},
        }
    return result


def engine(period, scope, grouping) -> dict:
    result = {}
    for key, raw in kpis.raw_figures(period, scope, grouping, as_of=AS_OF).items():
        result[key] = {
            "active": raw.active,
            "new": raw.new,
            "ended": raw.ended,
            "exit_ws": raw.exit_ws,
            "exit_work": raw.exit_work,
            "cost": raw.cost,
            "median": raw.median,
            **{f"n{d}": raw.observed[d] for d in (90, 180, 365)},
            **{f"k{d}": raw.observed_ws[d] for d in (90, 180, 365)},
        }
    return result


GROUPINGS = [
    (),
    ("gender",),
    ("category",),
    ("intervention",),
    ("reception",),
    ("age",),
    ("education",),
    ("gender", "age"),
    ("reception", "intervention"),
]


@pytest.mark.parametrize("text", ["2024", "2025T1", "2024-03-01..2025-02-28"])
def test_the_engine_gives_the_reference_figures(random_register, text):
    period = resolve_period(text)
    for grouping in GROUPINGS:
        expected = reference(period, None, grouping)
        assert engine(period, municipality_scope(), grouping) == expected, grouping


def test_the_engine_gives_the_reference_figures_for_a_unit(random_register):
    unit = random_register[0]
    scope = Scope("enhet", unit.name, frozenset({unit.pk}))
    period = resolve_period("2024")
    assert engine(period, scope, ("gender",)) == reference(period, {unit.pk}, ("gender",))


def test_the_facts_give_what_the_register_gives(random_register):
    """Two computations, one from the engine's facts and one straight from the register's
    tables, agree in every group of every grouping (and both equal the reference above)."""
    period = resolve_period("2024-03-01..2025-02-28")
    for grouping in GROUPINGS:
        facts = kpis.raw_figures(period, municipality_scope(), grouping, as_of=AS_OF)
        register = kpis.raw_from_register(period, municipality_scope(), grouping, as_of=AS_OF)
        assert facts == register, grouping
