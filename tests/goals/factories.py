"""Factories for goals, indicators, targets and values (valid by default)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from etablera.goals.models import Goal, GoalLevel, Indicator, IndicatorValue, Target
from tests.factories import BodyFactory
from tests.mandates.factories import PolicyAreaFactory


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    title = factory.Sequence(lambda n: f"Mål {n}")
    level = GoalLevel.COMMITTEE
    owner = factory.SubFactory(BodyFactory)
    policy_area = factory.SubFactory(PolicyAreaFactory)
    valid_from = dt.date(2023, 1, 1)
    valid_to = dt.date(2026, 12, 31)


class IndicatorFactory(factory.django.DjangoModelFactory):
    """A manual percentage indicator; pass ``goals=[...]`` to link it."""

    class Meta:
        model = Indicator
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Indikator {n}")
    unit = "percent"
    direction = "higher"
    source = "manual"

    @factory.post_generation
    def goals(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.goals.set(extracted)


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    indicator = factory.SubFactory(IndicatorFactory)
    year = 2025
    gender = "T"
    value = Decimal("50")


class IndicatorValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorValue

    indicator = factory.SubFactory(IndicatorFactory)
    start = dt.date(2025, 1, 1)
    end = dt.date(2025, 12, 31)
    gender = "T"
    value = Decimal("42.5")
