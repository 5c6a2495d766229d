"""Start-page panels of follow-up, each answering a role's first question in a few queries:

- elected members, auditors and strategists: how did the latest approved follow-up go — the
  goals' and mandates' assessments counted, each count a way into the entries behind it;
- strategists: what waits for them — submitted reports to approve (also counted in the start
  page's "waiting for you"), and the open periods;
- reporters: their open report, how far it has come, and its deadline.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from etablera.accounts import policy
from etablera.accounts.roles import Role

from . import selectors
from .consolidated import ASSESSMENT_BADGE, ASSESSMENT_ORDER
from .models import Assessment, ReportStatus

#: How many reports to approve the panel lists by name.
SHOWN = 5

OVERVIEW_ROLES = {Role.READER, Role.AUDITOR, Role.STRATEGIST}


def panels(request: HttpRequest) -> list[dict]:
    user = request.user
    held = policy.roles(user)
    result: list[dict] = []
    if set(held) & OVERVIEW_ROLES and policy.can(user, "followup.consolidated.view"):
        result.append(_overview(user))
    if Role.STRATEGIST in held:
        result.append(_strategist(request))
    if Role.REPORTER in held:
        reports = list(selectors.open_reports_with_progress(user))
        today = timezone.localdate()
        for report in reports:
            report.days_left = (report.period.deadline - today).days
        # The reporter's first question: how far their report has come, and by when.
        result.append(
            {"template": "followup/panel_reporter.html", "reports": reports, "order": 0.6}
        )
    return result


def waiting(request: HttpRequest) -> list[dict]:
    """Submitted reports a strategist is to approve, counted."""
    if Role.STRATEGIST not in policy.roles(request.user):
        return []
    count = getattr(request, "_followup_awaiting", None)
    if count is None:  # the panel has not counted them already
        count = selectors.awaiting_approval(request.user).count()
    return [
        {
            "count": count,
            "text": ngettext(
                "rapport väntar på godkännande", "rapporter väntar på godkännande", count
            ),
            "url": reverse("followup:report-list") + "?status=submitted",
            "order": 10,
        }
    ]


def _overview(user) -> dict:
    period = selectors.latest_approved_period(user)
    rows = []
    if period is not None:
        counts = selectors.assessment_overview(user, period)
        labels = dict(Assessment.choices)
        for kind, heading in (("goal", _("Mål")), ("mandate", _("Uppdrag"))):
            cells = [
                {
                    "assessment": a,
                    "label": labels[a],
                    "count": counts[kind][a],
                    "badge": ASSESSMENT_BADGE[a],
                }
                for a in ASSESSMENT_ORDER
            ]
            total = sum(counts[kind].values())
            rows.append({"kind": kind, "heading": heading, "cells": cells, "total": total})
    return {"template": "followup/panel_overview.html", "period": period, "rows": rows, "order": 0}


def _strategist(request: HttpRequest) -> dict:
    waiting = selectors.awaiting_approval(request.user)
    shown = list(waiting[: SHOWN + 1])
    total = waiting.count() if len(shown) > SHOWN else len(shown)
    more = total - SHOWN if len(shown) > SHOWN else 0
    request._followup_awaiting = total  # type: ignore[attr-defined]
    rows = []
    for period in selectors.open_periods():
        progress = selectors.period_progress(period)
        total = sum(progress.values())
        done = progress[ReportStatus.SUBMITTED] + progress[ReportStatus.APPROVED]
        rows.append(
            {"period": period, "progress": progress, "total": total, "missing": total - done}
        )
    return {
        "template": "followup/panel_strategist.html",
        "waiting": shown[:SHOWN],
        "more": more,
        "rows": rows,
        "order": 5,
    }
