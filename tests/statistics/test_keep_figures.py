"""``etablera keep_figures``: the dashboard's month's release computed ahead of its first view,
exactly what the dashboard itself would have kept."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from etablera.accounts.roles import Role
from etablera.statistics.models import PublishedFigures
from tests.factories import UnitFactory

from .factories import EnrolmentFactory, InterventionFactory, ParticipantFactory

pytestmark = pytest.mark.django_db


def _register() -> None:
    unit = UnitFactory()
    intervention = InterventionFactory(category="internship")
    for n in range(30):
        participant = ParticipantFactory(owning_unit=unit, gender="KM"[n % 2])
        EnrolmentFactory(
            participant=participant,
            intervention=intervention,
            start=dt.date(2023, 1, 1) + dt.timedelta(days=20 * n),
            end=dt.date(2025, 3, 1) + dt.timedelta(days=n),
            exit="work",
        )


def _kept() -> set[tuple]:
    return set(PublishedFigures.objects.values_list("start", "end", "scope", "grouping", "release"))


def test_what_it_keeps_is_what_the_dashboard_reads(client, make_user):
    _register()
    out = io.StringIO()
    call_command("keep_figures", "--period", "2025", stdout=out)
    assert "kommun: 2025 and the 4 periods before it kept" in out.getvalue()
    kept = _kept()
    groupings = {grouping for *_dates, grouping, _release in kept}
    assert {"", "category", "gender", "reception"} <= groupings
    assert {start.year for start, *_rest in kept} == {2021, 2022, 2023, 2024, 2025}

    client.force_login(make_user(Role.STRATEGIST))
    page = client.get(reverse("statistics:dashboard"), {"period": "2025"})
    assert page.status_code == 200
    assert _kept() == kept  # the dashboard found everything it needed: it computed nothing


@pytest.mark.parametrize(
    ("argument", "said"),
    [
        ("--scope=enhet:Ingen sådan", "No single unit"),
        ("--scope=planet:Mars", "Unknown scope"),
        ("--period=2025-02-03..2025-02-09", None),
    ],
)
def test_bad_input_stops_with_a_message_and_keeps_nothing(argument, said):
    """A scope no role has, and a period the protection does not cover (a week)."""
    _register()
    with pytest.raises(CommandError, match=said):
        call_command("keep_figures", argument, stdout=io.StringIO())
    assert not PublishedFigures.objects.exists()


def test_a_running_worker_keeps_every_dashboard_users_can_open(client, make_user):
    """The worker's routine keeps this year's dashboard of every scope users are offered (the
    municipality, and the unit where a coach works), exactly what their first views would
    have computed."""
    from etablera.statistics import ahead

    _register()
    unit = UnitFactory(name="Arbetsmarknadsenheten")
    coach = make_user(Role.COACH, unit=unit)
    assert ahead.keep_dashboards() == 2
    kept = _kept()
    year = timezone.localdate().year
    assert {start.year for start, *_rest in kept} == set(range(year - 4, year + 1))
    scopes = {scope for _s, _e, scope, _g, _r in kept}
    assert "kommun" in scopes and len(scopes) == 2

    for user in (make_user(Role.STRATEGIST), coach):
        client.force_login(user)
        assert client.get(reverse("statistics:dashboard")).status_code == 200
    assert _kept() == kept  # both dashboards found everything they needed
    assert ahead.keep_dashboards() == 2  # kept already: nothing new
    assert _kept() == kept
