"""The governance check is remembered between requests and forgotten when its data changes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from etablera.accounts.policy import Operator
from etablera.governance import selectors
from tests.governance import builders as b
from tests.governance.builders import TODAY

OPERATOR = Operator("test")


@pytest.fixture(autouse=True)
def remembered(settings):
    settings.ETABLERA_GOVERNANCE_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


def codes(findings) -> list[str]:
    return sorted(f.object.label for f in findings if f.code == "GOV-02")


def test_a_repeated_check_runs_no_rule_and_a_change_shows_at_once(
    ks, sn, django_assert_max_num_queries
):
    b.commissioned(sn, ks, with_decision=False, title="Utan beslut")
    assert codes(selectors.findings_for(OPERATOR, today=TODAY)) == ["Utan beslut"]
    with django_assert_max_num_queries(0):
        again = selectors.findings_for(OPERATOR, today=TODAY)
    assert codes(again) == ["Utan beslut"]

    b.commissioned(sn, ks, with_decision=False, title="Också utan beslut")
    assert codes(selectors.findings_for(OPERATOR, today=TODAY)) == [
        "Också utan beslut",
        "Utan beslut",
    ]


def test_another_day_is_checked_afresh(ks, sn, django_assert_max_num_queries):
    b.commissioned(sn, ks, with_decision=False, title="Utan beslut")
    selectors.findings_for(OPERATOR, today=TODAY)
    with django_assert_max_num_queries(0):
        selectors.findings_for(OPERATOR, today=TODAY)
    with CaptureQueriesContext(connection) as new_day:
        selectors.findings_for(OPERATOR, today=TODAY + dt.timedelta(days=1))
    assert len(new_day) > 0  # the rules run again for a new day
