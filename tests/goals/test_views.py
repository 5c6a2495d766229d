"""Goal and indicator pages: who sees and changes what, bad input, pinned query counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from etablera.accounts.roles import Role
from etablera.goals.models import Goal, IndicatorValue, Target
from tests.goals.factories import (
    GoalFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    TargetFactory,
)
from tests.mandates.factories import MandateFactory, PolicyAreaFactory


@pytest.fixture
def strategist(make_user, body):
    return make_user(Role.STRATEGIST, body=body)


@pytest.fixture
def goal(body):
    return GoalFactory(owner=body, title="Fler i arbete")


@pytest.fixture
def indicator(goal):
    return IndicatorFactory(goals=[goal], name="Andel i arbete", gender_breakdown=True)


def test_the_goal_tree_shows_levels_and_flags_a_goal_without_owner(client, make_user, body):
    council = GoalFactory(level="council", owner=body, title="Fullmäktiges mål")
    GoalFactory(level="committee", parent=council, owner=None, title="Ägarlöst mål")
    client.force_login(make_user(Role.READER))
    html = client.get(reverse("goals:goal-list")).content.decode()
    assert html.index("Fullmäktiges mål") < html.index("Ägarlöst mål")
    assert "Ägare saknas" in html
    assert reverse("goals:goal-create") not in html


def test_list_pages_need_no_more_queries_with_more_rows(
    client, make_user, body, django_assert_max_num_queries
):
    client.force_login(make_user(Role.READER))
    area = PolicyAreaFactory()
    parent = GoalFactory(owner=body, policy_area=area, level="council")
    IndicatorFactory(goals=[GoalFactory(owner=body, parent=parent, policy_area=area)])
    urls = [reverse("goals:goal-list"), reverse("goals:indicator-list")]
    counts = []
    for url in urls:
        with django_assert_max_num_queries(12) as few:
            client.get(url)
        counts.append(len(few.captured_queries))
    for i in range(15):
        child = GoalFactory(owner=body, parent=parent, policy_area=area, title=f"Delmål {i}")
        child.mandates.add(MandateFactory(owner=body))
        IndicatorFactory(goals=[child, parent])
    for url, count in zip(urls, counts, strict=True):
        with django_assert_max_num_queries(count):
            assert client.get(url).status_code == 200


def test_detail_pages_need_no_more_queries_with_more_data(
    client, make_user, goal, indicator, django_assert_max_num_queries
):
    client.force_login(make_user(Role.READER))
    urls = [
        reverse("goals:goal-detail", args=[goal.pk]),
        reverse("goals:indicator-detail", args=[indicator.pk]),
    ]
    counts = []
    for url in urls:
        with django_assert_max_num_queries(15) as few:
            client.get(url)
        counts.append(len(few.captured_queries))
    for year in range(2023, 2027):
        TargetFactory(indicator=indicator, year=year)
        for gender in "TKM":
            IndicatorValueFactory(
                indicator=indicator,
                gender=gender,
                start=dt.date(year, 1, 1),
                end=dt.date(year, 12, 31),
            )
        goal.mandates.add(MandateFactory(owner=goal.owner))
        GoalFactory(parent=goal, level="activity", owner=goal.owner)
    for url, count in zip(urls, counts, strict=True):
        with django_assert_max_num_queries(count):
            assert client.get(url).status_code == 200


def test_indicator_page_shows_values_targets_and_a_trend_chart(client, make_user, indicator):
    TargetFactory(indicator=indicator, year=2025, value=Decimal("45"))
    for year, value in ((2024, "38.5"), (2025, "41.5")):
        IndicatorValueFactory(
            indicator=indicator,
            start=dt.date(year, 1, 1),
            end=dt.date(year, 12, 31),
            value=Decimal(value),
        )
    client.force_login(make_user(Role.READER))
    html = client.get(reverse("goals:indicator-detail", args=[indicator.pk])).content.decode()
    assert "<svg" in html and 'role="img"' in html
    assert "41,5\u00a0%" in html and "45,0\u00a0%" in html
    assert "2024H" in html and "Målvärde" in html
    assert "Mata in värde" not in html


def test_strategist_creates_a_goal_with_mandates(client, strategist, body):
    area = PolicyAreaFactory()
    mandate = MandateFactory(owner=body)
    client.force_login(strategist)
    response = client.post(
        reverse("goals:goal-create"),
        {
            "title": "Nytt mål",
            "level": "committee",
            "owner": body.pk,
            "policy_area": area.pk,
            "valid_from": "2025-01-01",
            "valid_to": "2026-12-31",
            "mandates": [mandate.pk],
        },
    )
    assert response.status_code == 302
    goal = Goal.objects.get(title="Nytt mål")
    assert list(goal.mandates.all()) == [mandate]


def test_a_target_outside_the_goals_validity_is_refused_in_the_form(client, strategist, indicator):
    client.force_login(strategist)
    response = client.post(
        reverse("goals:target-create", args=[indicator.pk]),
        {"year": "2030", "gender": "T", "value": "50"},
    )
    assert response.status_code == 200
    assert "Året 2030 ligger utanför giltighetstiden" in response.content.decode()
    assert not Target.objects.exists()


@pytest.mark.parametrize(
    ("value", "message"),
    [("mycket", "Fyll i ett tal."), ("120", "mellan 0 och 100"), ("", "Ange ett värde")],
)
def test_a_value_in_the_wrong_unit_is_refused_in_the_form(
    client, make_user, body, indicator, value, message
):
    client.force_login(make_user(Role.REPORTER, body=body))
    response = client.post(
        reverse("goals:value-create", args=[indicator.pk]),
        {"period": "2025H", "gender": "T", "value": value, "comment": ""},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not IndicatorValue.objects.exists()


def test_a_reporter_enters_a_value_for_a_period_with_a_decimal_comma(
    client, make_user, body, indicator
):
    reporter = make_user(Role.REPORTER, body=body)
    client.force_login(reporter)
    response = client.post(
        reverse("goals:value-create", args=[indicator.pk]),
        {"period": "2025T2", "gender": "K", "value": "41,5", "comment": "Preliminärt"},
    )
    assert response.status_code == 302
    value = IndicatorValue.objects.get()
    assert (value.start, value.end) == (dt.date(2025, 5, 1), dt.date(2025, 8, 31))
    assert value.value == Decimal("41.5") and value.entered_by == reporter


def test_an_unknown_period_is_refused_in_the_value_form(client, make_user, body, indicator):
    client.force_login(make_user(Role.REPORTER, body=body))
    response = client.post(
        reverse("goals:value-create", args=[indicator.pk]),
        {"period": "2025-06-30..2025-01-01", "gender": "T", "value": "5"},
    )
    assert "omvänt" in response.content.decode()


def test_a_reporter_of_another_body_may_not_enter_values(client, make_user, other_body, indicator):
    client.force_login(make_user(Role.REPORTER, body=other_body))
    url = reverse("goals:value-create", args=[indicator.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"period": "2025", "gender": "T", "value": "5"}).status_code == 403
    assert not IndicatorValue.objects.exists()


def test_readers_may_not_change_goals(client, make_user, goal):
    client.force_login(make_user(Role.READER))
    assert client.get(reverse("goals:goal-edit", args=[goal.pk])).status_code == 403
    assert client.get(reverse("goals:indicator-create")).status_code == 403
