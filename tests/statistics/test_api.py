"""The KPI API: same policy and disclosure control as the pages; in the OpenAPI description."""

from __future__ import annotations

import pytest
from django.test import override_settings

from etablera.accounts.roles import Role

from .conftest import OTHER_UNIT_PEOPLE, near
from .factories import EnrolmentFactory, ParticipantFactory

URL = "/api/kpis/"


def values_by(data, dimension):
    return {row["group"].get(dimension): row["values"] for row in data["rows"]}


def test_suppressed_cells_are_null_and_flagged(client, make_user, populated):
    client.force_login(make_user(Role.READER))
    response = client.get(URL, {"period": "2025", "by": "gender"})
    assert response.status_code == 200
    rows = values_by(response.json(), "gender")
    assert rows["X"]["active_participants"] == {"value": None, "suppressed": True}
    assert not rows["M"]["active_participants"]["suppressed"]
    assert near(rows["M"]["active_participants"]["value"], 26)
    # 12 to work, 10 to studies and 3 to work of 43 ended enrolments: 58.1 %, from perturbed
    # counts and rounded to a whole percent
    share = rows[None]["exit_work_or_studies_share"]
    assert not share["suppressed"] and near(share["value"], 58.1, within=6)


def test_a_coach_gets_their_units_figures_only(client, make_user, other_unit_of_ten):
    client.force_login(make_user(Role.COACH, unit=other_unit_of_ten["other_unit"]))
    data = client.get(URL, {"period": "2025"}).json()
    assert data["scope"]["label"] == other_unit_of_ten["other_unit"].name
    assert near(data["rows"][0]["values"]["active_participants"]["value"], OTHER_UNIT_PEOPLE)
    refused = client.get(URL, {"period": "2025", "scope": "kommun"})
    assert refused.status_code == 400
    assert "scope" in refused.json()


def test_anonymous_requests_are_refused(client, populated):
    assert client.get(URL, {"period": "2025"}).status_code in (401, 403)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"period": "2025T4"}, "period"),
        ({}, "period"),
        ({"period": "2025", "by": "colour"}, "by"),
        ({"period": "2025", "kpis": "joy"}, "kpis"),
        ({"period": "2019"}, "period"),
    ],
)
def test_bad_input_is_a_400_with_a_message(client, make_user, populated, params, field):
    client.force_login(make_user(Role.STRATEGIST))
    response = client.get(URL, params)
    assert response.status_code == 400
    assert field in response.json()


def test_nonsense_thresholds_give_no_figures(client, make_user, populated):
    client.force_login(make_user(Role.STRATEGIST))
    with override_settings(ETABLERA_SHARE_MIN_EACH=0):
        response = client.get(URL, {"period": "2025"})
    assert response.status_code == 503
    assert "49" not in response.content.decode()


def test_definitions(client, make_user, db):
    client.force_login(make_user(Role.AUDITOR))
    keys = [d["key"] for d in client.get(URL + "definitions/").json()]
    assert "exit_work_or_studies_share" in keys


def test_the_endpoint_is_in_the_openapi_description(client, make_user, db):
    client.force_login(make_user(Role.STRATEGIST))
    schema = client.get("/api/schema/", {"format": "json"}).json()
    assert "/api/kpis/" in schema["paths"]
    parameters = {p["name"] for p in schema["paths"]["/api/kpis/"]["get"]["parameters"]}
    assert {"period", "by", "scope", "kpis"} <= parameters


def test_the_query_count_does_not_grow_with_rows(
    client, make_user, populated, django_assert_max_num_queries
):
    client.force_login(make_user(Role.STRATEGIST))
    with django_assert_max_num_queries(40) as few:
        client.get(URL, {"period": "2025", "by": "gender,category"})
    for n in range(30):
        EnrolmentFactory(participant=ParticipantFactory(gender="KM"[n % 2]))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(URL, {"period": "2025", "by": "gender,category"}).status_code == 200
