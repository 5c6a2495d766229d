"""The governance check's machinery: rules, findings, and running them.

A rule is a function registered with ``@rule(code, title, severity)`` in an app's
``governance_rules.py`` (a plugin hook, see ``etablera.web.plugins``); it gets
a :class:`Context` and yields :class:`Finding` objects (made with ``ctx.finding``). Each rule
reads the database in a fixed, small number of queries, whatever the number of objects.
Running the check (:func:`run`) calls every rule in code order and filters the findings by the
bodies they concern.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from etablera.web.plugins import contributions


class Severity(models.TextChoices):
    INFO = "info", _("Information")
    WARNING = "warning", _("Varning")
    ERROR = "error", _("Fel")


#: Severities from mild to grave: ``--fail-on warning`` fails on warnings and errors.
RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


@dataclass(frozen=True)
class ObjectRef:
    """The object a finding concerns: its model, id, a label and a link to its page."""

    type: str
    id: int
    label: str
    url: str

    def as_dict(self) -> dict:
        return {"type": self.type, "id": self.id, "label": self.label, "url": self.url}


def object_url(obj: models.Model) -> str:
    from etablera.audits.evidence import object_url as url_of

    return url_of(obj)


def ref(obj: models.Model, *, label: str | None = None, url: str | None = None) -> ObjectRef:
    return ObjectRef(
        type=obj._meta.label_lower,
        id=obj.pk,
        label=str(obj) if label is None else label,
        url=object_url(obj) if url is None else url,
    )


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    message: str
    object: ObjectRef
    #: The bodies the finding concerns (owner, performer, addressee …), for the per-body view.
    bodies: frozenset[int] = frozenset()

    @property
    def rank(self) -> int:
        return RANK[Severity(self.severity)]

    @property
    def severity_label(self) -> str:
        return str(Severity(self.severity).label)

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "severity": self.severity,
            "object": self.object.as_dict(),
            "message": self.message,
            "bodies": sorted(self.bodies),
        }


@dataclass
class Context:
    """What a rule needs: the day to judge by."""

    today: dt.date

    def finding(
        self,
        rule: Rule,
        obj: models.Model | ObjectRef,
        message: str,
        bodies: Iterable[int | None] = (),
        severity: str | None = None,
    ) -> Finding:
        return Finding(
            code=rule.code,
            severity=severity or rule.severity,
            message=str(message),
            object=obj if isinstance(obj, ObjectRef) else ref(obj),
            bodies=frozenset(b for b in bodies if b),
        )


@dataclass(frozen=True)
class Rule:
    code: str
    title: str | Promise
    severity: str
    check: Callable[[Rule, Context], Iterable[Finding]] = field(compare=False)
    description: str | Promise = ""

    def run(self, ctx: Context) -> list[Finding]:
        return list(self.check(self, ctx))

    @property
    def severity_label(self) -> str:
        return str(Severity(self.severity).label)


_rules: dict[str, Rule] = {}


def rule(code: str, title: str | Promise, severity: str, description: str | Promise = ""):
    """Register a rule: ``@rule("GOV-10", _("Kort rubrik"), Severity.WARNING)``."""

    def register(check: Callable[[Rule, Context], Iterable[Finding]]):
        if code in _rules:
            raise ValueError(f"governance rule {code} is registered twice")
        _rules[code] = Rule(code, title, severity, check, description or (check.__doc__ or ""))
        return check

    return register


def rules() -> list[Rule]:
    """Every registered rule, in code order."""
    contributions("governance_rules")  # imported once at start-up; they register the rules
    return [_rules[code] for code in sorted(_rules)]


def run(
    *,
    today: dt.date | None = None,
    body_ids: Iterable[int] | None = None,
    codes: Iterable[str] | None = None,
) -> list[Finding]:
    """Every finding, graver first, then by code; only those concerning ``body_ids`` if given."""
    ctx = Context(today=today or timezone.localdate())
    wanted = set(codes) if codes is not None else None
    bodies = set(body_ids) if body_ids is not None else None
    findings = []
    for item in rules():
        if wanted is not None and item.code not in wanted:
            continue
        for found in item.run(ctx):
            if bodies is None or found.bodies & bodies:
                findings.append(found)
    findings.sort(key=lambda f: (-f.rank, f.code, f.object.label.casefold()))
    return findings


def worst(findings: Iterable[Finding]) -> int:
    """The rank of the gravest finding, or -1 for none."""
    return max((f.rank for f in findings), default=-1)
