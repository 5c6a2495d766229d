"""The goals API: the same policy and refusals as the pages (400 with Swedish messages)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from etablera.accounts.roles import Role
from etablera.goals.models import IndicatorValue, Target
from tests.goals.factories import GoalFactory, IndicatorFactory, IndicatorValueFactory
from tests.mandates.factories import MandateFactory, PolicyAreaFactory


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def indicator(body):
    return IndicatorFactory(goals=[GoalFactory(owner=body)], gender_breakdown=True)


def test_strategist_creates_goals_and_indicators(api, make_user, body):
    api.force_authenticate(make_user(Role.STRATEGIST, body=body))
    mandate = MandateFactory(owner=body)
    response = api.post(
        "/api/goals/",
        {
            "title": "Mål via API",
            "level": "committee",
            "owner": body.pk,
            "policy_area": PolicyAreaFactory().pk,
            "valid_from": "2025-01-01",
            "valid_to": "2026-12-31",
            "mandates": [mandate.pk],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    goal_id = response.json()["id"]
    response = api.post(
        "/api/indicators/",
        {
            "name": "Andel",
            "unit": "percent",
            "direction": "higher",
            "source": "register",
            "source_key": "",
            "goals": [goal_id],
        },
        format="json",
    )
    assert response.status_code == 400 and "källnyckeln" in str(response.json())
    response = api.post(
        "/api/indicators/",
        {
            "name": "Andel",
            "unit": "percent",
            "direction": "higher",
            "source": "register",
            "source_key": "exit_work_or_studies_share",
            "goals": [goal_id],
        },
        format="json",
    )
    assert response.status_code == 201
    indicator_id = response.json()["id"]
    response = api.post("/api/targets/", {"indicator": indicator_id, "year": 2031, "value": "40"})
    assert response.status_code == 400
    assert "utanför giltighetstiden" in str(response.json())
    assert (
        api.post(
            "/api/targets/", {"indicator": indicator_id, "year": 2026, "value": "40"}
        ).status_code
        == 201
    )
    assert (
        api.post(
            "/api/targets/", {"indicator": indicator_id, "year": 2026, "value": "41"}
        ).status_code
        == 400
    )
    assert Target.objects.count() == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"value": "mycket"}, "value"),
        ({"value": "101"}, "value"),
        ({"value": "5", "period": "2025-06-30..2025-01-01"}, "period"),
        ({"value": "5", "period": "sommaren"}, "period"),
        ({"value": "5", "gender": "X"}, "gender"),
    ],
)
def test_bad_values_give_400_and_nothing_is_saved(api, make_user, body, indicator, payload, field):
    api.force_authenticate(make_user(Role.REPORTER, body=body))
    data = {"indicator": indicator.pk, "period": "2025H", "gender": "T", **payload}
    response = api.post("/api/indicator-values/", data)
    assert response.status_code == 400
    assert field in response.json()
    assert not IndicatorValue.objects.exists()


def test_a_reporter_enters_values_for_the_bodys_goals_only(
    api, make_user, body, other_body, indicator
):
    reporter = make_user(Role.REPORTER, body=body)
    api.force_authenticate(reporter)
    response = api.post(
        "/api/indicator-values/",
        {"indicator": indicator.pk, "period": "2025T1", "gender": "K", "value": "33.3"},
    )
    assert response.status_code == 201, response.json()
    assert response.json()["start"] == "2025-01-01" and response.json()["end"] == "2025-04-30"
    assert IndicatorValue.objects.get().entered_by == reporter
    foreign = IndicatorFactory(goals=[GoalFactory(owner=other_body)])
    response = api.post(
        "/api/indicator-values/", {"indicator": foreign.pk, "period": "2025", "value": "5"}
    )
    assert response.status_code == 403
    value = IndicatorValueFactory(indicator=foreign)
    assert api.patch(f"/api/indicator-values/{value.pk}/", {"value": "6"}).status_code == 403


@pytest.mark.parametrize(
    "url", ["/api/goals/", "/api/indicators/", "/api/targets/", "/api/indicator-values/"]
)
def test_api_lists_need_no_more_queries_with_more_rows(
    api, make_user, body, url, django_assert_max_num_queries
):
    api.force_authenticate(make_user(Role.READER))
    IndicatorValueFactory(indicator=IndicatorFactory(goals=[GoalFactory(owner=body)]))
    with django_assert_max_num_queries(10) as few:
        api.get(url)
    for year in range(2023, 2027):
        goal = GoalFactory(owner=body)
        goal.mandates.add(MandateFactory(owner=body))
        indicator = IndicatorFactory(goals=[goal])
        IndicatorValueFactory(indicator=indicator)
        from tests.goals.factories import TargetFactory

        TargetFactory(indicator=indicator, year=year)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert api.get(url).status_code == 200
