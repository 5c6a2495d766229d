"""The governance check on the start page, read from the remembered check (``cache``): after
the first request the panels cost no query of their own.

- Those who may open the check see its findings counted per rule, each a way into the list.
- Elected members see the same counts for the whole municipality, as the consolidated report
  publishes them, without the findings themselves.
- Strategists also see, under "what waits for you", the gaps that are theirs to close:
  commissioned mandates without a decision, acknowledgements past their deadline and audit
  actions past their due date.
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
from .registry import Finding

#: What a strategist is waiting on, as (rule code, object type) pairs of the check's findings.
MISSING_DECISION = ("GOV-02", None)
OVERDUE_ACKNOWLEDGEMENT = ("GOV-06", "documents.distribution")
OVERDUE_AUDIT_ACTION = ("GOV-07", "audits.action")


def _findings(request: HttpRequest) -> tuple[list[Finding], bool] | None:
    """The findings the user may see (and True), the municipality's counts for an elected
    member (and False), or None for anyone else. Remembered for the request: the panel and
    the waiting list read the same findings."""
    if hasattr(request, "_governance_home"):
        return request._governance_home
    user = request.user
    today = timezone.localdate()
    found: tuple[list[Finding], bool] | None = None
    if policy.can(user, "governance.view"):
        found = (selectors.findings_for(user, today=today), True)
    elif Role.READER in policy.roles(user):
        # The counts per rule are public to every reader of the consolidated report.
        operator = policy.Operator("home:governance-counts")
        found = (selectors.findings_for(operator, today=today), False)
    request._governance_home = found  # type: ignore[attr-defined]
    return found


def panels(request: HttpRequest) -> list[dict]:
    found = _findings(request)
    if found is None:
        return []
    findings, may_open = found
    rules = [row for row in selectors.summary(findings) if row.count]
    return [
        {
            "template": "governance/home_panel.html",
            "count": len(findings),
            "summary": _summary(findings),
            "rules": sorted(rules, key=lambda row: -row.count)[:5],
            "may_open": may_open,
            "order": 3,
        }
    ]


def _summary(findings: list[Finding]) -> str:
    """ "5 avvikelser: 1 fel, 3 varningar och 1 upplysning", each count agreeing with its noun."""
    counts = selectors.severity_counts(findings)
    errors, warnings, infos = counts["error"], counts["warning"], counts["info"]
    return _("%(total)s: %(errors)s, %(warnings)s och %(infos)s.") % {
        "total": ngettext("%(n)d avvikelse", "%(n)d avvikelser", len(findings))
        % {"n": len(findings)},
        "errors": ngettext("%(n)d fel", "%(n)d fel", errors) % {"n": errors},
        "warnings": ngettext("%(n)d varning", "%(n)d varningar", warnings) % {"n": warnings},
        "infos": ngettext("%(n)d upplysning", "%(n)d upplysningar", infos) % {"n": infos},
    }


def _count(findings: list[Finding], kind: tuple[str, str | None]) -> int:
    code, object_type = kind
    return sum(
        1
        for f in findings
        if f.code == code and (object_type is None or f.object.type == object_type)
    )


def waiting(request: HttpRequest) -> list[dict]:
    """The strategist's gaps to close, each counted and linked to where it is closed."""
    if Role.STRATEGIST not in policy.roles(request.user):
        return []
    found = _findings(request)
    if found is None or not found[1]:
        return []
    findings = found[0]
    decisions = _count(findings, MISSING_DECISION)
    acknowledgements = _count(findings, OVERDUE_ACKNOWLEDGEMENT)
    actions = _count(findings, OVERDUE_AUDIT_ACTION)
    findings_url = reverse("governance:findings")
    return [
        {
            "count": decisions,
            "text": ngettext(
                "beställt uppdrag saknar beslut",
                "beställda uppdrag saknar beslut",
                decisions,
            ),
            "url": reverse("mandates:list") + "?gap=decision",
            "order": 20,
        },
        {
            "count": acknowledgements,
            "text": ngettext(
                "kvittens av ett styrdokument är försenad",
                "kvittenser av styrdokument är försenade",
                acknowledgements,
            ),
            "url": reverse("documents:coverage"),
            "order": 30,
        },
        {
            "count": actions,
            "text": ngettext(
                "åtgärd efter en granskning är försenad",
                "åtgärder efter granskningar är försenade",
                actions,
            ),
            "url": f"{findings_url}?code={OVERDUE_AUDIT_ACTION[0]}",
            "order": 40,
        },
    ]
