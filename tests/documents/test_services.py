"""Use cases: versions, adoption (which supersedes), distribution, acknowledgement."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from etablera.accounts.roles import Role
from etablera.documents import services
from etablera.documents.models import Acknowledgement, Distribution, DocumentVersion, VersionStatus
from tests.documents.factories import (
    DecisionFactory,
    SteeringDocumentFactory,
    adopted_version,
    distribution_to,
    draft_version,
)
from tests.factories import OPERATOR, BodyFactory, MunicipalityFactory, UnitFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_new_versions_are_numbered_drafts():
    document = SteeringDocumentFactory()
    first = draft_version(document)
    second = draft_version(document)
    assert (first.number, second.number) == (1, 2)
    assert first.status == second.status == VersionStatus.DRAFT


def test_adopting_a_new_version_supersedes_the_previous_one_in_one_step():
    document = SteeringDocumentFactory()
    old = adopted_version(document, DecisionFactory(body=document.owner, date=dt.date(2019, 5, 22)))
    new = draft_version(document, text="Ny text.")
    decision = DecisionFactory(body=document.owner, date=dt.date(2024, 3, 13))

    services.adopt_version(new, decision, actor=OPERATOR)

    old.refresh_from_db()
    new.refresh_from_db()
    assert old.status == VersionStatus.SUPERSEDED
    assert old.superseded_on == dt.date(2024, 3, 13)
    assert new.status == VersionStatus.ADOPTED
    assert (new.decision, new.adopted_on) == (decision, dt.date(2024, 3, 13))
    assert document.versions.filter(status=VersionStatus.ADOPTED).get() == new
    # The change history records both.
    assert LogEntry.objects.get_for_object(old).count() >= 2
    assert LogEntry.objects.get_for_object(new).count() >= 2


def test_a_failed_adoption_changes_nothing():
    document = SteeringDocumentFactory()
    old = adopted_version(document, DecisionFactory(body=document.owner, date=dt.date(2024, 3, 13)))
    new = draft_version(document)
    older_decision = DecisionFactory(body=document.owner, date=dt.date(2020, 1, 1))
    with pytest.raises(ValidationError) as error:
        services.adopt_version(new, older_decision, actor=OPERATOR)
    assert "decision" in error.value.message_dict
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.status, new.status) == (VersionStatus.ADOPTED, VersionStatus.DRAFT)


def test_a_review_date_before_the_decision_rolls_the_adoption_back():
    document = SteeringDocumentFactory()
    old = adopted_version(document)
    new = draft_version(document)
    decision = DecisionFactory(body=document.owner, date=dt.date(2024, 6, 1))
    with pytest.raises(ValidationError) as error:
        services.adopt_version(new, decision, review_by=dt.date(2024, 1, 1), actor=OPERATOR)
    assert "review_by" in error.value.message_dict
    old.refresh_from_db()
    assert old.status == VersionStatus.ADOPTED


def test_adopting_sets_a_new_review_date():
    document = SteeringDocumentFactory()
    version = draft_version(document)
    services.adopt_version(
        version,
        DecisionFactory(body=document.owner),
        review_by=dt.date(2028, 6, 30),
        actor=OPERATOR,
    )
    document.refresh_from_db()
    assert document.review_by == dt.date(2028, 6, 30)


def test_only_drafts_are_adopted_and_not_after_a_newer_version():
    document = SteeringDocumentFactory()
    v1 = draft_version(document)
    v2 = draft_version(document)
    services.adopt_version(v2, DecisionFactory(body=document.owner), actor=OPERATOR)
    with pytest.raises(ValidationError, match="nyare version"):
        services.adopt_version(v1, DecisionFactory(body=document.owner), actor=OPERATOR)
    with pytest.raises(ValidationError, match="Bara ett utkast"):
        services.adopt_version(v2, DecisionFactory(body=document.owner), actor=OPERATOR)


def test_adoption_needs_a_decision_of_the_municipality():
    version = draft_version()
    with pytest.raises(ValidationError) as missing:
        services.adopt_version(version, None, actor=OPERATOR)
    assert "decision" in missing.value.message_dict
    foreign = BodyFactory(municipality=MunicipalityFactory(code="1488", name="Grannkommunen"))
    with pytest.raises(ValidationError) as error:
        services.adopt_version(version, DecisionFactory(body=foreign), actor=OPERATOR)
    assert "decision" in error.value.message_dict


def test_an_adopted_version_cannot_be_edited():
    version = adopted_version()
    version.text = "Ändrad i efterhand"
    with pytest.raises(ValidationError, match="kan inte ändras"):
        services.save_version(version, actor=None)
    version.refresh_from_db()
    assert version.text != "Ändrad i efterhand"


def test_a_draft_cannot_change_status_by_saving():
    version = draft_version()
    version.status = VersionStatus.ADOPTED
    services.save_version(version, actor=None)
    version.refresh_from_db()
    assert version.status == VersionStatus.DRAFT


def test_a_version_with_neither_text_nor_file_is_refused():
    with pytest.raises(ValidationError) as error:
        services.save_version(
            DocumentVersion(document=SteeringDocumentFactory(), text="  "), actor=None
        )
    assert "text" in error.value.message_dict


def test_distribution_goes_to_bodies_and_units_with_a_deadline(body, unit, other_body):
    version = adopted_version()
    deadline = TODAY + dt.timedelta(days=30)
    created = services.distribute(
        version, bodies=[body, other_body], units=[unit], deadline=deadline, actor=None
    )
    assert len(created) == 3
    assert {d.recipient for d in created} == {body, other_body, unit}
    assert all(d.deadline == deadline and d.sent_on == TODAY for d in created)


def test_distribution_refuses_drafts_duplicates_and_past_deadlines(body):
    with pytest.raises(ValidationError, match="antagna versionen"):
        services.distribute(draft_version(), bodies=[body], deadline=TODAY, actor=None)
    version = adopted_version()
    services.distribute(version, bodies=[body], deadline=TODAY, actor=None)
    with pytest.raises(ValidationError) as again:
        services.distribute(version, bodies=[body], deadline=TODAY, actor=None)
    assert "redan skickad" in again.value.message_dict["bodies"][0]
    other = BodyFactory()
    with pytest.raises(ValidationError) as late:
        services.distribute(
            version, bodies=[other], deadline=TODAY - dt.timedelta(days=1), actor=None
        )
    assert "deadline" in late.value.message_dict
    with pytest.raises(ValidationError) as nobody:
        services.distribute(version, deadline=TODAY, actor=None)
    assert "bodies" in nobody.value.message_dict
    assert Distribution.objects.filter(version=version).count() == 1


def test_distribution_refuses_a_body_outside_the_municipality():
    version = adopted_version()
    foreign = BodyFactory(municipality=MunicipalityFactory(code="1488", name="Grannkommunen"))
    with pytest.raises(ValidationError, match="hör inte till kommunen"):
        services.distribute(version, bodies=[foreign], deadline=TODAY, actor=None)


def test_a_reporter_acknowledges_for_their_own_body(body, make_user):
    distribution = distribution_to(body)
    reporter = make_user(Role.REPORTER, body=body)
    ack = services.acknowledge(
        actor=reporter, version=distribution.version, body=body, text="  Vi tillämpar den.  "
    )
    assert ack.distribution == distribution
    assert ack.acknowledged_by == reporter
    assert ack.text == "Vi tillämpar den."


def test_an_acknowledgement_for_a_body_the_version_was_not_sent_to_is_refused(
    body, other_body, make_user
):
    distribution = distribution_to(body)
    reporter = make_user(Role.REPORTER, body=other_body)
    with pytest.raises(ValidationError) as error:
        services.acknowledge(
            actor=reporter, version=distribution.version, body=other_body, text="Vi tillämpar."
        )
    assert "har inte skickats till" in error.value.message_dict["body"][0]
    assert not Acknowledgement.objects.exists()


def test_a_reporter_of_another_body_may_not_acknowledge(body, other_body, make_user):
    distribution = distribution_to(body)
    with pytest.raises(PermissionDenied):
        services.acknowledge_distribution(
            distribution, actor=make_user(Role.REPORTER, body=other_body), text="Nej."
        )
    for role in (Role.STRATEGIST, Role.ADMIN, Role.READER, Role.AUDITOR, Role.COACH):
        with pytest.raises(PermissionDenied):
            services.acknowledge_distribution(distribution, actor=make_user(role), text="Nej.")
    assert not Acknowledgement.objects.exists()


def test_unit_scoping_of_acknowledgements(body, make_user):
    department = UnitFactory(body=body)
    team = UnitFactory(body=body, parent=department)
    sibling = UnitFactory(body=body)
    version = adopted_version()
    to_team = distribution_to(team, version)
    to_sibling = distribution_to(sibling, version)
    to_body = distribution_to(body, version)
    unit_reporter = make_user(Role.REPORTER, unit=department)
    body_reporter = make_user(Role.REPORTER, body=body)

    services.acknowledge_distribution(to_team, actor=unit_reporter, text="Enheten tillämpar.")
    for distribution in (to_sibling, to_body):
        with pytest.raises(PermissionDenied):
            services.acknowledge_distribution(distribution, actor=unit_reporter, text="Nej.")
    # The body's reporter covers the body and every unit under it.
    services.acknowledge_distribution(to_sibling, actor=body_reporter, text="Tillämpas.")
    services.acknowledge_distribution(to_body, actor=body_reporter, text="Tillämpas.")
    assert Acknowledgement.objects.count() == 3


def test_acknowledging_twice_or_a_superseded_version_is_refused(body, make_user):
    distribution = distribution_to(body)
    reporter = make_user(Role.REPORTER, body=body)
    services.acknowledge_distribution(distribution, actor=reporter, text="Ja.")
    with pytest.raises(ValidationError, match="redan kvitterat"):
        services.acknowledge_distribution(distribution, actor=reporter, text="Igen.")

    old = distribution_to(body)
    document = old.version.document
    services.adopt_version(
        draft_version(document), DecisionFactory(body=document.owner), actor=OPERATOR
    )
    with pytest.raises(ValidationError, match="gäller inte längre"):
        services.acknowledge_distribution(old, actor=reporter, text="För sent.")


def test_an_empty_acknowledgement_text_is_refused(body, make_user):
    distribution = distribution_to(body)
    with pytest.raises(ValidationError) as error:
        services.acknowledge_distribution(
            distribution, actor=make_user(Role.REPORTER, body=body), text="   "
        )
    assert "text" in error.value.message_dict


def test_the_body_may_amend_its_acknowledgement(body, make_user):
    reporter = make_user(Role.REPORTER, body=body)
    ack = services.acknowledge_distribution(distribution_to(body), actor=reporter, text="Först.")
    services.change_acknowledgement(ack, actor=reporter, text="Utförligare.")
    ack.refresh_from_db()
    assert ack.text == "Utförligare."
    with pytest.raises(PermissionDenied):
        services.change_acknowledgement(
            ack, actor=make_user(Role.REPORTER, body=BodyFactory()), text="Kapat."
        )


def test_deadline_can_be_moved_but_not_before_sending(body):
    distribution = distribution_to(body)
    services.change_deadline(distribution, TODAY + dt.timedelta(days=90), actor=OPERATOR)
    with pytest.raises(ValidationError) as error:
        services.change_deadline(
            distribution, distribution.sent_on - dt.timedelta(days=1), actor=OPERATOR
        )
    assert "deadline" in error.value.message_dict
