"""Goals, indicators, targets and values: the rules the register keeps."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from etablera.goals import services
from etablera.goals.models import Goal, GoalLevel, Indicator, IndicatorValue, Target
from tests.factories import UserFactory
from tests.goals.factories import GoalFactory, IndicatorFactory, IndicatorValueFactory
from tests.mandates.factories import PolicyAreaFactory


def test_a_goal_without_owner_is_stored_and_flagged(db):
    goal = services.save_goal(
        Goal(
            title="Minskad trångboddhet",
            level=GoalLevel.COMMITTEE,
            policy_area=PolicyAreaFactory(),
            valid_from=dt.date(2024, 1, 1),
        ),
        actor=None,
    )
    assert goal.pk and goal.missing_owner


def test_a_goal_tree_goes_downwards_and_never_in_a_circle(db):
    council = GoalFactory(level=GoalLevel.COUNCIL)
    committee = GoalFactory(level=GoalLevel.COMMITTEE, parent=council)
    activity = GoalFactory(level=GoalLevel.ACTIVITY, parent=committee)
    council.parent = activity
    council.level = GoalLevel.COUNCIL
    with pytest.raises(ValidationError) as exc:
        services.save_goal(council, actor=None)
    assert "högre nivå" in str(exc.value)
    with pytest.raises(ValidationError, match="före startdatum"):
        services.save_goal(
            Goal(
                title="X",
                level="council",
                policy_area=committee.policy_area,
                valid_from=dt.date(2025, 1, 1),
                valid_to=dt.date(2024, 1, 1),
            ),
            actor=None,
        )


def test_a_target_year_outside_the_goals_validity_is_refused(db):
    goal = GoalFactory(valid_from=dt.date(2023, 1, 1), valid_to=dt.date(2026, 12, 31))
    indicator = IndicatorFactory(goals=[goal])
    with pytest.raises(ValidationError) as exc:
        services.save_target(
            Target(indicator=indicator, year=2027, value=Decimal("50")), actor=None
        )
    assert "Året 2027 ligger utanför giltighetstiden" in str(exc.value)
    assert not Target.objects.exists()
    services.save_target(Target(indicator=indicator, year=2026, value=Decimal("50")), actor=None)
    assert Target.objects.count() == 1


def test_a_target_in_the_wrong_unit_or_gender_is_refused(db):
    indicator = IndicatorFactory(goals=[GoalFactory()])
    with pytest.raises(ValidationError, match="mellan 0 och 100"):
        services.save_target(
            Target(indicator=indicator, year=2025, value=Decimal("120")), actor=None
        )
    with pytest.raises(ValidationError, match="inte per kön"):
        services.save_target(
            Target(indicator=indicator, year=2025, gender="K", value=Decimal(5)), actor=None
        )


def test_linking_an_indicator_to_goals_that_do_not_cover_its_targets_is_refused(db):
    early = GoalFactory(valid_from=dt.date(2019, 1, 1), valid_to=dt.date(2022, 12, 31))
    indicator = IndicatorFactory(goals=[GoalFactory()])
    services.save_target(Target(indicator=indicator, year=2025, value=Decimal("50")), actor=None)
    with pytest.raises(ValidationError, match="2025"):
        services.save_indicator(indicator, [early], actor=None)
    assert list(Indicator.objects.get(pk=indicator.pk).goals.all()) != [early]


@pytest.mark.parametrize(
    ("unit", "value", "message"),
    [
        ("percent", "100.5", "mellan 0 och 100"),
        ("percent", "-1", "mellan 0 och 100"),
        ("count", "2.5", "heltal"),
        ("count", "-3", "heltal"),
        ("days", "-1", "negativt"),
    ],
)
def test_a_value_in_the_wrong_unit_is_refused(db, unit, value, message):
    indicator = IndicatorFactory(unit=unit)
    with pytest.raises(ValidationError, match=message):
        services.save_value(
            IndicatorValue(
                indicator=indicator,
                start=dt.date(2025, 1, 1),
                end=dt.date(2025, 12, 31),
                value=Decimal(value),
            ),
            actor=None,
        )
    assert not IndicatorValue.objects.exists()


def test_a_value_records_who_entered_it_and_a_duplicate_is_refused(db):
    user = UserFactory()
    indicator = IndicatorFactory()
    value = services.save_value(
        IndicatorValue(
            indicator=indicator,
            start=dt.date(2025, 1, 1),
            end=dt.date(2025, 12, 31),
            value=Decimal("40"),
        ),
        actor=user,
    )
    assert value.entered_by == user and value.entered_at is not None
    assert value.source == "manual"
    with pytest.raises(ValidationError, match="finns redan"):
        services.save_value(
            IndicatorValue(
                indicator=indicator,
                start=dt.date(2025, 1, 1),
                end=dt.date(2025, 12, 31),
                value=Decimal("41"),
            ),
            actor=None,
        )


def test_a_suppressed_value_keeps_no_number(db):
    value = services.save_value(
        IndicatorValue(
            indicator=IndicatorFactory(),
            start=dt.date(2025, 1, 1),
            end=dt.date(2025, 12, 31),
            value=Decimal("3"),
            suppressed=True,
        ),
        actor=None,
    )
    assert value.value is None and value.suppressed
    with pytest.raises(ValidationError, match="dold"):
        services.save_value(
            IndicatorValue(
                indicator=value.indicator,
                start=dt.date(2024, 1, 1),
                end=dt.date(2024, 12, 31),
                value=None,
            ),
            actor=None,
        )


def test_register_values_are_not_typed_in(db):
    indicator = IndicatorFactory(source="register", source_key="active_participants", unit="count")
    with pytest.raises(ValidationError, match="deltagarregistret"):
        services.save_value(
            IndicatorValue(
                indicator=indicator,
                start=dt.date(2025, 1, 1),
                end=dt.date(2025, 12, 31),
                value=Decimal("3"),
            ),
            actor=None,
        )


def test_an_indicator_from_a_source_needs_its_key(db):
    with pytest.raises(ValidationError, match="källnyckeln"):
        services.save_indicator(Indicator(name="X", unit="count", source="kolada"), actor=None)


def test_the_database_keeps_the_invariants(db):
    value = IndicatorValueFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorValue.objects.filter(pk=value.pk).update(value=None, suppressed=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorValue.objects.filter(pk=value.pk).update(end=dt.date(2020, 1, 1))
    goal = GoalFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Goal.objects.filter(pk=goal.pk).update(valid_to=dt.date(2000, 1, 1))
