"""Demo follow-up: an approved annual report 2025H, an approved interim report 2026D and an
open tertial 2026T3 with drafts (some half written) and one submitted report.

The reports go through the real workflow (open → write → submit → approve), so their
snapshots hold the demo indicator values as they stood. Texts and decisions are fictitious.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from etablera.accounts.models import User
from etablera.mandates.models import Decision
from etablera.mandates.services import save_decision
from etablera.organisation.models import Body
from etablera.web.demo import DEMO_OPERATOR

from . import services
from .models import Assessment, Period, PeriodStatus, Report, ReportEntry, ReportEvent, ReportStatus

ORDER = 60

PERIODS = [
    # code, kind, name, start, end, deadline
    (
        "2025H",
        "annual",
        "Helår 2025",
        dt.date(2025, 1, 1),
        dt.date(2025, 12, 31),
        dt.date(2026, 2, 13),
    ),
    (
        "2026D",
        "interim",
        "Delår 2026",
        dt.date(2026, 1, 1),
        dt.date(2026, 8, 31),
        dt.date(2026, 9, 18),
    ),
    (
        "2026T3",
        "tertial",
        "Tertial 3 2026",
        dt.date(2026, 9, 1),
        dt.date(2026, 12, 31),
        dt.date(2027, 1, 22),
    ),
]

APPROVALS = {
    "2025H": (
        "KS",
        dt.date(2026, 3, 18),
        "§ 45",
        "KS 2026/31",
        "Uppföljning av integrations- och arbetsmarknadsuppdragen, helår 2025",
    ),
    "2026D": (
        "KS",
        dt.date(2026, 10, 14),
        "§ 188",
        "KS 2026/31",
        "Uppföljning av integrations- och arbetsmarknadsuppdragen, delår 2026",
    ),
}

ANALYSIS = {
    Assessment.MET: (
        "Arbetet har genomförts enligt plan. Indikatorerna ligger i nivå med eller över årets "
        "målvärde, och samverkan med berörda förvaltningar fungerar väl."
    ),
    Assessment.PARTLY: (
        "Arbetet har kommit en bit på väg men inte hela vägen. Indikatorerna har förbättrats "
        "jämfört med föregående period men når ännu inte målvärdet. Rekryteringar och "
        "samordning med Arbetsförmedlingen har tagit längre tid än planerat."
    ),
    Assessment.NOT_MET: (
        "Målet har inte nåtts under perioden. Färre deltagare än planerat har kunnat påbörja "
        "insatser, och uppföljningen visar att flera har avbrutit i förtid."
    ),
}
MEASURES = {
    Assessment.MET: "Fortsätta arbetet enligt gällande plan.",
    Assessment.PARTLY: (
        "Ta fram en gemensam handlingsplan med Arbetsförmedlingen och följa upp varje månad."
    ),
    Assessment.NOT_MET: (
        "Se över insatsernas innehåll och målgrupp; redovisa en åtgärdsplan till nämnden."
    ),
}


def _fill(report: Report, rng: random.Random, share: float = 1.0) -> None:
    """Assess a share of the report's entries with plausible texts."""
    entries = list(report.entries.order_by("order", "pk"))
    changes = {}
    for i, entry in enumerate(entries):
        if i >= round(len(entries) * share):
            break
        assessment = rng.choices(
            [Assessment.MET, Assessment.PARTLY, Assessment.NOT_MET], weights=[5, 4, 1]
        )[0]
        changes[entry.pk] = {
            "assessment": assessment,
            "analysis": ANALYSIS[assessment],
            "measures": MEASURES[assessment],
        }
    services.update_report(
        report,
        changes,
        summary="Nämndens samlade bedömning är att arbetet i huvudsak går enligt plan."
        if share >= 1
        else "",
        actor=DEMO_OPERATOR,
    )


def _backdate(report: Report, submitted: dt.date, approved: dt.date | None) -> None:
    """Demo reports were handed in when their period ended, not when the demo was loaded."""
    tz = timezone.get_current_timezone()
    submitted_at = dt.datetime.combine(submitted, dt.time(10, 0), tz)
    Report.objects.filter(pk=report.pk).update(submitted_at=submitted_at)
    ReportEntry.objects.filter(report=report).update(snapshot_at=submitted_at)
    ReportEvent.objects.filter(report=report, action=ReportEvent.Action.SUBMITTED).update(
        at=submitted_at
    )
    if approved is not None:
        approved_at = dt.datetime.combine(approved, dt.time(15, 0), tz)
        Report.objects.filter(pk=report.pk).update(approved_at=approved_at)
        ReportEvent.objects.filter(report=report, action=ReportEvent.Action.APPROVED).update(
            at=approved_at
        )


def load(ctx) -> None:
    rng = random.Random(ctx.seed + 60)
    strategist = User.objects.filter(username="strateg").first()
    reporter = User.objects.filter(username="rapportor").first()
    for code, kind, name, start, end, deadline in PERIODS:
        if Period.objects.filter(code=code).exists():
            continue
        period = services.save_period(
            Period(code=code, kind=kind, name=name, start=start, end=end, deadline=deadline),
            actor=DEMO_OPERATOR,
        )
        reports = services.open_period(period, actor=strategist, notify=False)
        if code in APPROVALS:
            body, date, section, case_number, title = APPROVALS[code]
            decision = Decision.objects.filter(
                body__short_name=body, date=date, section=section
            ).first() or save_decision(
                Decision(
                    body=Body.objects.get(short_name=body),
                    date=date,
                    section=section,
                    case_number=case_number,
                    title=title,
                ),
                actor=DEMO_OPERATOR,
            )
            for report in reports:
                _fill(report, rng)
                services.submit_report(report, actor=reporter)
                services.approve_report(report, decision, actor=strategist)
                _backdate(report, deadline - dt.timedelta(days=rng.randint(1, 10)), date)
            services.close_period(period, actor=DEMO_OPERATOR)
            continue
        # The open tertial: GVN has handed in, SN is half way, the others have not started.
        for report in sorted(reports, key=lambda r: r.body.short_name):
            short = report.body.short_name
            if short == "GVN":
                _fill(report, rng)
                services.submit_report(report, actor=DEMO_OPERATOR)
            elif short == "SN":
                _fill(report, rng, share=0.5)
    open_count = Report.objects.filter(period__status=PeriodStatus.OPEN).count()
    approved = Report.objects.filter(status=ReportStatus.APPROVED).count()
    ctx.log(f"    {len(PERIODS)} periods, {approved} approved reports, {open_count} open reports")
