"""No existence oracle: registering a person of another unit tells the coach nothing about them.

The form, the API and the import go through the same rule in the service: a number registered
under a unit the user cannot see becomes a RegistrationConflict for that unit's coaches (in the
access trail), and the user is told only that the registration waits for review.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from etablera.accounts.models import AccessLogEntry
from etablera.register.models import ConflictStatus, Participant, RegistrationConflict
from etablera.register.services import HELD_FOR_REVIEW
from tests.register.factories import ParticipantFactory, next_number
from tests.register.test_views import registration


def payload(unit, number):
    return {"identity_kind": "personnummer", "identity_number": number, "owning_unit": unit.pk}


def test_the_api_does_not_say_that_a_person_exists_elsewhere(coach, coach_unit, other_unit):
    number = next_number()
    existing = ParticipantFactory(number=number, owning_unit=other_unit)
    api = APIClient()
    api.force_authenticate(coach)
    response = api.post("/api/participants/", payload(coach_unit, number), format="json")
    assert response.status_code == 400
    body = str(response.json())
    assert str(HELD_FOR_REVIEW) in body
    assert "finns redan" not in body and "annan enhet" not in body
    conflict = RegistrationConflict.objects.get()
    assert conflict.participant == existing and conflict.requested_by == coach
    assert conflict.source == "api"
    assert AccessLogEntry.objects.filter(
        subject_type="register.registrationconflict", subject_id=str(conflict.pk), user=coach
    ).exists()
    again = api.post("/api/participants/", payload(coach_unit, number), format="json")
    assert again.status_code == 400 and RegistrationConflict.objects.count() == 1


def test_the_form_says_the_same_and_keeps_the_conflict(client, coach, coach_unit, other_unit):
    number = next_number()
    ParticipantFactory(number=number, owning_unit=other_unit)
    client.force_login(coach)
    response = client.post(
        reverse("register:participant-create"), registration(coach_unit, identity_number=number)
    )
    page = response.content.decode()
    assert "granskning" in page and "annan enhet" not in page
    assert RegistrationConflict.objects.get().source == "form"
    assert Participant.objects.count() == 1


def test_the_owning_units_coach_transfers_or_declines(
    client, coach, other_coach, coach_unit, other_unit
):
    numbers = [next_number(), next_number()]
    first, second = (ParticipantFactory(number=n, owning_unit=other_unit) for n in numbers)
    api = APIClient()
    api.force_authenticate(coach)
    for number in numbers:
        api.post("/api/participants/", payload(coach_unit, number), format="json")
    assert RegistrationConflict.objects.count() == 2
    client.force_login(coach)
    assert first.label not in client.get(reverse("register:conflicts")).content.decode()
    client.force_login(other_coach)
    page = client.get(reverse("register:conflicts"))
    assert page.status_code == 200 and first.label in page.content.decode()
    one, two = RegistrationConflict.objects.order_by("pk")
    client.post(reverse("register:conflicts"), {"conflict": one.pk, "action": "transfer"})
    client.post(reverse("register:conflicts"), {"conflict": two.pk, "action": "decline"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.owning_unit == coach_unit and second.owning_unit == other_unit
    one.refresh_from_db()
    two.refresh_from_db()
    assert (one.status, two.status) == (ConflictStatus.TRANSFERRED, ConflictStatus.DECLINED)
    assert one.resolved_by == other_coach
    assert AccessLogEntry.objects.filter(
        user=other_coach, action="change", subject_type="register.participant"
    ).exists()


@pytest.mark.parametrize("dry_run", [True, False])
def test_an_import_by_a_coach_never_names_the_other_unit(coach, coach_unit, other_unit, dry_run):
    import io

    from etablera.register.importing.engine import ImportScope, run_import

    number = next_number()
    ParticipantFactory(number=number, owning_unit=other_unit)
    data = f"Personnummer;Kön\r\n{number};K\r\n{next_number()};M\r\n".encode()
    result = run_import(
        "participants",
        io.BytesIO(data),
        file_name="f.csv",
        scope=ImportScope(default_unit=coach_unit, allowed_paths=(coach_unit.path,)),
        actor=coach,
        dry_run=dry_run,
    )
    assert result.ok
    shown = " ".join(result.notes) + " ".join(e.message for e in result.errors.first)
    assert "annan enhet" not in shown and "finns redan" not in shown
    assert RegistrationConflict.objects.count() == (0 if dry_run else 1)
