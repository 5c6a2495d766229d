"""Factories for follow-up periods and reports, and a helper that sets up a whole period."""

from __future__ import annotations

import datetime as dt

import factory

from etablera.followup.models import Period, PeriodKind, Report
from tests.factories import BodyFactory


class PeriodFactory(factory.django.DjangoModelFactory):
    """An annual period ``<year>H``; each new one a year earlier so they never overlap."""

    class Meta:
        model = Period

    code = factory.Sequence(lambda n: f"{2025 - n}H")
    name = factory.LazyAttribute(lambda o: f"Helår {o.code[:4]}")
    kind = PeriodKind.ANNUAL
    start = factory.LazyAttribute(lambda o: dt.date(int(o.code[:4]), 1, 1))
    end = factory.LazyAttribute(lambda o: dt.date(int(o.code[:4]), 12, 31))
    deadline = factory.LazyAttribute(lambda o: dt.date(int(o.code[:4]) + 1, 2, 15))


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Report

    period = factory.SubFactory(PeriodFactory)
    body = factory.SubFactory(BodyFactory)
