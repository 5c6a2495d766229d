"""Each KPI against a small register computed by hand (docs/statistics.md has the rules).

The register (period 2025, costs up to 2026-01-15):

======  ===========  =====================  =======================  ===========================
enrol.  participant  intervention           start – end              exit; observations
======  ===========  =====================  =======================  ===========================
E1      P1 (K 1990)  I1 internship 100/day  2024-11-01 – 2025-02-28  work; 90 work, 180 studies
E2      P1           I2 work tr. 200/day    2025-03-01 – (open)
E3      P2 (M 2003)  I1                     2025-05-01 – 2025-05-31  studies; 90 job seeking
E4      P2           I3 voc. Swedish, —     2025-06-15 – 2025-12-31  job seeking; none
E5      P3 (K 1970)  I2                     2023-01-01 – 2024-12-31  work (before the period)
E6      P3           I2                     2026-01-01 – (open)      (after the period)
E7      P4 (M 1985)  I1                     2025-10-01 – 2026-03-01  subsidised (after period)
E8      P5 (X —)     I3                     2025-01-01 – 2025-01-01  subsidised; 90 unknown,
                                                                     180 work
======  ===========  =====================  =======================  ===========================

P4 is owned by another unit than the rest.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from etablera.goals.periods import resolve_period
from etablera.statistics import kpis
from etablera.statistics.kpis import Scope, municipality_scope
from tests.factories import UnitFactory

from .factories import EnrolmentFactory, InterventionFactory, ParticipantFactory, observe

AS_OF = dt.date(2026, 1, 15)
YEAR = resolve_period("2025")


@pytest.fixture
def register(db):
    unit, other = UnitFactory(), UnitFactory()
    i1 = InterventionFactory(name="Praktik A", category="internship")
    i2 = InterventionFactory(
        name="Arbetsträning B",
        category="work_training",
        cost_per_participant_month=Decimal("6087.50"),
    )
    i3 = InterventionFactory(
        name="Yrkessvenska C", category="vocational_swedish", cost_per_participant_month=None
    )
    p1 = ParticipantFactory(
        gender="K",
        birth_year=1990,
        received_on=dt.date(2024, 6, 1),
        owning_unit=unit,
        education_level="upper_secondary",
    )
    p2 = ParticipantFactory(
        gender="M",
        birth_year=2003,
        received_on=dt.date(2020, 1, 1),
        owning_unit=unit,
        education_level="primary",
    )
    p3 = ParticipantFactory(gender="K", birth_year=1970, received_on=None, owning_unit=unit)
    p4 = ParticipantFactory(
        gender="M",
        birth_year=1985,
        received_on=dt.date(2023, 1, 10),
        owning_unit=other,
        education_level="post_secondary_long",
    )
    p5 = ParticipantFactory(
        gender="X", birth_year=None, received_on=None, owning_unit=unit, education_level="unknown"
    )
    e1 = EnrolmentFactory(
        participant=p1,
        intervention=i1,
        start=dt.date(2024, 11, 1),
        end=dt.date(2025, 2, 28),
        exit="work",
    )
    EnrolmentFactory(participant=p1, intervention=i2, start=dt.date(2025, 3, 1))
    e3 = EnrolmentFactory(
        participant=p2,
        intervention=i1,
        start=dt.date(2025, 5, 1),
        end=dt.date(2025, 5, 31),
        exit="studies",
    )
    EnrolmentFactory(
        participant=p2,
        intervention=i3,
        start=dt.date(2025, 6, 15),
        end=dt.date(2025, 12, 31),
        exit="job_seeking",
    )
    EnrolmentFactory(
        participant=p3,
        intervention=i2,
        start=dt.date(2023, 1, 1),
        end=dt.date(2024, 12, 31),
        exit="work",
    )
    EnrolmentFactory(participant=p3, intervention=i2, start=dt.date(2026, 1, 1))
    EnrolmentFactory(
        participant=p4,
        intervention=i1,
        start=dt.date(2025, 10, 1),
        end=dt.date(2026, 3, 1),
        exit="subsidised_work",
    )
    e8 = EnrolmentFactory(
        participant=p5,
        intervention=i3,
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 1, 1),
        exit="subsidised_work",
    )
    observe(e1, 90, "work")
    observe(e1, 180, "studies")
    observe(e3, 90, "job_seeking")
    observe(e8, 90, "unknown")
    observe(e8, 180, "work")
    return {"unit": unit, "other": other, "i1": i1, "i2": i2, "i3": i3}


def raw(grouping=(), scope=None):
    return kpis.raw_figures(YEAR, scope or municipality_scope(), grouping, as_of=AS_OF)


def test_every_kpi_of_the_whole_register(register):
    total = raw()[()]
    assert total.active == 4  # P1, P2, P4, P5; P3's enrolments lie outside 2025
    assert total.new == 3  # P2, P4, P5; P1 started in 2024
    assert total.ended == 4  # E1, E3, E4, E8
    assert total.exit_ws == 3  # work, studies, subsidised work
    assert total.exit_work == 1
    assert (total.observed[90], total.observed_ws[90]) == (3, 1)
    assert (total.observed[180], total.observed_ws[180]) == (2, 2)
    assert (total.observed[365], total.observed_ws[365]) == (0, 0)  # none observed yet
    assert total.median == 75.5  # days 1, 31, 120, 200
    # 59 + 31 + 92 days at 100 kr and 306 days at 200 kr; I3 has no cost
    assert total.cost / kpis.DAYS_PER_MONTH == Decimal(79400)
    figures = kpis.figures_of(total)
    assert figures["exit_work_or_studies_share"].value == 75.0
    assert figures["exit_unsubsidised_work_share"].value == 25.0
    assert figures["work_or_studies_90d_share"].value == 33.3
    assert figures["work_or_studies_180d_share"].value == 100.0
    assert figures["work_or_studies_365d_share"].value is None
    assert figures["cost_per_participant"].value == 19850
    assert figures["cost_per_exit_work_or_studies"].value == 26467  # 79 400 / 3


def test_by_gender(register):
    groups = raw(("gender",))
    k, m, x = groups[(("gender", "K"),)], groups[(("gender", "M"),)], groups[(("gender", "X"),)]
    assert (k.active, k.new, k.ended, k.exit_ws, k.exit_work) == (1, 0, 1, 1, 1)
    assert (m.active, m.new, m.ended, m.exit_ws, m.exit_work) == (2, 2, 2, 1, 0)
    assert (x.active, x.new, x.ended, x.exit_ws, x.exit_work) == (1, 1, 1, 1, 0)
    assert (k.median, m.median, x.median) == (120, 115.5, 1)
    assert kpis.figures_of(k)["cost_per_participant"].value == 67100
    assert kpis.figures_of(m)["cost_per_participant"].value == 6150


def test_by_category_counts_a_participant_in_each_group(register):
    groups = raw(("category",))
    internship = groups[(("category", "internship"),)]
    training = groups[(("category", "work_training"),)]
    swedish = groups[(("category", "vocational_swedish"),)]
    assert (internship.active, internship.new, internship.ended, internship.exit_ws) == (3, 2, 2, 2)
    assert (training.active, training.new, training.ended) == (1, 0, 0)
    assert (swedish.active, swedish.new, swedish.ended, swedish.exit_ws) == (2, 2, 2, 1)
    assert training.median is None
    assert kpis.figures_of(internship)["cost_per_participant"].value == 6067  # 18 200 / 3


def test_by_intervention(register):
    groups = raw(("intervention",))
    assert groups[(("intervention", register["i1"].pk),)].active == 3
    assert groups[(("intervention", register["i2"].pk),)].active == 1


def test_by_years_since_reception_at_start(register):
    groups = raw(("reception",))
    assert groups[(("reception", "0-2"),)].active == 1  # P1: 153 and 273 days
    assert groups[(("reception", "5+"),)].active == 1  # P2: over five years
    assert groups[(("reception", "2-5"),)].active == 1  # P4: 995 days
    assert groups[(("reception", "unknown"),)].active == 1  # P5


def test_two_years_since_reception_is_730_days(db):
    # 2023-10-01 to 2025-09-30 is 730 days (2024 is a leap year): still under two years.
    p = ParticipantFactory(received_on=dt.date(2023, 10, 1))
    EnrolmentFactory(participant=p, start=dt.date(2025, 9, 30))
    q = ParticipantFactory(received_on=dt.date(2023, 9, 30))
    EnrolmentFactory(participant=q, start=dt.date(2025, 9, 30))
    groups = raw(("reception",))
    assert groups[(("reception", "0-2"),)].active == 1
    assert groups[(("reception", "2-5"),)].active == 1


def test_by_age_band_at_start(register):
    groups = raw(("age",))
    assert groups[(("age", "25-39"),)].active == 1  # P1: 34 at E1, 35 at E2
    assert groups[(("age", "16-24"),)].active == 1  # P2: 22
    assert groups[(("age", "40-64"),)].active == 1  # P4: 40
    assert groups[(("age", "other"),)].active == 1  # P5: no birth year


def test_by_education(register):
    groups = raw(("education",))
    assert groups[(("education", "upper_secondary"),)].ended == 1
    assert groups[(("education", "primary"),)].ended == 2


def test_two_at_a_time(register):
    groups = raw(("gender", "category"))
    cell = groups[(("gender", "M"), ("category", "internship"))]
    assert (cell.active, cell.ended, cell.exit_ws) == (2, 1, 1)  # P2 and P4; E3 ended


def test_a_coach_scope_counts_only_the_units_participants(register):
    scope = Scope("enhet", "Enheten", frozenset({register["unit"].pk}))
    total = raw(scope=scope)[()]
    assert total.active == 3  # P4 belongs to another unit
    assert total.new == 2
    assert total.ended == 4


def test_an_open_enrolment_is_costed_up_to_today_only(register):
    spring = resolve_period("2025-01-01..2025-06-30")
    total = kpis.raw_figures(spring, municipality_scope(), as_of=dt.date(2025, 3, 10))[()]
    # E1 59 days, E2 2025-03-01..03-10 = 10 days at 200 kr; E3 starts later but is counted
    # as active; its days after 'today' are costed since it has ended (31 days).
    assert total.cost / kpis.DAYS_PER_MONTH == Decimal(5900 + 2000 + 3100)


def test_the_report_hides_small_figures(register):
    report = kpis.compute(YEAR, municipality_scope(), ("gender",), as_of=AS_OF)
    for group in report.rows():
        for cell in group.cells.values():
            assert cell.suppressed
    assert str(report.total.cells["active_participants"]) == ".."


def test_before_protection_the_totals_are_the_hand_computed_ones(register):
    (total,) = kpis.raw_figures(YEAR, municipality_scope(), as_of=AS_OF).values()
    figures = kpis.figures_of(total)
    assert figures["active_participants"].value == 4
    assert figures["exit_work_or_studies_share"].value == 75.0
    assert figures["median_days_in_intervention"].value == 75.5
    assert figures["cost_per_participant"].value == 19850
    assert figures["work_or_studies_365d_share"].value is None  # nobody observed


def test_a_period_without_enrolments_is_empty(register):
    report = kpis.compute(resolve_period("2019"), municipality_scope(), as_of=AS_OF)
    assert report.is_empty


def test_the_number_of_queries_does_not_depend_on_the_rows(register, django_assert_max_num_queries):
    with django_assert_max_num_queries(40) as few:
        kpis.compute(YEAR, municipality_scope(), ("gender", "intervention"), as_of=AS_OF)
    for n in range(30):
        EnrolmentFactory(
            intervention=InterventionFactory(),
            start=dt.date(2025, 2, 1),
            end=dt.date(2025, 3, 1),
            exit="work",
            participant=ParticipantFactory(gender="KM"[n % 2]),
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        kpis.compute(YEAR, municipality_scope(), ("gender", "intervention"), as_of=AS_OF)


@pytest.mark.parametrize(
    "text", ["kön", "gender,gender", "gender,age,education", "category,intervention"]
)
def test_breakdowns_that_cannot_be_made_are_refused_in_swedish(text):
    with pytest.raises(kpis.InvalidBreakdown):
        kpis.parse_breakdown(text)
