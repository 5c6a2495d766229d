"""Reads of the governance check, scoped by the access policy."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.utils import timezone

from etablera.accounts import policy
from etablera.organisation.models import Body

from .cache import all_findings
from .registry import Finding, Rule, Severity, rules


def visible_body_ids(user) -> set[int] | None:
    """The bodies whose findings ``user`` may see; None means every finding (also those that
    concern no body, such as a goal with no owner)."""
    q = policy.filter_q(user, "governance.view", Body)
    if q is None:
        return set()
    if not q:
        return None
    return set(Body.objects.filter(q).values_list("pk", flat=True))


def findings_for(
    user,
    *,
    body: Body | None = None,
    severity: str = "",
    code: str = "",
    today: dt.date | None = None,
) -> list[Finding]:
    """The findings ``user`` (a user or a ``policy.Operator``) may see, optionally for one body
    only."""
    visible = visible_body_ids(user)
    if body is not None:
        wanted: set[int] | None = {body.pk} if visible is None else {body.pk} & visible
    else:
        wanted = visible
    found = all_findings(today or timezone.localdate())
    if wanted is not None:
        found = [f for f in found if f.bodies & wanted]
    if code:
        found = [f for f in found if f.code == code]
    if severity:
        found = [f for f in found if f.severity == severity]
    return found


@dataclass
class RuleSummary:
    rule: Rule
    count: int


def summary(findings: list[Finding]) -> list[RuleSummary]:
    """Each rule with its number of findings, in code order."""
    counts = Counter(f.code for f in findings)
    return [RuleSummary(r, counts.get(r.code, 0)) for r in rules()]


def severity_counts(findings: list[Finding]) -> dict[str, int]:
    counts = Counter(f.severity for f in findings)
    return {s.value: counts.get(s.value, 0) for s in reversed(Severity)}
