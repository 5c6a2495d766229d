"""The demo: goals and indicators for integration and labour-market work, and three periods in
the states the guided tour relies on."""

from __future__ import annotations

import pytest

from etablera.followup.models import Period, Report, ReportStatus
from etablera.goals.models import Goal, Indicator, IndicatorValue

REGISTER_KEYS = {
    "exit_work_or_studies_share",
    "exit_unsubsidised_work_share",
    "active_participants",
    "new_participants",
    "work_or_studies_after_90_share",
    "median_days_in_intervention",
    "cost_per_exit_work_or_studies",
}


@pytest.fixture
def demo(small_demo, db):
    """The small demo, loaded once for this module (``tests/conftest.py``)."""


def test_the_demo_has_goals_indicators_and_three_periods(demo):
    assert Goal.objects.filter(level="council").count() == 3
    assert Goal.objects.filter(owner__isnull=True).count() == 1
    assert (
        set(Indicator.objects.filter(source="register").values_list("source_key", flat=True))
        == REGISTER_KEYS
    )
    manual = Indicator.objects.filter(source="manual")
    assert manual.exists()
    years = {v.start.year for v in IndicatorValue.objects.filter(indicator__in=manual)}
    assert years >= {2023, 2024, 2025, 2026}

    statuses = {
        code: set(Report.objects.filter(period__code=code).values_list("status", flat=True))
        for code in ("2025H", "2026D", "2026T3")
    }
    assert statuses["2025H"] == {ReportStatus.APPROVED}
    assert statuses["2026D"] == {ReportStatus.APPROVED}
    assert statuses["2026T3"] == {ReportStatus.DRAFT, ReportStatus.SUBMITTED}
    assert Report.objects.filter(period__code="2026T3", status="submitted").count() == 1
    assert Period.objects.get(code="2026T3").status == "open"
    assert Report.objects.get(period__code="2026T3", body__short_name="SN").status == "draft"
    approved = Report.objects.filter(status="approved")
    assert all(r.decision_id for r in approved)
    assert not approved.filter(entries__snapshot_at__isnull=True).exists()
