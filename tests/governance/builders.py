"""Objects of the apps the governance rules read, built plainly (no forms, no services)."""

from __future__ import annotations

import datetime as dt

from etablera.documents.models import (
    Acknowledgement,
    Distribution,
    DocumentVersion,
    SteeringDocument,
)
from etablera.followup.models import Period, Report, ReportEntry
from etablera.goals.models import Goal, Indicator
from etablera.mandates.models import Decision, Level, Origin, ReportFrequency
from etablera.register.models import Intervention
from tests.audits.factories import make_mandate, policy_area
from tests.factories import UnitFactory, UserFactory

TODAY = dt.date(2026, 6, 15)


def decision(body, title="Beslut") -> Decision:
    return Decision.objects.create(body=body, date=dt.date(2017, 5, 17), title=title)


def commissioned(performer, commissioner, *, with_decision=True, **fields) -> object:
    values = {
        "title": "Arbetsmarknadsinsatser för nyanlända",
        "level": Level.OPERATIONAL,
        "origin": Origin.COMMISSIONED_KS,
        "commissioned_by": commissioner,
        "decision": decision(commissioner) if with_decision else None,
        "report_frequency": ReportFrequency.TERTIAL,
    }
    values.update(fields)
    return make_mandate(performer, **values)


def period(code="2026T1", *, status="closed", kind="tertial", start=None, end=None, deadline=None):
    start = start or dt.date(2026, 1, 1)
    end = end or dt.date(2026, 4, 30)
    return Period.objects.create(
        code=code,
        name=code,
        kind=kind,
        start=start,
        end=end,
        deadline=deadline or end + dt.timedelta(days=15),
        status=status,
    )


def report(period, body, status="draft") -> Report:
    return Report.objects.create(period=period, body=body, status=status)


def entry(report, mandate=None, goal=None) -> ReportEntry:
    return ReportEntry.objects.create(report=report, mandate=mandate, goal=goal)


def goal(owner=None, *, with_indicator=True, **fields) -> Goal:
    values = {
        "title": "Fler nyanlända i arbete",
        "level": "council",
        "owner": owner,
        "policy_area": policy_area(),
        "valid_from": dt.date(2024, 1, 1),
    }
    values.update(fields)
    g = Goal.objects.create(**values)
    if with_indicator:
        indicator = Indicator.objects.create(name=f"Andel i arbete {g.pk}", unit="percent")
        indicator.goals.add(g)
    return g


def document(
    owner, *, review_by=TODAY + dt.timedelta(days=100), title="Plattform"
) -> SteeringDocument:
    return SteeringDocument.objects.create(
        kind="platform", title=title, owner=owner, review_by=review_by
    )


def adopted_version(doc, number=1, status="adopted") -> DocumentVersion:
    return DocumentVersion.objects.create(
        document=doc,
        number=number,
        status=status,
        text="# Plattform",
        decision=decision(doc.owner, title=f"Antagande {doc.title} {number}"),
        adopted_on=dt.date(2025, 1, 1),
    )


def distribution(version, body, *, deadline, acknowledged=False) -> Distribution:
    d = Distribution.objects.create(
        version=version, body=body, deadline=deadline, sent_on=deadline - dt.timedelta(days=30)
    )
    if acknowledged:
        Acknowledgement.objects.create(
            distribution=d, acknowledged_by=UserFactory(), text="Vi tillämpar den."
        )
    return d


def intervention(body, *, mandate=None, end=None, name="Språkpraktik") -> Intervention:
    return Intervention.objects.create(
        name=name,
        category="language_internship",
        provider_unit=UnitFactory(body=body),
        commissioning_mandate=mandate,
        start=dt.date(2024, 1, 1),
        end=end,
    )
