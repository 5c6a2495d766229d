"""Factories for the register rows the KPI tests compute over.

Participants carry local reserve numbers: the KPIs never look at identities, and the tests need
no encryption key.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from etablera.register.models import (
    Enrolment,
    IdentityKind,
    Intervention,
    InterventionCategory,
    OutcomeObservation,
    Participant,
    StatusCategory,
)
from tests.factories import UnitFactory


def status(code: str) -> StatusCategory:
    return StatusCategory.objects.get(code=code)


class InterventionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Intervention

    name = factory.Sequence(lambda n: f"Insats {n:03d}")
    code = factory.Sequence(lambda n: f"STAT-{n}")
    category = InterventionCategory.INTERNSHIP
    provider_unit = factory.SubFactory(UnitFactory)
    cost_per_participant_month = Decimal("3043.75")  # 100 kr a day
    start = dt.date(2020, 1, 1)


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    identity_kind = IdentityKind.RESERVE
    reserve_number = factory.Sequence(lambda n: f"R-STAT-{n:06d}")
    identity_hash = None
    birth_year = 1990
    gender = "K"
    received_on = dt.date(2024, 1, 1)
    education_level = "upper_secondary"
    owning_unit = factory.SubFactory(UnitFactory)


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    participant = factory.SubFactory(ParticipantFactory)
    intervention = factory.SubFactory(InterventionFactory)
    start = dt.date(2025, 1, 1)
    status_at_start = factory.LazyFunction(lambda: status("job_seeking"))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        exit_code = kwargs.pop("exit", None)
        if exit_code is not None:
            kwargs["exit_status"] = status(exit_code)
        return super()._create(model_class, *args, **kwargs)


def observe(enrolment: Enrolment, days: int, code: str) -> OutcomeObservation:
    return OutcomeObservation.objects.create(
        enrolment=enrolment,
        days_after_exit=days,
        observed_on=enrolment.end + dt.timedelta(days=days),
        status=status(code),
    )
