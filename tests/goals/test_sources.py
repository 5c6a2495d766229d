"""The value-source registry: a report gets values without knowing where they come from."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from etablera.accounts.policy import Operator
from etablera.goals import sources
from etablera.goals.sources import SourceValue, bulk_indicator_values, indicator_values
from tests.followup.factories import PeriodFactory
from tests.goals.factories import IndicatorFactory, IndicatorValueFactory

#: The reader of the command line and background jobs: the whole municipality.
OPERATOR = Operator("test")

YEAR = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))


@pytest.fixture
def fake_register():
    """A register source for the test, removed afterwards."""
    calls = []

    class Provider:
        def values(self, indicator, start, end, user=None):
            calls.append((indicator.source_key, start, end, user))
            if indicator.source_key == "small_group":
                return [SourceValue("T", None, suppressed=True)]
            return [SourceValue("T", Decimal("12")), SourceValue("K", Decimal("5"), note="Prel.")]

    previous = sources.get_source("register")
    sources.register_source("register", Provider())
    yield calls
    if previous is None:
        sources._providers.pop("register", None)
    else:
        sources.register_source("register", previous)


def test_manual_values_match_the_range_exactly(db):
    indicator = IndicatorFactory(gender_breakdown=True)
    IndicatorValueFactory(indicator=indicator, gender="M", value=Decimal("44"))
    IndicatorValueFactory(
        indicator=indicator, gender="T", value=Decimal("42.5"), comment="Ny metod"
    )
    IndicatorValueFactory(
        indicator=indicator,
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 8, 31),
        value=Decimal("30"),
    )
    values = indicator_values(indicator, YEAR, user=OPERATOR)
    assert [(v.gender, v.value, v.note) for v in values] == [
        ("T", Decimal("42.50"), "Ny metod"),
        ("M", Decimal("44.00"), ""),
    ]
    assert indicator_values(indicator, "2025D", user=OPERATOR)[0].value == Decimal("30.00")
    assert indicator_values(indicator, PeriodFactory(code="2025H"), user=OPERATOR)[
        0
    ].value == Decimal("42.50")


def test_another_municipalitys_value_is_not_the_own(db, municipality):
    indicator = IndicatorFactory(source="kolada", source_key="N00000")
    IndicatorValueFactory(
        indicator=indicator, source="kolada", municipality_code="1488", value=Decimal("10")
    )
    assert indicator_values(indicator, YEAR, user=OPERATOR) == []
    IndicatorValueFactory(
        indicator=indicator,
        source="kolada",
        municipality_code=municipality.code,
        value=Decimal("20"),
    )
    assert [v.value for v in indicator_values(indicator, YEAR, user=OPERATOR)] == [Decimal("20.00")]


def test_a_registered_source_is_used_for_its_kind(db, fake_register, django_user_model):
    indicator = IndicatorFactory(source="register", source_key="active_participants", unit="count")
    user = django_user_model.objects.create(username="u")
    values = indicator_values(indicator, "2025", user=user)
    assert [(v.gender, v.value) for v in values] == [("T", Decimal("12")), ("K", Decimal("5"))]
    assert fake_register == [("active_participants", *YEAR, user)]


def test_a_suppressed_value_becomes_a_suppressed_cell(db, fake_register):
    indicator = IndicatorFactory(source="register", source_key="small_group")
    (value,) = indicator_values(indicator, YEAR, user=OPERATOR)
    cell = value.cell(indicator)
    assert cell.suppressed and str(cell) == ".."
    assert value.as_json()["value"] is None


def test_an_unavailable_source_gives_no_values(db):
    indicator = IndicatorFactory(source="register", source_key="x")
    previous = sources._providers.pop("register", None)
    try:
        assert indicator_values(indicator, YEAR, user=OPERATOR) == []
        assert bulk_indicator_values([indicator], [YEAR], user=OPERATOR) == {
            (indicator.pk, *YEAR): []
        }
    finally:
        if previous is not None:
            sources.register_source("register", previous)


def test_bulk_reads_manual_values_in_one_query(db, django_assert_num_queries, municipality):
    indicators = [IndicatorFactory() for _ in range(5)]
    for indicator in indicators:
        for year in (2023, 2024, 2025):
            IndicatorValueFactory(
                indicator=indicator,
                start=dt.date(year, 1, 1),
                end=dt.date(year, 12, 31),
                value=Decimal(year - 2000),
            )
    ranges = [(dt.date(y, 1, 1), dt.date(y, 12, 31)) for y in (2023, 2024, 2025)]
    with django_assert_num_queries(2):  # the municipality's code, then every value
        found = bulk_indicator_values(indicators, ranges, user=OPERATOR)
    assert len(found) == 15
    assert found[(indicators[0].pk, *ranges[1])][0].value == Decimal("24.00")


def test_a_provider_must_have_values():
    with pytest.raises(TypeError):
        sources.register_source("broken", object())
