"""The report workflow: opening a period, writing, submitting, returning, approving; the lock
on approved reports and the snapshot of indicator values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from etablera.followup import selectors, services
from etablera.followup.models import (
    Assessment,
    Period,
    PeriodStatus,
    Report,
    ReportEntry,
    ReportEvent,
    ReportStatus,
)
from etablera.goals.models import IndicatorValue
from etablera.mandates.models import MandateStatus, ReportFrequency
from tests.followup.conftest import approve, assess_all
from tests.mandates.factories import MandateFactory


def subjects(report):
    return sorted(
        (e.mandate.title if e.mandate_id else f"mål: {e.goal.title}") for e in report.entries.all()
    )


def test_opening_gives_each_body_one_entry_per_mandate_it_follows_up_and_goal_it_owns(world):
    assert Period.objects.get(pk=world.period.pk).status == PeriodStatus.OPEN
    assert subjects(world.ks_report) == ["Arbetsmarknadsinsatser för nyanlända"]
    # SN: its ordinary mandate, its account of the commissioned mandate (R7) and its goal.
    assert subjects(world.sn_report) == [
        "Arbetsmarknadsinsatser för nyanlända",
        "Jobbcentrum",
        "mål: Fler nyanlända i arbete",
    ]
    assert all(e.assessment == Assessment.NOT_ASSESSED for e in world.sn_report.entries.all())
    assert ReportEvent.objects.filter(action="created").count() == 2


def test_opening_skips_inactive_mandates_and_frequencies_that_do_not_report(world):
    tertial = Period.objects.create(
        code="2026T1",
        name="Tertial 1 2026",
        kind="tertial",
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 4, 30),
        deadline=dt.date(2026, 5, 20),
    )
    MandateFactory(
        title="Avslutat",
        owner=world.sn,
        status=MandateStatus.COMPLETED,
        report_frequency=ReportFrequency.TERTIAL,
    )
    MandateFactory(title="Varje tertial", owner=world.sn, report_frequency=ReportFrequency.TERTIAL)
    services.open_period(tertial, actor=None)
    report = tertial.reports.get(body=world.sn)
    # The goal is valid in 2026; the interim-frequency mandates do not report in a tertial.
    assert subjects(report) == ["Varje tertial", "mål: Fler nyanlända i arbete"]


def test_opening_again_adds_what_is_missing_and_keeps_what_was_written(world):
    entry = world.sn_report.entries.get(mandate=world.ordinary)
    services.update_report(world.sn_report, {entry.pk: {"analysis": "Skrivet."}}, actor=None)
    MandateFactory(title="Nytt uppdrag", owner=world.sn, follow_up_body=world.sn)
    services.open_period(world.period, actor=None)
    assert "Nytt uppdrag" in subjects(world.sn_report)
    assert world.sn_report.entries.get(mandate=world.ordinary).analysis == "Skrivet."
    assert Report.objects.filter(period=world.period).count() == 2


def test_a_closed_period_cannot_be_opened_or_submitted_to(world, sn_reporter):
    assess_all(world.sn_report)
    services.close_period(world.period, actor=None)
    with pytest.raises(ValidationError, match="stängd"):
        services.open_period(world.period, actor=None)
    with pytest.raises(ValidationError, match="inte öppen"):
        services.submit_report(world.sn_report, actor=sn_reporter)


def test_submitting_an_incomplete_report_is_refused_and_nothing_is_saved(world, sn_reporter):
    first = world.sn_report.entries.order_by("order").first()
    services.update_report(world.sn_report, {first.pk: {"assessment": "met"}}, actor=None)
    with pytest.raises(ValidationError) as exc:
        services.submit_report(world.sn_report, actor=sn_reporter)
    assert "2 poster saknar bedömning" in exc.value.messages[0]
    report = Report.objects.get(pk=world.sn_report.pk)
    assert report.status == ReportStatus.DRAFT
    assert report.submitted_at is None
    assert not ReportEntry.objects.filter(report=report, snapshot_at__isnull=False).exists()


def test_submitting_stores_the_indicator_values_as_they_stand(world, sn_reporter):
    assess_all(world.sn_report)
    services.submit_report(world.sn_report, actor=sn_reporter)
    report = Report.objects.get(pk=world.sn_report.pk)
    assert report.status == ReportStatus.SUBMITTED
    assert report.submitted_by == sn_reporter
    goal_entry = report.entries.get(goal=world.goal)
    (item,) = goal_entry.snapshot
    assert item["name"] == "Andel som gått till arbete"
    assert {v["gender"]: v["value"] for v in item["values"]} == {
        "T": "41.50",
        "K": "38.00",
        "M": "45.00",
    }
    assert item["targets"] == {"T": "45.00"}
    # The commissioned mandate serves the goal, so its entry shows the same indicator.
    assert report.entries.get(mandate=world.commissioned).snapshot[0]["indicator"] == (
        world.indicator.pk
    )
    assert report.entries.get(mandate=world.ordinary).snapshot == []
    assert report.events.filter(action="submitted", actor=sn_reporter).exists()


@pytest.mark.parametrize("status", [ReportStatus.SUBMITTED, ReportStatus.APPROVED])
def test_a_submitted_or_approved_report_cannot_be_edited(world, status):
    assess_all(world.sn_report, analysis="Före.")
    services.submit_report(world.sn_report, actor=None)
    if status == ReportStatus.APPROVED:
        services.approve_report(world.sn_report, world.approval, actor=None)
    entry = world.sn_report.entries.first()
    with pytest.raises(ValidationError) as exc:
        services.update_report(world.sn_report, {entry.pk: {"analysis": "Efter."}}, actor=None)
    expected = "godkänd och låst" if status == ReportStatus.APPROVED else "inlämnad"
    assert expected in exc.value.messages[0]
    assert ReportEntry.objects.get(pk=entry.pk).analysis == "Före."
    with pytest.raises(ValidationError):
        services.update_entry(entry, {"assessment": "not_met"}, actor=None)
    assert ReportEntry.objects.get(pk=entry.pk).assessment == "met"


def test_returning_needs_a_comment_and_reopens_the_report(world, strategist, sn_reporter):
    assess_all(world.sn_report)
    services.submit_report(world.sn_report, actor=sn_reporter)
    with pytest.raises(ValidationError) as exc:
        services.return_report(world.sn_report, "  ", actor=strategist)
    assert "Skriv varför" in str(exc.value)
    assert Report.objects.get(pk=world.sn_report.pk).status == ReportStatus.SUBMITTED
    services.return_report(world.sn_report, "Komplettera analysen.", actor=strategist)
    report = Report.objects.get(pk=world.sn_report.pk)
    assert report.status == ReportStatus.RETURNED
    assert report.return_comment == "Komplettera analysen."
    entry = report.entries.first()
    services.update_report(report, {entry.pk: {"analysis": "Kompletterad."}}, actor=None)
    services.submit_report(report, actor=sn_reporter)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert report.return_comment == ""
    assert list(report.events.values_list("action", flat=True)) == [
        "created",
        "submitted",
        "returned",
        "submitted",
    ]


def test_only_submitted_reports_can_be_returned_or_approved(world):
    with pytest.raises(ValidationError, match="inlämnad"):
        services.return_report(world.sn_report, "Nej.", actor=None)
    with pytest.raises(ValidationError, match="inlämnad"):
        services.approve_report(world.sn_report, world.approval, actor=None)
    approve(world, world.sn_report)
    with pytest.raises(ValidationError, match="redan godkänd"):
        services.approve_report(world.sn_report, world.approval, actor=None)
    with pytest.raises(ValidationError, match="låst"):
        services.return_report(world.sn_report, "För sent.", actor=None)
    with pytest.raises(ValidationError, match="låst"):
        services.submit_report(world.sn_report, actor=None)


def test_approving_needs_the_decision(world):
    assess_all(world.sn_report)
    services.submit_report(world.sn_report, actor=None)
    with pytest.raises(ValidationError) as exc:
        services.approve_report(world.sn_report, None, actor=None)
    assert "beslutet" in str(exc.value)
    assert Report.objects.get(pk=world.sn_report.pk).status == ReportStatus.SUBMITTED


def test_an_approved_report_keeps_its_snapshot_when_values_are_corrected(world, strategist):
    approve(world, world.sn_report, strategist=strategist)
    report = Report.objects.get(pk=world.sn_report.pk)
    assert report.status == ReportStatus.APPROVED
    assert report.decision == world.approval
    assert report.approved_by == strategist
    before = report.entries.get(goal=world.goal).snapshot
    IndicatorValue.objects.filter(indicator=world.indicator, gender="T").update(
        value=Decimal("12.0")
    )
    IndicatorValue.objects.filter(indicator=world.indicator, gender="K").delete()
    after = Report.objects.get(pk=report.pk).entries.get(goal=world.goal).snapshot
    assert after == before
    assert before[0]["values"][0]["value"] == "41.50"


def test_the_database_refuses_an_approved_report_without_a_decision(world):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.filter(pk=world.sn_report.pk).update(status=ReportStatus.APPROVED)


def test_the_commissioner_sees_the_performers_entry_once_submitted(world, ks_reporter, reader):
    """R7: KS sees what SN did on its behalf, in KS's own report."""
    assert not selectors.commissioned_entries(ks_reporter, world.ks_report).exists()
    assess_all(world.sn_report, analysis="SN:s redovisning till KS.")
    services.submit_report(world.sn_report, actor=None)
    shown = list(selectors.commissioned_entries(ks_reporter, world.ks_report))
    assert [e.analysis for e in shown] == ["SN:s redovisning till KS."]
    assert shown[0].report.body == world.sn
    assert shown[0].mandate == world.commissioned
    # Readers see it once SN's report is approved.
    assert not selectors.commissioned_entries(reader, world.ks_report).exists()
    services.approve_report(world.sn_report, world.approval, actor=None)
    assert selectors.commissioned_entries(reader, world.ks_report).count() == 1
