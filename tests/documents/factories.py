"""Factories for steering documents. Adopted versions and distributions go through the services,
so the objects in tests are ones the application itself could have made."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from etablera.documents import services
from etablera.documents.models import (
    Distribution,
    DocumentKind,
    DocumentVersion,
    SteeringDocument,
    VersionStatus,
)
from etablera.mandates.models import Decision
from tests.factories import OPERATOR, BodyFactory


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    body = factory.SubFactory(BodyFactory)
    date = dt.date(2024, 3, 13)
    section = factory.Sequence(lambda n: f"§ {n + 1}")
    case_number = factory.Sequence(lambda n: f"KS 2024/{n + 1}")
    title = "Antagande av styrdokument"


class SteeringDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SteeringDocument

    kind = DocumentKind.PLATFORM
    title = factory.Sequence(lambda n: f"Styrdokument {n}")
    owner = factory.SubFactory(BodyFactory)
    review_by = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=365))


class DocumentVersionFactory(factory.django.DjangoModelFactory):
    """A draft saved directly (for constraint tests); use ``adopted_version`` for the rest."""

    class Meta:
        model = DocumentVersion

    document = factory.SubFactory(SteeringDocumentFactory)
    number = factory.Sequence(lambda n: n + 1)
    status = VersionStatus.DRAFT
    text = "# Rubrik\n\nText."


def draft_version(document: SteeringDocument | None = None, text: str = "Text.", **kw):
    document = document or SteeringDocumentFactory()
    return services.save_version(DocumentVersion(document=document, text=text, **kw), actor=None)


def adopted_version(
    document: SteeringDocument | None = None,
    decision: Decision | None = None,
    text: str = "# Plattform\n\nText.",
) -> DocumentVersion:
    document = document or SteeringDocumentFactory()
    version = draft_version(document, text=text)
    decision = decision or DecisionFactory(body=document.owner)
    return services.adopt_version(version, decision, actor=OPERATOR)


def distribution_to(
    recipient,
    version: DocumentVersion | None = None,
    deadline: dt.date | None = None,
    sent_on: dt.date | None = None,
) -> Distribution:
    """Send ``version`` (a new adopted one by default) to a body or a unit."""
    from etablera.organisation.models import Unit

    version = version or adopted_version()
    today = timezone.localdate()
    sent_on = sent_on or min(today, deadline or today)
    is_unit = isinstance(recipient, Unit)
    (created,) = services.distribute(
        version,
        bodies=[] if is_unit else [recipient],
        units=[recipient] if is_unit else [],
        deadline=deadline or today + dt.timedelta(days=30),
        sent_on=sent_on,
        actor=None,
    )
    return created
