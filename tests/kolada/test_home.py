"""The Kolada comparison on the start page: the latest year beside the group and the country,
in a fixed number of queries, remembered until a value, KPI or indicator changes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.cache import cache

from etablera.accounts.roles import Role
from etablera.kolada.models import Value
from tests.goals.factories import GoalFactory, IndicatorFactory

from .factories import KpiFactory, ValueFactory, comparison_values


@pytest.fixture
def indicator(municipality, body):
    kpi = KpiFactory(id="N00973", title="Andel i arbete eller studier")
    comparison_values(kpi, {"1487": [40, 41], "1488": [50, 52], "0000": [45, 46]})
    return IndicatorFactory(
        source="kolada", source_key="N00973", name="Etablering", goals=[GoalFactory(owner=body)]
    )


def panel_text(client) -> str:
    html = client.get("/").content.decode()
    start = html.index('id="kolada-home-h"')
    return html[start : html.index("</section>", start)]


@pytest.mark.parametrize("role", [Role.READER, Role.AUDITOR, Role.STRATEGIST])
def test_the_latest_year_beside_the_group_and_the_country(client, make_user, role, indicator):
    client.force_login(make_user(role))
    text = panel_text(client)
    assert "Etablering" in text and "(2024)" in text
    assert "41" in text and "gruppen 52" in text and "riket 46" in text


def test_reporters_and_coaches_have_no_comparison_panel(client, make_user, indicator):
    for role in (Role.REPORTER, Role.COACH):
        client.force_login(make_user(role))
        assert 'id="kolada-home-h"' not in client.get("/").content.decode()


def test_remembered_until_a_value_changes(client, make_user, indicator, settings):
    settings.ETABLERA_KOLADA_CACHE_SECONDS = 300
    cache.clear()
    client.force_login(make_user(Role.READER))
    assert "riket 46" in panel_text(client)
    # A new year from a synchronisation: the next start page shows it.
    ValueFactory(kpi=indicator_kpi(), municipality="1487", year=2025, value=Decimal("43"))
    ValueFactory(kpi=indicator_kpi(), municipality="0000", year=2025, value=Decimal("47"))
    text = panel_text(client)
    assert "(2025)" in text and "riket 47" in text
    # A value removed: shown as missing, not remembered.
    Value.objects.filter(municipality="0000", year=2025).get().delete()
    assert "riket –" in panel_text(client)


def indicator_kpi():
    from etablera.kolada.models import Kpi

    return Kpi.objects.get(pk="N00973")
