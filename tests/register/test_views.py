"""Register pages: scoping (404 for another unit), the access log on every read path, the coach's
use cases, bad input with Swedish messages, and pinned query counts on lists."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from etablera.accounts.models import AccessLogEntry
from etablera.accounts.roles import Role
from etablera.register import crypto
from etablera.register.models import Enrolment, OutcomeObservation, Participant
from tests.register.factories import (
    EnrolmentFactory,
    InterventionFactory,
    OutcomeObservationFactory,
    ParticipantFactory,
    next_number,
    status,
)


def log_entries(user, action=None):
    qs = AccessLogEntry.objects.filter(user=user, subject_type="register.participant")
    return qs.filter(action=action) if action else qs


@pytest.fixture
def participant(coach_unit):
    return ParticipantFactory(owning_unit=coach_unit)


@pytest.fixture
def intervention(coach_unit):
    return InterventionFactory(provider_unit=coach_unit, name="Arbetsträning")


# --- scope ------------------------------------------------------------------------------


def test_coach_sees_own_participant_and_the_view_is_logged(client, coach, participant):
    client.force_login(coach)
    response = client.get(reverse("register:participant-detail", args=[participant.pk]))
    assert response.status_code == 200
    assert participant.masked_identity in response.content.decode()
    entry = log_entries(coach, "view").get()
    assert entry.subject_id == str(participant.pk)


def test_participant_in_a_sub_unit_is_in_scope(client, coach, coach_unit, body):
    from tests.factories import UnitFactory

    team = UnitFactory(body=body, parent=coach_unit)
    participant = ParticipantFactory(owning_unit=team)
    client.force_login(coach)
    assert (
        client.get(reverse("register:participant-detail", args=[participant.pk])).status_code == 200
    )


@pytest.mark.parametrize(
    "name",
    ["participant-detail", "participant-edit", "enrolment-create"],
)
def test_coach_of_another_unit_gets_404(client, other_coach, participant, name):
    client.force_login(other_coach)
    assert client.get(reverse(f"register:{name}", args=[participant.pk])).status_code == 404
    assert not log_entries(other_coach).exists()


def test_coach_of_another_unit_gets_404_on_enrolments_and_reveal(client, other_coach, participant):
    enrolment = EnrolmentFactory(
        participant=participant, end=dt.date(2024, 5, 1), exit_status=status("work")
    )
    client.force_login(other_coach)
    assert client.get(reverse("register:enrolment-end", args=[enrolment.pk])).status_code == 404
    assert (
        client.get(reverse("register:observation-create", args=[enrolment.pk])).status_code == 404
    )
    assert (
        client.post(reverse("register:participant-reveal", args=[participant.pk])).status_code
        == 404
    )


@pytest.mark.parametrize(
    "role", [Role.ADMIN, Role.STRATEGIST, Role.REPORTER, Role.READER, Role.AUDITOR]
)
def test_no_other_role_sees_participants(client, make_user, role, participant, body):
    client.force_login(make_user(role, body=body))
    assert client.get(reverse("register:participant-search")).status_code == 403
    assert client.get(reverse("register:follow-ups")).status_code == 403
    assert client.get(reverse("register:import")).status_code == 403
    assert (
        client.get(reverse("register:participant-detail", args=[participant.pk])).status_code == 404
    )
    # …but every role sees the interventions, which are not personal data.
    assert client.get(reverse("register:intervention-list")).status_code == 200


def test_anonymous_users_are_sent_to_login(client, participant):
    response = client.get(reverse("register:participant-detail", args=[participant.pk]))
    assert response.status_code == 302


# --- search ------------------------------------------------------------------------------------


def test_search_by_number_finds_exactly_and_logs(client, coach, coach_unit):
    number = next_number()
    participant = ParticipantFactory(number=number, owning_unit=coach_unit)
    ParticipantFactory(owning_unit=coach_unit)
    client.force_login(coach)
    response = client.post(
        reverse("register:participant-search"), {"query": f"{number[2:8]}-{number[8:]}"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("register:participant-detail", args=[participant.pk])
    assert number not in response["Location"]
    assert log_entries(coach, "search").get().subject_id == str(participant.pk)


def test_search_by_reserve_number(client, coach, coach_unit):
    participant = ParticipantFactory(
        owning_unit=coach_unit,
        identity_kind="reserve",
        identity_hash=None,
        identity_encrypted="",
        masked_identity="",
        reserve_number="R2025-00007",
    )
    client.force_login(coach)
    response = client.post(reverse("register:participant-search"), {"query": "r2025-00007"})
    assert response["Location"].endswith(f"/{participant.pk}/")


def test_search_outside_scope_says_nothing_found_and_does_not_echo(client, other_coach, coach_unit):
    number = next_number()
    ParticipantFactory(number=number, owning_unit=coach_unit)
    client.force_login(other_coach)
    response = client.post(reverse("register:participant-search"), {"query": number})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ingen deltagare med det numret" in page
    assert number not in page
    assert not log_entries(other_coach, "search").exists()


def test_the_list_is_masked_and_logged(client, coach, coach_unit):
    people = ParticipantFactory.create_batch(3, owning_unit=coach_unit)
    client.force_login(coach)
    page = client.get(reverse("register:participant-search")).content.decode()
    for person in people:
        assert person.masked_identity in page
    assert log_entries(coach, "view").count() == 3


def test_participant_list_query_count_does_not_grow(
    client, coach, coach_unit, django_assert_max_num_queries
):
    ParticipantFactory.create_batch(2, owning_unit=coach_unit)
    client.force_login(coach)
    url = reverse("register:participant-search")
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    for person in ParticipantFactory.create_batch(30, owning_unit=coach_unit):
        EnrolmentFactory(participant=person)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


# --- registering, enrolling, ending, observing ---------------------------------------------------


def registration(coach_unit, **extra):
    data = {
        "identity_kind": "personnummer",
        "identity_number": "",
        "reserve_number": "",
        "gender": "X",
        "country_of_birth": "SY",
        "received_on": "2024-02-01",
        "education_level": "upper_secondary",
        "referred_by": "employment_service",
        "owning_unit": coach_unit.pk,
        "consent_to_follow_up": "on",
    }
    data.update(extra)
    return data


def test_coach_registers_a_participant(client, coach, coach_unit):
    number = next_number()
    client.force_login(coach)
    response = client.post(
        reverse("register:participant-create"),
        registration(coach_unit, identity_number=f"{number[:8]}-{number[8:]}"),
    )
    participant = Participant.objects.get()
    assert response["Location"] == reverse("register:participant-detail", args=[participant.pk])
    assert participant.identity_hash == crypto.lookup_hash(number)
    assert crypto.decrypt(participant.identity_encrypted) == number
    assert number not in participant.identity_encrypted
    assert participant.masked_identity == f"{number[:8]}-****"
    assert participant.birth_year == int(number[:4])
    assert participant.gender in ("K", "M")
    assert log_entries(coach, "create").count() == 1


def test_invalid_number_gives_a_swedish_message_and_is_not_echoed(client, coach, coach_unit):
    number = next_number()
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    client.force_login(coach)
    response = client.post(
        reverse("register:participant-create"), registration(coach_unit, identity_number=wrong)
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Kontrollsiffran i identitetsnumret stämmer inte." in page
    assert wrong not in page
    assert not Participant.objects.exists()


def test_registering_the_same_person_twice_is_refused(client, coach, coach_unit):
    number = next_number()
    ParticipantFactory(number=number, owning_unit=coach_unit)
    client.force_login(coach)
    response = client.post(
        reverse("register:participant-create"), registration(coach_unit, identity_number=number)
    )
    assert "Personen finns redan i registret" in response.content.decode()
    assert Participant.objects.count() == 1


def test_a_reserve_number_is_given_when_left_blank(client, coach, coach_unit):
    client.force_login(coach)
    client.post(
        reverse("register:participant-create"), registration(coach_unit, identity_kind="reserve")
    )
    participant = Participant.objects.get()
    assert participant.reserve_number.startswith(f"R{dt.date.today().year}-")
    assert participant.identity_hash is None


def test_coach_cannot_place_a_participant_in_another_unit(client, coach, other_unit):
    client.force_login(coach)
    response = client.post(
        reverse("register:participant-create"),
        registration(other_unit, identity_number=next_number()),
    )
    assert response.status_code == 200
    assert not Participant.objects.exists()


def test_enrol_end_and_observe(client, coach, participant, intervention):
    client.force_login(coach)
    response = client.post(
        reverse("register:enrolment-create", args=[participant.pk]),
        {
            "intervention": intervention.pk,
            "start": "2025-01-13",
            "status_at_start": status("job_seeking").pk,
            "livelihood_at_start": "income_support",
            "hours_per_week": "20",
        },
    )
    assert response.status_code == 302
    enrolment = Enrolment.objects.get()
    response = client.post(
        reverse("register:enrolment-end", args=[enrolment.pk]),
        {"end": "2025-03-31", "exit_status": status("subsidised_work").pk},
    )
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.end == dt.date(2025, 3, 31) and enrolment.exit_status.code == "subsidised_work"
    response = client.post(
        reverse("register:observation-create", args=[enrolment.pk]),
        {"days_after_exit": "90", "observed_on": "2025-07-01", "status": status("work").pk},
    )
    assert response.status_code == 302
    assert OutcomeObservation.objects.get().status.code == "work"
    assert log_entries(coach, "change").count() == 3


def test_ending_before_the_start_is_refused(client, coach, participant):
    enrolment = EnrolmentFactory(participant=participant, start=dt.date(2025, 2, 1))
    client.force_login(coach)
    response = client.post(
        reverse("register:enrolment-end", args=[enrolment.pk]),
        {"end": "2025-01-01", "exit_status": status("work").pk},
    )
    assert "Slutdatum kan inte ligga före startdatum." in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.end is None


def test_an_inactive_exit_status_cannot_be_chosen(client, coach, participant):
    enrolment = EnrolmentFactory(participant=participant)
    retired = status("other")
    retired.active = False
    retired.save()
    client.force_login(coach)
    response = client.post(
        reverse("register:enrolment-end", args=[enrolment.pk]),
        {"end": "2025-03-01", "exit_status": retired.pk},
    )
    assert response.status_code == 200
    enrolment.refresh_from_db()
    assert enrolment.exit_status is None


def test_the_same_observation_twice_is_refused(client, coach, participant):
    observation = OutcomeObservationFactory(enrolment__participant=participant)
    client.force_login(coach)
    response = client.post(
        reverse("register:observation-create", args=[observation.enrolment.pk]),
        {"days_after_exit": "90", "observed_on": "2024-09-02", "status": status("work").pk},
    )
    assert "redan registrerad" in response.content.decode()
    assert OutcomeObservation.objects.count() == 1


def test_revealing_the_number_is_logged(client, coach, coach_unit):
    number = next_number()
    participant = ParticipantFactory(number=number, owning_unit=coach_unit)
    client.force_login(coach)
    page = client.get(reverse("register:participant-detail", args=[participant.pk]))
    assert number[8:] not in page.content.decode().replace(participant.masked_identity, "")
    response = client.post(reverse("register:participant-reveal", args=[participant.pk]))
    assert f"{number[:8]}-{number[8:]}" in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert log_entries(coach, "view").filter(detail__startswith="identity number shown").exists()


# --- follow-ups due ------------------------------------------------------------------------------


def test_follow_ups_due_lists_exits_without_observation(client, coach, coach_unit):
    today = dt.date.today()
    due = EnrolmentFactory(
        participant__owning_unit=coach_unit,
        start=today - dt.timedelta(days=300),
        end=today - dt.timedelta(days=100),
        exit_status=status("job_seeking"),
    )
    done = EnrolmentFactory(
        participant__owning_unit=coach_unit,
        start=today - dt.timedelta(days=300),
        end=today - dt.timedelta(days=100),
        exit_status=status("work"),
    )
    OutcomeObservationFactory(enrolment=done, days_after_exit=90, observed_on=today)
    EnrolmentFactory(  # not due yet
        participant__owning_unit=coach_unit,
        start=today - dt.timedelta(days=100),
        end=today - dt.timedelta(days=30),
        exit_status=status("work"),
    )
    client.force_login(coach)
    response = client.get(reverse("register:follow-ups"))
    page = response.content.decode()
    assert due.participant.masked_identity in page
    assert done.participant.masked_identity not in page
    assert response.context["points"][0].days == 90
    assert log_entries(coach, "view").get().subject_id == str(due.participant.pk)


def test_follow_ups_query_count_does_not_grow(
    client, coach, coach_unit, django_assert_max_num_queries
):
    today = dt.date.today()

    def make(n):
        for _ in range(n):
            EnrolmentFactory(
                participant__owning_unit=coach_unit,
                start=today - dt.timedelta(days=500),
                end=today - dt.timedelta(days=370),
                exit_status=status("work"),
            )

    make(2)
    client.force_login(coach)
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("register:follow-ups"))
    make(25)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("register:follow-ups"))
    assert len(response.context["points"]) == 27 * 3


# --- interventions ----------------------------------------------------------------------------


def test_reader_sees_interventions_with_small_counts_suppressed(client, make_user, intervention):
    EnrolmentFactory.create_batch(2, intervention=intervention, start=dt.date(2024, 1, 1))
    client.force_login(make_user(Role.READER))
    response = client.get(reverse("register:intervention-list"))
    page = response.content.decode()
    assert intervention.name in page
    assert response.context["page"][0].participants_now.suppressed  # two: hidden (..)
    assert "kan avvika med upp till ±2" in page
    assert reverse("register:intervention-create") not in page


def test_intervention_without_mandate_is_flagged(client, make_user, intervention):
    client.force_login(make_user(Role.STRATEGIST))
    page = client.get(reverse("register:intervention-detail", args=[intervention.pk]))
    assert "Insatsen är inte kopplad till något uppdrag" in page.content.decode()


def test_intervention_list_query_count_does_not_grow(
    client, make_user, coach_unit, django_assert_max_num_queries
):
    InterventionFactory.create_batch(2, provider_unit=coach_unit)
    client.force_login(make_user(Role.READER))
    url = reverse("register:intervention-list")
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    InterventionFactory.create_batch(30, provider_unit=coach_unit)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def intervention_data(unit, **extra):
    data = {
        "name": "Ny praktik",
        "code": "NY",
        "category": "internship",
        "provider_unit": unit.pk,
        "funding": "municipal",
        "start": "2025-01-01",
        "end": "",
    }
    data.update(extra)
    return data


def test_strategist_creates_an_intervention(client, make_user, body, coach_unit):
    client.force_login(make_user(Role.STRATEGIST, body=body))
    response = client.post(reverse("register:intervention-create"), intervention_data(coach_unit))
    assert response.status_code == 302


def test_coach_creates_interventions_only_in_own_units(client, coach, coach_unit, other_unit):
    client.force_login(coach)
    bad = client.post(reverse("register:intervention-create"), intervention_data(other_unit))
    assert bad.status_code == 200
    good = client.post(reverse("register:intervention-create"), intervention_data(coach_unit))
    assert good.status_code == 302


def test_intervention_ending_before_start_is_refused(client, make_user, coach_unit):
    client.force_login(make_user(Role.ADMIN))
    response = client.post(
        reverse("register:intervention-create"),
        intervention_data(coach_unit, start="2025-02-01", end="2025-01-01"),
    )
    assert "Slutdatum kan inte ligga före startdatum." in response.content.decode()


def test_reader_cannot_change_an_intervention(client, make_user, intervention):
    client.force_login(make_user(Role.READER))
    assert (
        client.get(reverse("register:intervention-edit", args=[intervention.pk])).status_code == 403
    )
