"""Reads for follow-up, scoped by the access policy, each in a fixed number of queries."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from etablera.accounts import policy
from etablera.accounts.roles import Role
from etablera.mandates.models import Decision
from etablera.organisation.models import Body, BodyKind

from .models import Assessment, Period, PeriodStatus, Report, ReportEntry, ReportEvent, ReportStatus

SHOWN_STATUSES = (ReportStatus.SUBMITTED, ReportStatus.APPROVED)


def periods(user) -> QuerySet[Period]:
    """Periods the user may see, newest first, with their reports counted by status."""
    qs = Period.objects.annotate(
        report_count=Count("reports", distinct=True),
        submitted_count=Count(
            "reports", filter=Q(reports__status=ReportStatus.SUBMITTED), distinct=True
        ),
        approved_count=Count(
            "reports", filter=Q(reports__status=ReportStatus.APPROVED), distinct=True
        ),
    ).order_by("-end", "kind")
    return policy.scope(user, "followup.period.view", qs)


def open_periods() -> QuerySet[Period]:
    return Period.objects.filter(status=PeriodStatus.OPEN).order_by("deadline")


def reports(user, *, period: Period | None = None, status: str = "", body=None) -> QuerySet[Report]:
    """Reports the user may see, with their entries counted (all, and assessed)."""
    qs = Report.objects.select_related("period", "body", "decision__body").annotate(
        entry_count=Count("entries", distinct=True),
        assessed_count=Count(
            "entries", filter=~Q(entries__assessment=Assessment.NOT_ASSESSED), distinct=True
        ),
    )
    if period is not None:
        qs = qs.filter(period=period)
    if status:
        qs = qs.filter(status=status)
    if body is not None:
        qs = qs.filter(body=body)
    return policy.scope(user, "followup.report.view", qs).order_by(
        "-period__end", "period__kind", "body__kind_order", "body__name"
    )


def report_for(user, pk: int) -> Report:
    """One report (404 outside the user's scope), with what its page shows."""
    qs = Report.objects.select_related(
        "period", "body", "decision__body", "submitted_by", "approved_by"
    )
    return policy.get_or_404(user, "followup.report.view", qs, pk=pk)


def entry_queryset() -> QuerySet[ReportEntry]:
    return ReportEntry.objects.select_related(
        "report__body",
        "report__period",
        "mandate__policy_area",
        "mandate__owner",
        "mandate__commissioned_by",
        "mandate__performer_body",
        "mandate__performer_unit__body",
        "mandate__decision__body",
        "goal__policy_area",
        "goal__owner",
    )


def entries_of(report: Report) -> QuerySet[ReportEntry]:
    return entry_queryset().filter(report=report).order_by("order", "pk")


def events_of(report: Report) -> QuerySet[ReportEvent]:
    return ReportEvent.objects.filter(report=report).select_related("actor").order_by("at", "pk")


def sees_unapproved(user, body_id: int) -> bool:
    """Does ``user`` read the body's reports before they are approved (R7 views)?"""
    for grant in policy.grants(user):
        if grant.role in (Role.STRATEGIST, Role.ADMIN):
            return True
        if grant.role == Role.REPORTER and (grant.municipality_wide or grant.body_id == body_id):
            return True
    return False


def commissioned_entries(user, report: Report) -> QuerySet[ReportEntry]:
    """R7: entries in other bodies' reports of the same period about mandates that
    ``report.body`` commissioned — what the performing body did on its behalf.

    Shown from submission on to those who read the commissioning body's unapproved reports;
    readers and auditors see them once the performing body's report is approved.
    """
    statuses = SHOWN_STATUSES if sees_unapproved(user, report.body_id) else (ReportStatus.APPROVED,)
    return (
        entry_queryset()
        .filter(
            report__period_id=report.period_id,
            mandate__commissioned_by_id=report.body_id,
            report__status__in=statuses,
        )
        .exclude(report__body_id=report.body_id)
        .order_by("report__body__name", "order", "pk")
    )


def entries(user, *, report=None, period=None) -> QuerySet[ReportEntry]:
    """Entries the user may see (the API's list)."""
    qs = entry_queryset()
    if report is not None:
        qs = qs.filter(report=report)
    if period is not None:
        qs = qs.filter(report__period=period)
    return policy.scope(user, "followup.entry.view", qs).order_by("report_id", "order", "pk")


def period_progress(period: Period) -> dict[str, int]:
    """How many reports of the period are in each status (for the strategist's panel)."""
    counts = dict(
        Report.objects.filter(period=period)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in ReportStatus.values}


def latest_approved_period(user) -> Period | None:
    """The newest period with a report ``user`` may read that is approved: what the start page
    of an elected member or auditor opens with."""
    approved = policy.scope(
        user, "followup.report.view", Report.objects.filter(status=ReportStatus.APPROVED)
    )
    return (
        Period.objects.filter(pk__in=approved.values("period_id"))
        .order_by("-end", "kind", "code")
        .first()
    )


def approved_entries(user, period: Period) -> QuerySet[ReportEntry]:
    """The entries of the period's approved reports that ``user`` may read."""
    return policy.scope(
        user,
        "followup.entry.view",
        ReportEntry.objects.filter(report__period=period, report__status=ReportStatus.APPROVED),
    )


def assessment_overview(user, period: Period) -> dict[str, dict[str, int]]:
    """``{"goal": {assessment: n}, "mandate": {…}}`` over the period's approved reports, in one
    query whatever their number."""
    rows = (
        approved_entries(user, period)
        .values("assessment")
        .annotate(
            goals=Count("pk", filter=Q(goal__isnull=False)),
            mandates=Count("pk", filter=Q(mandate__isnull=False)),
        )
        .order_by()
    )
    overview: dict[str, dict[str, int]] = {
        "goal": dict.fromkeys(Assessment.values, 0),
        "mandate": dict.fromkeys(Assessment.values, 0),
    }
    for row in rows:
        overview["goal"][row["assessment"]] += row["goals"]
        overview["mandate"][row["assessment"]] += row["mandates"]
    return overview


def awaiting_approval(user) -> QuerySet[Report]:
    """Submitted reports ``user`` may approve, oldest deadline first."""
    return policy.scope(
        user,
        "followup.report.approve",
        Report.objects.filter(status=ReportStatus.SUBMITTED).select_related("period", "body"),
    ).order_by("period__deadline", "submitted_at", "pk")


def open_reports_with_progress(user) -> QuerySet[Report]:
    """The open periods' reports ``user`` writes, with their entries counted (all, assessed)."""
    return (
        policy.scope(
            user,
            "followup.report.change",
            Report.objects.filter(period__status=PeriodStatus.OPEN).select_related(
                "period", "body"
            ),
        )
        .annotate(
            entry_count=Count("entries", distinct=True),
            assessed_count=Count(
                "entries", filter=~Q(entries__assessment=Assessment.NOT_ASSESSED), distinct=True
            ),
        )
        .order_by("period__deadline", "body__name")
    )


def approving_bodies(report: Report) -> QuerySet[Body]:
    """The bodies whose decision can approve ``report``: the executive board, which approves
    the follow-up, and the reporting body itself."""
    return Body.objects.filter(
        Q(kind=BodyKind.EXECUTIVE_BOARD, municipality_id=report.body.municipality_id)
        | Q(pk=report.body_id)
    ).order_by("name")


def approval_decisions(report: Report) -> QuerySet[Decision]:
    """The approving bodies' decisions since the period began, newest first — what the
    approval offers, rather than every decision ever registered."""
    return (
        Decision.objects.select_related("body")
        .filter(body__in=approving_bodies(report), date__gte=report.period.start)
        .order_by("-date", "section")
    )
