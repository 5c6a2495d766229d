"""Register API: the same scoping and access log as the pages; no number in clear in lists."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from etablera.accounts.models import AccessLogEntry
from etablera.accounts.roles import Role
from etablera.register.models import Enrolment, OutcomeObservation, Participant
from tests.register.factories import (
    EnrolmentFactory,
    InterventionFactory,
    OutcomeObservationFactory,
    ParticipantFactory,
    next_number,
    status,
)


@pytest.fixture
def api():
    return APIClient()


def logged(user, action="view"):
    return AccessLogEntry.objects.filter(
        user=user, action=action, subject_type="register.participant"
    )


def test_every_role_reads_interventions_but_only_coaches_participants(
    api, make_user, body, coach_unit
):
    InterventionFactory(provider_unit=coach_unit)
    ParticipantFactory(owning_unit=coach_unit)
    for role in (Role.ADMIN, Role.STRATEGIST, Role.REPORTER, Role.READER, Role.AUDITOR):
        api.force_authenticate(make_user(role, body=body))
        assert api.get("/api/interventions/").json()["count"] == 1
        for resource in ("participants", "enrolments", "observations"):
            # As documented: an empty list, as for a coach of another unit, never a 403.
            response = api.get(f"/api/{resource}/")
            assert response.status_code == 200
            assert response.json()["count"] == 0


def test_others_get_404_for_a_participant_never_403(api, make_user, body, coach_unit):
    participant = ParticipantFactory(owning_unit=coach_unit)
    api.force_authenticate(make_user(Role.ADMIN, body=body))
    assert api.get(f"/api/participants/{participant.pk}/").status_code == 404
    assert api.get(f"/api/participants/{participant.pk}/identity/").status_code == 404
    number = {"number": "19900101-0017"}
    assert api.post("/api/participants/search/", number, format="json").status_code == 404
    assert not AccessLogEntry.objects.filter(subject_type="register.participant").exists()


def test_anonymous_gets_401_with_the_scheme_to_use(api, db):
    response = api.get("/api/participants/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_coach_lists_own_participants_masked_and_logged(api, coach, coach_unit, other_unit):
    number = next_number()
    mine = ParticipantFactory(number=number, owning_unit=coach_unit)
    ParticipantFactory(owning_unit=other_unit)
    api.force_authenticate(coach)
    response = api.get("/api/participants/")
    body = response.json()
    assert [p["id"] for p in body["results"]] == [mine.pk]
    assert body["results"][0]["identity"] == f"{number[:8]}-****"
    assert number not in response.content.decode()
    assert "identity_number" not in body["results"][0]
    assert logged(coach).get().subject_id == str(mine.pk)


def test_coach_of_another_unit_gets_404(api, other_coach, coach_unit):
    participant = ParticipantFactory(owning_unit=coach_unit)
    enrolment = EnrolmentFactory(participant=participant)
    api.force_authenticate(other_coach)
    assert api.get(f"/api/participants/{participant.pk}/").status_code == 404
    assert api.get(f"/api/participants/{participant.pk}/identity/").status_code == 404
    assert api.get(f"/api/enrolments/{enrolment.pk}/").status_code == 404
    assert (
        api.patch(
            f"/api/participants/{participant.pk}/", {"birth_year": 1990}, format="json"
        ).status_code
        == 404
    )
    assert not logged(other_coach).exists()


def test_detail_is_logged_and_the_identity_endpoint_reveals_and_logs(api, coach, coach_unit):
    number = next_number()
    participant = ParticipantFactory(number=number, owning_unit=coach_unit)
    api.force_authenticate(coach)
    detail = api.get(f"/api/participants/{participant.pk}/")
    assert number not in detail.content.decode()
    assert logged(coach).filter(detail="api detail").count() == 1
    revealed = api.get(f"/api/participants/{participant.pk}/identity/")
    assert revealed.json() == {"identity_number": f"{number[:8]}-{number[8:]}"}
    assert revealed["Cache-Control"] == "no-store"
    assert logged(coach).filter(detail="identity number shown (api)").count() == 1


def test_search_by_post_finds_in_scope_and_logs(api, coach, other_coach, coach_unit):
    number = next_number()
    participant = ParticipantFactory(number=number, owning_unit=coach_unit)
    api.force_authenticate(coach)
    found = api.post("/api/participants/search/", {"number": number[2:]}, format="json")
    assert found.status_code == 200 and found.json()["id"] == participant.pk
    assert logged(coach, "search").count() == 1
    api.force_authenticate(other_coach)
    missing = api.post("/api/participants/search/", {"number": number}, format="json")
    assert missing.status_code == 404
    assert not logged(other_coach, "search").exists()


def test_create_participant_validates_the_number(api, coach, coach_unit, other_unit):
    api.force_authenticate(coach)
    number = next_number()
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    bad = api.post(
        "/api/participants/",
        {"identity_kind": "personnummer", "identity_number": wrong, "owning_unit": coach_unit.pk},
        format="json",
    )
    assert bad.status_code == 400
    assert bad.json()["identity_number"] == ["Kontrollsiffran i identitetsnumret stämmer inte."]
    assert wrong not in bad.content.decode()
    elsewhere = api.post(
        "/api/participants/",
        {"identity_kind": "personnummer", "identity_number": number, "owning_unit": other_unit.pk},
        format="json",
    )
    assert elsewhere.status_code == 400
    ok = api.post(
        "/api/participants/",
        {
            "identity_kind": "personnummer",
            "identity_number": number,
            "owning_unit": coach_unit.pk,
            "education_level": "primary",
        },
        format="json",
    )
    assert ok.status_code == 201, ok.json()
    assert number not in ok.content.decode()
    assert Participant.objects.get().education_level == "primary"


def test_enrol_end_and_observe_through_the_api(api, coach, coach_unit):
    participant = ParticipantFactory(owning_unit=coach_unit)
    intervention = InterventionFactory(provider_unit=coach_unit)
    api.force_authenticate(coach)
    created = api.post(
        "/api/enrolments/",
        {
            "participant": participant.pk,
            "intervention": intervention.pk,
            "start": "2025-01-07",
            "status_at_start": status("job_seeking").pk,
            "livelihood_at_start": "income_support",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    bad = api.post(
        f"/api/enrolments/{pk}/end/",
        {"end": "2024-12-01", "exit_status": status("work").pk},
        format="json",
    )
    assert bad.status_code == 400
    ended = api.post(
        f"/api/enrolments/{pk}/end/",
        {"end": "2025-02-28", "exit_status": status("work").pk},
        format="json",
    )
    assert ended.status_code == 200 and ended.json()["end"] == "2025-02-28"
    observed = api.post(
        "/api/observations/",
        {
            "enrolment": pk,
            "days_after_exit": 90,
            "observed_on": "2025-06-01",
            "status": status("work").pk,
        },
        format="json",
    )
    assert observed.status_code == 201, observed.json()
    assert Enrolment.objects.get().exit_status.code == "work"
    assert OutcomeObservation.objects.count() == 1


def test_enrolment_for_a_participant_outside_scope_is_a_400(api, other_coach, coach_unit):
    participant = ParticipantFactory(owning_unit=coach_unit)
    api.force_authenticate(other_coach)
    response = api.post(
        "/api/enrolments/",
        {
            "participant": participant.pk,
            "intervention": InterventionFactory().pk,
            "start": "2025-01-07",
            "status_at_start": status("unknown").pk,
        },
        format="json",
    )
    assert response.status_code == 400
    assert not Enrolment.objects.exists()


def test_coach_creates_interventions_only_in_own_units(api, coach, coach_unit, other_unit):
    api.force_authenticate(coach)
    data = {
        "name": "Praktik",
        "category": "internship",
        "start": "2025-01-01",
        "provider_unit": other_unit.pk,
    }
    assert api.post("/api/interventions/", data, format="json").status_code == 400
    data["provider_unit"] = coach_unit.pk
    assert api.post("/api/interventions/", data, format="json").status_code == 201


@pytest.mark.parametrize(
    ("url", "make"),
    [
        ("/api/participants/", lambda unit: ParticipantFactory(owning_unit=unit)),
        ("/api/enrolments/", lambda unit: EnrolmentFactory(participant__owning_unit=unit)),
        (
            "/api/observations/",
            lambda unit: OutcomeObservationFactory(enrolment__participant__owning_unit=unit),
        ),
        ("/api/interventions/", lambda unit: InterventionFactory(provider_unit=unit)),
    ],
)
def test_api_list_query_counts_do_not_grow(
    api, coach, coach_unit, url, make, django_assert_max_num_queries
):
    for _ in range(2):
        make(coach_unit)
    api.force_authenticate(coach)
    with django_assert_max_num_queries(30) as few:
        api.get(url)
    for _ in range(25):
        make(coach_unit)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = api.get(url)
    assert response.json()["count"] == 27


def test_every_api_read_of_enrolments_and_observations_is_logged(api, coach, coach_unit):
    observation = OutcomeObservationFactory(
        enrolment__participant__owning_unit=coach_unit, observed_on=dt.date(2024, 9, 1)
    )
    api.force_authenticate(coach)
    api.get("/api/enrolments/")
    api.get(f"/api/enrolments/{observation.enrolment.pk}/")
    api.get("/api/observations/")
    api.get(f"/api/observations/{observation.pk}/")
    assert logged(coach).count() == 4
    assert set(logged(coach).values_list("subject_id", flat=True)) == {
        str(observation.enrolment.participant.pk)
    }
