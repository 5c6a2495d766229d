"""Factories for policy areas, decisions and mandates (valid by default)."""

from __future__ import annotations

import datetime as dt

import factory

from etablera.mandates.models import (
    Decision,
    Level,
    Mandate,
    MandateStatus,
    Origin,
    PolicyArea,
)
from tests.factories import BodyFactory


class PolicyAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PolicyArea

    name = factory.Sequence(lambda n: f"Område {n}")
    code = factory.Sequence(lambda n: f"omrade-{n}")
    order = factory.Sequence(lambda n: n)


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    body = factory.SubFactory(BodyFactory)
    date = dt.date(2017, 5, 17)
    section = factory.Sequence(lambda n: f"§ {n + 1}")
    case_number = factory.Sequence(lambda n: f"KS 2017/{n + 100}")
    title = factory.Sequence(lambda n: f"Beslut om uppdrag {n}")


class MandateFactory(factory.django.DjangoModelFactory):
    """An ordinary, operational mandate the owner performs and follows up itself.

    Pass ``performer_unit=`` to have a unit perform it (the performer body is then empty).
    """

    class Meta:
        model = Mandate

    title = factory.Sequence(lambda n: f"Uppdrag {n}")
    policy_area = factory.SubFactory(PolicyAreaFactory)
    owner = factory.SubFactory(BodyFactory)
    performer_unit = None
    performer_body = factory.LazyAttribute(lambda o: None if o.performer_unit else o.owner)
    level = Level.OPERATIONAL
    origin = Origin.ORDINARY
    commissioned_by = None
    decision = None
    follow_up_body = factory.SelfAttribute("owner")
    follow_up_role = factory.LazyAttribute(lambda o: "Förvaltningschef" if o.follow_up_body else "")
    status = MandateStatus.ACTIVE
