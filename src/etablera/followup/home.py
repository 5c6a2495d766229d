"""Start-page panels: a reporter's open report and its deadline; a strategist's overview."""

from __future__ import annotations

from django.http import HttpRequest

from etablera.accounts import policy
from etablera.accounts.roles import Role

from . import selectors
from .models import Report, ReportStatus


def panels(request: HttpRequest) -> list[dict]:
    user = request.user
    held = policy.roles(user)
    result: list[dict] = []
    if Role.REPORTER in held:
        reports = list(
            policy.scope(
                user,
                "followup.report.change",
                Report.objects.filter(period__status="open").select_related("period", "body"),
            ).order_by("period__deadline", "body__name")
        )
        result.append({"template": "followup/panel_reporter.html", "reports": reports})
    if Role.STRATEGIST in held:
        periods = list(selectors.open_periods())
        rows = []
        for period in periods:
            progress = selectors.period_progress(period)
            total = sum(progress.values())
            done = progress[ReportStatus.SUBMITTED] + progress[ReportStatus.APPROVED]
            rows.append(
                {
                    "period": period,
                    "progress": progress,
                    "total": total,
                    "missing": total - done,
                }
            )
        result.append({"template": "followup/panel_strategist.html", "rows": rows})
    return result
