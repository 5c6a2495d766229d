"""The mandates API: same policy as the pages, services' rules as 400s, pinned query counts."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from etablera.mandates.models import Decision, Mandate, Origin, PolicyArea
from tests.factories import BodyFactory, MunicipalityFactory, UnitFactory
from tests.mandates.factories import DecisionFactory, MandateFactory, PolicyAreaFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def sn(municipality):
    return BodyFactory(municipality=municipality, name="Socialnämnden", short_name="SN")


def payload(area, body, **overrides) -> dict:
    data = {
        "title": "Språkpraktik",
        "policy_area": area.pk,
        "owner": body.pk,
        "performer_body": body.pk,
        "level": "operational",
        "origin": "ordinary",
        "follow_up_body": body.pk,
    }
    data.update(overrides)
    return data


def test_anonymous_gets_nothing(api, db):
    for path in ("/api/mandates/", "/api/decisions/", "/api/policy-areas/"):
        assert api.get(path).status_code in (401, 403)


def test_reader_reads_but_cannot_write(api, reader, ks):
    mandate = MandateFactory(owner=ks)
    api.force_authenticate(reader)
    body = api.get("/api/mandates/").json()
    assert [m["title"] for m in body["results"]] == [mandate.title]
    assert body["results"][0]["missing_follow_up"] is False
    assert api.get(f"/api/mandates/{mandate.pk}/").status_code == 200
    area = PolicyAreaFactory()
    assert api.post("/api/mandates/", payload(area, ks), format="json").status_code == 403
    assert (
        api.patch(f"/api/mandates/{mandate.pk}/", {"title": "X"}, format="json").status_code == 403
    )
    assert api.post("/api/policy-areas/", {"name": "Ny"}, format="json").status_code == 403
    assert Mandate.objects.count() == 1


def test_strategist_creates_a_commissioned_mandate_without_decision(api, strategist, ks, sn):
    api.force_authenticate(strategist)
    area = PolicyAreaFactory()
    unit = UnitFactory(body=sn, name="Arbetsmarknadsenheten")
    response = api.post(
        "/api/mandates/",
        payload(
            area,
            sn,
            performer_body=None,
            performer_unit=unit.pk,
            origin=Origin.COMMISSIONED_KS,
            commissioned_by=ks.pk,
        ),
        format="json",
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["missing_decision"] is True
    assert data["performer"] == "SN – Arbetsmarknadsenheten"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"start": "2025-05-01", "end": "2025-01-01"},
            "end",
            "Slutdatum kan inte ligga före startdatum.",
        ),
        ({"origin": "commissioned_ks"}, "commissioned_by", "Ange uppdragsgivare"),
        ({"performer_body": None}, "performer_body", "Ange utförare"),
        ({"level": "taktiskt"}, "level", ""),
        ({"owner": 999999}, "owner", ""),
    ],
)
def test_bad_input_is_a_400_with_the_field_error(api, strategist, ks, overrides, field, message):
    api.force_authenticate(strategist)
    response = api.post(
        "/api/mandates/", payload(PolicyAreaFactory(), ks, **overrides), format="json"
    )
    assert response.status_code == 400
    errors = response.json()
    assert field in errors
    assert message in " ".join(errors[field])
    assert not Mandate.objects.exists()


def test_performer_outside_the_municipality_is_a_400(api, strategist, ks):
    foreign = BodyFactory(municipality=MunicipalityFactory(code="1488"), name="Annan nämnd")
    api.force_authenticate(strategist)
    response = api.post(
        "/api/mandates/",
        payload(PolicyAreaFactory(), ks, performer_body=foreign.pk),
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["performer_body"] == [
        "Utföraren Annan nämnd hör inte till Testkommunen."
    ]


def test_patch_is_validated_whole_and_saves_nothing_when_wrong(api, strategist, ks):
    mandate = MandateFactory(owner=ks, start="2025-01-01")
    api.force_authenticate(strategist)
    bad = api.patch(f"/api/mandates/{mandate.pk}/", {"end": "2024-01-01"}, format="json")
    assert bad.status_code == 400 and "end" in bad.json()
    mandate.refresh_from_db()
    assert mandate.end is None
    good = api.patch(f"/api/mandates/{mandate.pk}/", {"title": "Nytt namn"}, format="json")
    assert good.status_code == 200
    mandate.refresh_from_db()
    assert mandate.title == "Nytt namn"


def test_nothing_is_deleted_through_the_api(api, strategist, ks):
    mandate = MandateFactory(owner=ks, decision=DecisionFactory(body=ks))
    api.force_authenticate(strategist)
    assert api.delete(f"/api/mandates/{mandate.pk}/").status_code == 405
    assert api.delete(f"/api/decisions/{mandate.decision_id}/").status_code == 405
    assert api.delete(f"/api/policy-areas/{mandate.policy_area_id}/").status_code == 405


def test_decisions_and_policy_areas_are_written_through_the_services(api, strategist, ks):
    api.force_authenticate(strategist)
    created = api.post(
        "/api/decisions/",
        {
            "body": ks.pk,
            "date": "2017-05-17",
            "section": "§ 123",
            "case_number": "KS 2017/245",
            "title": "Uppdrag till socialnämnden",
        },
        format="json",
    )
    assert created.status_code == 201
    assert created.json()["reference"] == "KS 2017-05-17 § 123, dnr KS 2017/245"
    duplicate = api.post(
        "/api/decisions/",
        {"body": ks.pk, "date": "2017-05-17", "section": "§ 123", "title": "Igen"},
        format="json",
    )
    assert duplicate.status_code == 400
    assert "Organet har redan ett beslut" in str(duplicate.json())
    assert Decision.objects.count() == 1
    area = api.post("/api/policy-areas/", {"name": "Hälsa"}, format="json")
    assert area.status_code == 201 and area.json()["code"] == "halsa"
    assert api.post("/api/policy-areas/", {"name": "Hälsa"}, format="json").status_code == 400
    assert PolicyArea.objects.count() == 1


def test_mandate_filters(api, reader, ks, sn):
    unit = UnitFactory(body=sn)
    mine = MandateFactory(owner=sn, performer_unit=unit, title="Jobbcentrum för nyanlända")
    MandateFactory(owner=ks, title="Samordning", level="strategic")
    api.force_authenticate(reader)

    def titles(query: str) -> list[str]:
        return [m["title"] for m in api.get(f"/api/mandates/?{query}").json()["results"]]

    assert titles(f"performer={sn.pk}") == [mine.title]
    assert titles("level=strategic") == ["Samordning"]
    assert titles("q=jobbcentrum nyanlända") == [mine.title]
    assert titles(f"owner={ks.pk}") == ["Samordning"]


@pytest.mark.parametrize("path", ["/api/mandates/", "/api/decisions/", "/api/policy-areas/"])
def test_list_query_counts_are_pinned(api, reader, ks, path, django_assert_max_num_queries):
    api.force_authenticate(reader)
    unit = UnitFactory(body=ks)
    MandateFactory(owner=ks, performer_unit=unit, decision=DecisionFactory(body=ks))
    with django_assert_max_num_queries(8) as few:
        api.get(path)
    few_count = len(few.captured_queries)
    for i in range(30):
        MandateFactory(
            owner=ks,
            performer_unit=unit if i % 2 else None,
            decision=DecisionFactory(body=ks),
            follow_up_body=None if i % 3 else ks,
        )
    with django_assert_max_num_queries(few_count):
        assert len(api.get(path).json()["results"]) >= 30


def test_openapi_schema_describes_the_mandates_api(api, db):
    response = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    for path in ("/api/mandates/", "/api/mandates/{id}/", "/api/decisions/", "/api/policy-areas/"):
        assert path in schema["paths"], path
    mandate = schema["components"]["schemas"]["Mandate"]["properties"]
    assert mandate["missing_decision"]["readOnly"] is True
    assert "delete" not in schema["paths"]["/api/mandates/{id}/"]


def test_the_api_refuses_a_control_character(api, strategist, ks):
    mandate = MandateFactory(owner=ks, title="Uppdrag")
    api.force_authenticate(strategist)
    response = api.patch(
        f"/api/mandates/{mandate.pk}/", {"title": "Uppdrag\u0001med styrtecken"}, format="json"
    )
    assert response.status_code == 400
    assert "styrtecken" in response.json()["title"][0]
    mandate.refresh_from_db()
    assert mandate.title == "Uppdrag"
