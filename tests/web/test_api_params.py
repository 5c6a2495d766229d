"""API edges: bounded pages, and numbers out of range answered with 400, never 500."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from etablera.accounts.roles import Role

HUGE = "99999999999999999999"


@pytest.fixture
def api(make_user, municipality):
    client = APIClient()
    client.force_authenticate(make_user(Role.STRATEGIST))
    return client


@pytest.mark.parametrize(
    "query",
    [
        f"limit={HUGE}",
        "limit=100000",
        "limit=0",
        "limit=-1",
        "limit=tio",
        f"offset={HUGE}",
        "offset=-5",
    ],
)
def test_limit_and_offset_out_of_range_answer_400_naming_the_parameter(api, query):
    response = api.get(f"/api/goals/?{query}")
    assert response.status_code == 400
    assert query.split("=")[0] in response.json()


def test_a_page_holds_at_most_the_largest_page(api, settings):
    settings.ETABLERA_API_MAX_PAGE_SIZE = 3
    assert api.get("/api/goals/?limit=3").status_code == 200
    assert api.get("/api/goals/?limit=4").status_code == 400
    assert api.get("/api/goals/").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        f"/api/indicators/?goals={HUGE}",
        f"/api/indicators/?unit=-{HUGE}",
        f"/api/interventions/?provider_unit={HUGE}",
        f"/api/participants/?owning_unit={HUGE}",
    ],
)
def test_a_foreign_key_filter_out_of_range_answers_400(api, url):
    response = api.get(url)
    assert response.status_code == 400


@given(number=st.integers())
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_no_whole_number_in_limit_offset_or_a_filter_gives_a_500(api, number):
    for query in (f"limit={number}", f"offset={number}", f"goals={number}"):
        assert api.get(f"/api/indicators/?{query}").status_code in (200, 400)
