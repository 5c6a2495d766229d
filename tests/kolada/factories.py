from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from etablera.kolada.models import Kpi, Value


class KpiFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Kpi
        django_get_or_create = ("id",)

    id = factory.Sequence(lambda n: f"N9{n:04d}")
    title = factory.Sequence(lambda n: f"Nyckeltal {n}")
    accepted_title = factory.SelfAttribute("title")
    description = "Beskrivning i Kolada."
    is_divided_by_gender = True
    last_fetched_at = factory.LazyFunction(
        lambda: timezone.make_aware(dt.datetime(2025, 11, 20, 6, 0))
    )


class ValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Value

    kpi = factory.SubFactory(KpiFactory)
    municipality = "1487"
    year = 2024
    gender = "T"
    value = Decimal("41.0")
    fetched_at = factory.LazyFunction(timezone.now)


def comparison_values(kpi, year_values: dict[str, list]) -> None:
    """``{"1487": [v2023, v2024], "1488": [...], "0000": [...]}`` for 2023 and 2024."""
    for code, values in year_values.items():
        for year, value in zip((2023, 2024), values, strict=True):
            ValueFactory(
                kpi=kpi,
                municipality=code,
                year=year,
                value=None if value is None else Decimal(str(value)),
                status="Missing" if value is None else "",
            )
