"""The invariants hold in the database itself, not only in forms and services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from etablera.documents.models import (
    Acknowledgement,
    Distribution,
    DocumentVersion,
    ReminderSent,
    SteeringDocument,
    VersionStatus,
)
from tests.documents.factories import (
    DecisionFactory,
    DocumentVersionFactory,
    SteeringDocumentFactory,
    adopted_version,
    distribution_to,
)

pytestmark = pytest.mark.django_db


def _integrity_error(make) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_a_document_has_at_most_one_adopted_version():
    document = SteeringDocumentFactory()
    decision = DecisionFactory(body=document.owner)
    DocumentVersionFactory(
        document=document,
        number=1,
        status=VersionStatus.ADOPTED,
        decision=decision,
        adopted_on=decision.date,
    )
    _integrity_error(
        lambda: DocumentVersionFactory(
            document=document,
            number=2,
            status=VersionStatus.ADOPTED,
            decision=decision,
            adopted_on=decision.date,
        )
    )
    # Any number of superseded versions and drafts are fine.
    DocumentVersionFactory(
        document=document,
        number=3,
        status=VersionStatus.SUPERSEDED,
        decision=decision,
        adopted_on=decision.date,
    )
    DocumentVersionFactory(document=document, number=4)
    assert document.versions.count() == 3


def test_version_numbers_are_unique_per_document():
    document = SteeringDocumentFactory()
    DocumentVersionFactory(document=document, number=1)
    _integrity_error(lambda: DocumentVersionFactory(document=document, number=1))
    DocumentVersionFactory(number=1)  # another document may have its own version 1


def test_an_adopted_version_needs_a_decision():
    _integrity_error(
        lambda: DocumentVersionFactory(status=VersionStatus.ADOPTED, adopted_on=dt.date.today())
    )


def test_a_version_needs_text_or_a_file():
    _integrity_error(lambda: DocumentVersionFactory(text=""))


def test_an_unknown_status_is_refused():
    _integrity_error(lambda: DocumentVersionFactory(status="published"))


def test_a_distribution_has_exactly_one_recipient(body, unit):
    version = adopted_version()
    day = dt.date(2025, 1, 1)
    _integrity_error(
        lambda: Distribution.objects.create(version=version, deadline=day, sent_on=day)
    )
    _integrity_error(
        lambda: Distribution.objects.create(
            version=version, body=body, unit=unit, deadline=day, sent_on=day
        )
    )


def test_a_version_is_sent_once_per_recipient(body, unit):
    version = adopted_version()
    day = dt.date(2025, 1, 1)
    Distribution.objects.create(version=version, body=body, deadline=day, sent_on=day)
    Distribution.objects.create(version=version, unit=unit, deadline=day, sent_on=day)
    _integrity_error(
        lambda: Distribution.objects.create(version=version, body=body, deadline=day, sent_on=day)
    )
    _integrity_error(
        lambda: Distribution.objects.create(version=version, unit=unit, deadline=day, sent_on=day)
    )


def test_the_deadline_cannot_precede_the_sending(body):
    version = adopted_version()
    _integrity_error(
        lambda: Distribution.objects.create(
            version=version, body=body, sent_on=dt.date(2025, 2, 1), deadline=dt.date(2025, 1, 1)
        )
    )


def test_one_acknowledgement_per_distribution_with_text(body, make_user):
    distribution = distribution_to(body)
    user = make_user("reporter", body=body)
    Acknowledgement.objects.create(distribution=distribution, acknowledged_by=user, text="Ja.")
    _integrity_error(
        lambda: Acknowledgement.objects.create(
            distribution=distribution, acknowledged_by=user, text="Igen."
        )
    )
    other = distribution_to(body)
    _integrity_error(
        lambda: Acknowledgement.objects.create(distribution=other, acknowledged_by=user, text="")
    )


def test_a_reminder_is_recorded_once_a_day(body, make_user):
    distribution = distribution_to(body)
    user = make_user("reporter", body=body)
    day = dt.date(2025, 3, 1)
    ReminderSent.objects.create(
        kind="acknowledgement", distribution=distribution, recipient=user, sent_on=day
    )
    _integrity_error(
        lambda: ReminderSent.objects.create(
            kind="acknowledgement", distribution=distribution, recipient=user, sent_on=day
        )
    )
    ReminderSent.objects.create(
        kind="acknowledgement",
        distribution=distribution,
        recipient=user,
        sent_on=day + dt.timedelta(days=1),
    )
    _integrity_error(
        lambda: ReminderSent.objects.create(
            kind="review", distribution=distribution, recipient=user, sent_on=day
        )
    )


def test_document_titles_are_unique_per_owner(body, other_body):
    SteeringDocumentFactory(owner=body, title="Plattform")
    SteeringDocumentFactory(owner=other_body, title="Plattform")
    _integrity_error(lambda: SteeringDocumentFactory(owner=body, title="Plattform"))
    assert SteeringDocument.objects.filter(title="Plattform").count() == 2


def test_superseded_and_draft_versions_are_not_current():
    version = adopted_version()
    assert version.is_adopted and not version.is_draft
    assert DocumentVersion.objects.filter(status=VersionStatus.ADOPTED).count() == 1
