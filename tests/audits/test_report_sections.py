"""Audit actions' status in the consolidated report (and the governance check beside it)."""

from __future__ import annotations

import datetime as dt

from etablera.accounts.policy import Operator
from etablera.accounts.roles import Role
from etablera.audits.report_sections import sections
from tests.audits.factories import (
    ActionFactory,
    AuditFactory,
    FollowUpFactory,
    RecommendationFactory,
)
from tests.factories import BodyFactory
from tests.governance import builders as b


def test_audit_actions_status_section(municipality, make_user):
    ks = BodyFactory(municipality=municipality, short_name="KS")
    audit = AuditFactory(audited_bodies=[ks], title="Granskning av integrationsarbetet")
    late = RecommendationFactory(audit=audit, addressed_to=[ks])
    ActionFactory(recommendation=late, description="Försenad åtgärd", status="ongoing")
    done = RecommendationFactory(audit=audit, addressed_to=[ks])
    ActionFactory(recommendation=done, status="done", completed_on=dt.date(2023, 5, 1))
    FollowUpFactory(recommendation=done, assessment="addressed")
    AuditFactory(
        audited_bodies=[ks],
        title="Senare granskning",
        published_on=dt.date(2030, 1, 1),
        response_deadline=None,
    )
    period = b.period("2026T1")

    [section] = sections(period, Operator("test"))
    overview, overdue = section.tables
    assert [row[0] for row in overview.rows] == ["Granskning av integrationsarbetet (2022-09-30)"]
    row = overview.rows[0]
    assert row[1:5] == [2, 1, 1, 1]  # recommendations, open, overdue, addressed
    assert row[5:7] == [1, 1]  # actions done, ongoing
    assert [r[2] for r in overdue.rows] == ["Försenad åtgärd"]
    assert sections(period, make_user(Role.READER))[0].title == section.title


def test_no_section_without_audits(db):
    assert sections(b.period("2026T1"), Operator("test")) == []


def test_the_consolidated_report_carries_both_sections(municipality, make_user):
    from etablera.followup.consolidated import build

    ks = BodyFactory(municipality=municipality, short_name="KS")
    ActionFactory(recommendation=RecommendationFactory(addressed_to=[ks]), status="ongoing")
    report = build(b.period("2026T1"), make_user(Role.STRATEGIST, body=ks))
    titles = [s.title for s in report.contributed]
    assert "Granskningar: åtgärdernas status" in titles
    assert "Styrningskontroll" in titles
