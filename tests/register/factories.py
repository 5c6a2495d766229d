"""Factories for the register. Identity numbers come from a synthetic series (see
``etablera.register.synthetic``), never from real people."""

from __future__ import annotations

import datetime as dt
import itertools

import factory

from etablera.register import crypto, identity
from etablera.register.models import (
    Enrolment,
    IdentityKind,
    Intervention,
    InterventionCategory,
    OutcomeObservation,
    Participant,
    StatusCategory,
)
from etablera.register.status_defaults import ensure_default_status_categories
from etablera.register.synthetic import synthetic_number
from tests.factories import UnitFactory

_serial = itertools.count(1)


def next_number() -> str:
    """A fresh valid synthetic personnummer in its 12-digit form."""
    return synthetic_number(next(_serial))


def status(code: str) -> StatusCategory:
    """A default status category; recreated if a flushed test database lost them."""
    try:
        return StatusCategory.objects.get(code=code)
    except StatusCategory.DoesNotExist:
        ensure_default_status_categories()
        return StatusCategory.objects.get(code=code)


class InterventionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Intervention

    name = factory.Sequence(lambda n: f"Insats {n}")
    code = factory.Sequence(lambda n: f"INS-{n}")
    category = InterventionCategory.WORK_TRAINING
    provider_unit = factory.SubFactory(UnitFactory)
    capacity = 20
    cost_per_participant_month = 4500
    start = dt.date(2024, 1, 1)


GIVEN_NAMES = ["Amina", "Omar", "Olena", "Yusuf", "Sara", "Ali"]
FAMILY_NAMES = ["Haddad", "Karimi", "Tesfaye", "Kovalenko", "Hussein", "Nazari"]


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant
        exclude = ("number",)

    number = factory.LazyFunction(next_number)
    identity_kind = IdentityKind.PERSONNUMMER
    identity_encrypted = factory.LazyAttribute(lambda o: crypto.encrypt(o.number))
    identity_hash = factory.LazyAttribute(lambda o: crypto.lookup_hash(o.number))
    masked_identity = factory.LazyAttribute(lambda o: identity.parse(o.number).masked)
    birth_year = factory.LazyAttribute(lambda o: int(o.number[:4]))
    gender = factory.LazyAttribute(lambda o: identity.parse(o.number).gender)
    given_name = factory.Sequence(lambda n: GIVEN_NAMES[n % len(GIVEN_NAMES)])
    family_name = factory.Sequence(lambda n: f"{FAMILY_NAMES[n % len(FAMILY_NAMES)]}{n}")
    country_of_birth = "SY"
    received_on = dt.date(2023, 3, 1)
    owning_unit = factory.SubFactory(UnitFactory)


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    participant = factory.SubFactory(ParticipantFactory)
    intervention = factory.SubFactory(InterventionFactory)
    start = dt.date(2024, 2, 1)
    status_at_start = factory.LazyFunction(lambda: status("job_seeking"))
    livelihood_at_start = "income_support"
    hours_per_week = 20


class OutcomeObservationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutcomeObservation

    enrolment = factory.SubFactory(
        EnrolmentFactory,
        end=dt.date(2024, 6, 1),
        exit_status=factory.LazyFunction(lambda: status("work")),
    )
    days_after_exit = 90
    observed_on = dt.date(2024, 9, 1)
    status = factory.LazyFunction(lambda: status("work"))
