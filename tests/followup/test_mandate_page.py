"""A mandate's page: the follow-up reports' assessments period by period, read through the
access policy, and the interventions that carry it out, as links."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from etablera.followup import services
from etablera.mandates import selectors
from tests.followup.factories import PeriodFactory
from tests.register.factories import InterventionFactory

from .conftest import approve, assess_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_periods(world, strategist):
    """SN's reports on the commissioned mandate: 2025H approved, 2026H still a draft."""
    approve(world, world.sn_report, strategist=strategist)
    later = _annual(2026)
    services.open_period(later, actor=None)
    draft = later.reports.get(body=world.sn)
    assess_all(draft, assessment="partly", analysis="Halvvägs.")
    return world


def _annual(year: int):
    return PeriodFactory(
        code=f"{year}H",
        start=dt.date(year, 1, 1),
        end=dt.date(year, 12, 31),
        deadline=dt.date(year + 1, 2, 15),
    )


def _periods(entries) -> list[tuple[str, str]]:
    return [(e.report.period.code, e.report.body.short_name) for e in entries]


def test_assessments_newest_period_first_and_only_what_the_policy_lets_one_read(
    two_periods, strategist, reader, sn_reporter
):
    mandate = two_periods.commissioned
    seen = selectors.linked(mandate, strategist).assessments
    assert _periods(seen)[0][0] == "2026H"
    assert ("2025H", "SN") in _periods(seen)
    assert _periods(selectors.linked(mandate, reader).assessments) == [("2025H", "SN")]
    # The reporter reads their own body's draft as well as what is approved.
    assert ("2026H", "SN") in _periods(selectors.linked(mandate, sn_reporter).assessments)


def test_the_page_links_the_interventions_that_carry_the_mandate_out(client, world, reader):
    intervention = InterventionFactory(
        name="Språkpraktik", provider_unit=world.unit, commissioning_mandate=world.commissioned
    )
    InterventionFactory(name="Annan insats", provider_unit=world.unit)
    client.force_login(reader)
    html = client.get(reverse("mandates:detail", args=[world.commissioned.pk])).content.decode()
    section = html[
        html.index('id="interventions-heading"') : html.index('id="assessments-heading"')
    ]
    assert f'<a href="{intervention.get_absolute_url()}">Språkpraktik</a>' in section
    assert "Annan insats" not in section


def test_the_mandate_page_needs_the_same_queries_however_many_periods(
    client, two_periods, strategist
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("mandates:detail", args=[two_periods.commissioned.pk])
    client.force_login(strategist)
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for year in (2027, 2028):
        period = _annual(year)
        services.open_period(period, actor=None)
    assert count() == before
