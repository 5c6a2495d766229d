"""Services: every write validated whole, in one transaction; change history with its actor."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from etablera.accounts.policy import Operator
from etablera.accounts.roles import Role
from etablera.mandates import selectors, services
from etablera.mandates.models import Decision, Mandate, Origin, PolicyArea
from tests.factories import OPERATOR, BodyFactory, MunicipalityFactory
from tests.mandates.factories import DecisionFactory, MandateFactory, PolicyAreaFactory

pytestmark = pytest.mark.django_db


def fields(body, **overrides):
    values = {
        "title": "Arbetsmarknadsinsatser för nyanlända",
        "policy_area": PolicyAreaFactory(),
        "owner": body,
        "performer_body": body,
        "level": "operational",
        "origin": "ordinary",
        "follow_up_body": body,
    }
    values.update(overrides)
    return values


def test_create_mandate_saves_a_valid_mandate(body):
    mandate = services.create_mandate(actor=OPERATOR, **fields(body, title="  Språkpraktik  "))
    assert mandate.pk and mandate.title == "Språkpraktik"


def test_commissioned_mandate_without_decision_is_saved_and_flagged(body, ks):
    mandate = services.create_mandate(
        actor=OPERATOR, **fields(body, origin=Origin.COMMISSIONED_KS, commissioned_by=ks)
    )
    assert Mandate.objects.filter(pk=mandate.pk).exists()
    assert mandate.missing_decision


def test_bad_input_saves_nothing(body, municipality):
    foreign = BodyFactory(municipality=MunicipalityFactory(code="1488"))
    cases = [
        ({"start": dt.date(2025, 2, 1), "end": dt.date(2025, 1, 1)}, "end"),
        ({"performer_body": foreign}, "performer_body"),
        ({"origin": Origin.COMMISSIONED_KF}, "commissioned_by"),
    ]
    for overrides, field in cases:
        with pytest.raises(ValidationError) as exc:
            services.create_mandate(actor=OPERATOR, **fields(body, **overrides))
        assert field in exc.value.message_dict
    assert not Mandate.objects.exists()


def test_update_mandate_refuses_and_restores_the_object(body):
    mandate = MandateFactory(owner=body, start=dt.date(2025, 1, 1))
    with pytest.raises(ValidationError):
        services.update_mandate(mandate, actor=OPERATOR, end=dt.date(2024, 1, 1), title="Ändrad")
    mandate.refresh_from_db()
    assert mandate.end is None and mandate.title != "Ändrad"


def test_policy_area_code_is_made_from_the_name():
    area = services.create_policy_area(actor=OPERATOR, name="Social inkludering")
    assert area.code == "social-inkludering"
    with pytest.raises(ValidationError) as exc:
        services.create_policy_area(actor=OPERATOR, name="Social inkludering")
    assert "name" in exc.value.message_dict
    assert PolicyArea.objects.count() == 1


def test_duplicate_decision_section_has_a_swedish_message(ks):
    decision = DecisionFactory(body=ks, section="§ 123")
    with pytest.raises(ValidationError) as exc:
        services.create_decision(
            actor=OPERATOR,
            body=ks,
            date=decision.date,
            section=" § 123 ",
            title="Samma paragraf igen",
        )
    assert "Organet har redan ett beslut med den paragrafen det datumet." in exc.value.messages
    assert Decision.objects.count() == 1


def test_changes_are_recorded_with_the_actor(body, make_user):
    user = make_user(Role.STRATEGIST, body=body)
    mandate = MandateFactory(owner=body, title="Före")
    services.update_mandate(mandate, actor=user, title="Efter")
    entry = LogEntry.objects.get_for_object(mandate).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == user
    assert entry.changes_dict["title"] == ["Före", "Efter"]
    assert "updated_at" not in entry.changes_dict


def test_a_commands_changes_show_its_name_in_the_history(body):
    mandate = MandateFactory(owner=body, title="Före")
    services.update_mandate(mandate, actor=Operator("command:import"), title="Efter")
    assert selectors.history(mandate)[0].actor == "command:import"
