"""The governance check's panel on the start page: a summary for those who may see it."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from etablera.accounts import policy

from . import selectors


def panels(request: HttpRequest) -> list[dict]:
    if not policy.can(request.user, "governance.view"):
        return []
    findings = selectors.findings_for(request.user, today=timezone.localdate())
    rules = [row for row in selectors.summary(findings) if row.count]
    return [
        {
            "template": "governance/home_panel.html",
            "count": len(findings),
            "severity_counts": selectors.severity_counts(findings),
            "rules": sorted(rules, key=lambda row: -row.count)[:5],
            "order": 3,
        }
    ]
