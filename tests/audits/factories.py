"""Factories for audits, and small helpers for the objects evidence links point to."""

from __future__ import annotations

import datetime as dt

import factory

from etablera.audits.models import (
    Action,
    ActionStatus,
    Assessment,
    Audit,
    AuditorFollowUp,
    AuditQuestion,
    Recommendation,
    Response,
    Verdict,
)
from etablera.mandates.models import Level, Mandate, Origin, PolicyArea
from tests.factories import BodyFactory

PUBLISHED = dt.date(2022, 9, 30)


class AuditFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Audit
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Granskning {n}")
    auditor_firm = "KPMG"
    commissioned_by = "De förtroendevalda revisorerna"
    published_on = PUBLISHED
    purpose = "Att bedöma styrning, samordning och uppföljning."
    overall_assessment = "Inte i tillräcklig omfattning."
    response_deadline = dt.date(2022, 11, 25)

    @factory.post_generation
    def audited_bodies(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.audited_bodies.set(extracted)


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuditQuestion

    audit = factory.SubFactory(AuditFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = "Har styrelsen säkerställt en ändamålsenlig styrning?"
    verdict = Verdict.NOT_MET


class RecommendationFactory(factory.django.DjangoModelFactory):
    """A recommendation addressed to ``addressed_to`` (a list of bodies; default: a new one)."""

    class Meta:
        model = Recommendation
        skip_postgeneration_save = True

    audit = factory.SubFactory(AuditFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Tydliggöra ansvaret, del {n}.")

    @factory.post_generation
    def addressed_to(obj, create, extracted, **kwargs):
        if create:
            obj.addressed_to.set(extracted if extracted is not None else [BodyFactory()])


class ResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Response

    recommendation = factory.SubFactory(RecommendationFactory)
    audit = factory.LazyAttribute(lambda o: o.recommendation.audit)
    body = factory.LazyAttribute(lambda o: o.recommendation.addressed_to.first())
    date = dt.date(2022, 11, 20)
    text = "Styrelsen delar bedömningen."


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    recommendation = factory.SubFactory(RecommendationFactory)
    description = factory.Sequence(lambda n: f"Åtgärd {n}")
    responsible_body = factory.LazyAttribute(lambda o: o.recommendation.addressed_to.first())
    responsible_person = "Kommundirektören"
    due_date = dt.date(2023, 6, 30)
    status = ActionStatus.NOT_STARTED


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuditorFollowUp

    recommendation = factory.SubFactory(RecommendationFactory)
    date = dt.date(2023, 11, 24)
    assessment = Assessment.PARTLY
    comment = "Delvis."


def policy_area(code: str = "integration") -> PolicyArea:
    area, _ = PolicyArea.objects.get_or_create(code=code, defaults={"name": code.capitalize()})
    return area


def make_mandate(owner, **fields) -> Mandate:
    """A mandate of ``owner`` (performed by it), saved without the form's checks."""
    values = {
        "title": "Strategisk samordning av integrationsarbetet",
        "policy_area": policy_area(),
        "owner": owner,
        "performer_body": owner,
        "level": Level.STRATEGIC,
        "origin": Origin.ORDINARY,
        "follow_up_body": owner,
        "follow_up_role": "Kommundirektören",
    }
    values.update(fields)
    if values["follow_up_body"] is None:
        values["follow_up_role"] = ""
    return Mandate.objects.create(**values)
