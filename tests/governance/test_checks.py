"""Every rule of the governance check: an object that violates it and one that does not;
the registry; and a query count per rule that does not grow with the objects."""

from __future__ import annotations

import datetime as dt

import pytest

from etablera.audits.models import Assessment
from etablera.governance import registry
from etablera.governance.registry import Severity, rule, run
from etablera.mandates.models import Level, MandateStatus, ReportFrequency
from tests.audits.factories import (
    ActionFactory,
    FollowUpFactory,
    RecommendationFactory,
    make_mandate,
    policy_area,
)
from tests.factories import BodyFactory
from tests.governance import builders as b
from tests.governance.builders import TODAY


def found(code: str, **kwargs) -> list[registry.Finding]:
    return run(today=kwargs.pop("today", TODAY), codes=[code], **kwargs)


def labels(code: str) -> set[str]:
    return {f.object.label for f in found(code)}


def test_the_nine_rules_are_registered_with_stable_codes():
    codes = [r.code for r in registry.rules()]
    # GOV-20 is registered by the Kolada app (etablera.kolada.governance_rules).
    assert codes == [*(f"GOV-0{n}" for n in range(1, 10)), "GOV-20"]
    for r in registry.rules():
        assert r.severity in Severity.values
        assert str(r.title)
        assert r.description


def test_adding_a_rule_is_one_decorated_function(db, ks):
    @rule("GOV-99", "Testregel", Severity.INFO)
    def every_body(rule, ctx):
        """Finds every body."""
        from etablera.organisation.models import Body

        for body in Body.objects.all():
            yield ctx.finding(rule, body, f"{body.short_name} finns", bodies=[body.pk])

    try:
        assert [f.message for f in found("GOV-99")] == ["KS finns"]
    finally:
        registry._rules.pop("GOV-99")


def test_a_code_cannot_be_registered_twice():
    with pytest.raises(ValueError):
        rule("GOV-01", "x", Severity.INFO)(lambda rule, ctx: [])


# --- GOV-01 ------------------------------------------------------------------------------------


def test_gov01_mandate_without_follow_up_responsible(ks):
    make_mandate(ks, title="Utan uppföljning", follow_up_body=None, follow_up_role="")
    make_mandate(ks, title="Med uppföljning")
    make_mandate(ks, title="Avslutat", follow_up_body=None, status=MandateStatus.COMPLETED)
    findings = found("GOV-01")
    assert [f.object.label for f in findings] == ["Utan uppföljning"]
    assert findings[0].severity == Severity.WARNING
    assert findings[0].message == "Uppdraget ”Utan uppföljning” har ingen uppföljningsansvarig."
    assert findings[0].object.url.startswith("/uppdrag/")
    assert ks.pk in findings[0].bodies


# --- GOV-02 ------------------------------------------------------------------------------------


def test_gov02_commissioned_mandate_without_decision(ks, sn):
    b.commissioned(sn, ks, with_decision=False, title="Utan beslut")
    b.commissioned(sn, ks, title="Med beslut")
    make_mandate(sn, title="Ordinarie")
    findings = found("GOV-02")
    assert [f.object.label for f in findings] == ["Utan beslut"]
    assert findings[0].severity == Severity.ERROR
    assert "beställt av KS men saknar beslut" in findings[0].message
    assert {ks.pk, sn.pk} <= findings[0].bodies


# --- GOV-03 ------------------------------------------------------------------------------------


def test_gov03_commissioned_mandate_without_report_entry_in_last_closed_period(ks, sn):
    closed = b.period("2026T1", status="closed")
    b.period("2026T2", status="open", start=dt.date(2026, 5, 1), end=dt.date(2026, 8, 31))
    reported = b.commissioned(sn, ks, title="Återrapporterat")
    draft_only = b.commissioned(sn, ks, title="Bara i utkast")
    b.commissioned(sn, ks, title="Ingen post")
    b.commissioned(sn, ks, title="Helårsuppdrag", report_frequency=ReportFrequency.ANNUAL)
    b.commissioned(sn, ks, title="Startar senare", start=dt.date(2026, 6, 1))
    b.entry(b.report(closed, sn, status="submitted"), mandate=reported)
    b.entry(b.report(closed, ks, status="draft"), mandate=draft_only)
    assert labels("GOV-03") == {"Bara i utkast", "Ingen post"}
    assert "senast stängda perioden 2026T1" in found("GOV-03")[0].message


def test_gov03_finds_nothing_before_any_period_is_closed(ks, sn):
    b.period("2026T1", status="open")
    b.commissioned(sn, ks, title="Ingen post")
    assert found("GOV-03") == []


def test_gov03_an_annual_mandate_is_judged_by_the_last_annual_period(ks, sn):
    annual = b.period("2025H", kind="annual", start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
    b.period("2026T1", status="closed")
    yearly = b.commissioned(sn, ks, title="Helårsuppdrag", report_frequency=ReportFrequency.ANNUAL)
    assert labels("GOV-03") == {"Helårsuppdrag"}
    b.entry(b.report(annual, sn, status="submitted"), mandate=yearly)
    assert labels("GOV-03") == set()


# --- GOV-04 ------------------------------------------------------------------------------------


def test_gov04_goal_without_owner_or_indicator(ks):
    b.goal(None, title="Utan ägare")
    b.goal(ks, with_indicator=False, title="Utan indikator")
    b.goal(ks, title="Komplett")
    b.goal(None, title="Upphört", valid_to=dt.date(2025, 12, 31))
    findings = {(f.object.label, f.severity) for f in found("GOV-04")}
    assert findings == {("Utan ägare", "warning"), ("Utan indikator", "info")}


# --- GOV-05 ------------------------------------------------------------------------------------


def test_gov05_policy_area_with_operational_mandates_but_no_strategic_owner(ks, sn):
    housing, labour = policy_area("bostad"), policy_area("arbetsmarknad")
    make_mandate(sn, title="Bostäder", level=Level.OPERATIONAL, policy_area=housing)
    make_mandate(sn, title="Praktik", level=Level.OPERATIONAL, policy_area=labour)
    make_mandate(ks, title="Samordning", level=Level.STRATEGIC, policy_area=labour)
    make_mandate(
        ks,
        title="Gammal strategi",
        level=Level.STRATEGIC,
        policy_area=housing,
        status=MandateStatus.CANCELLED,
    )
    findings = found("GOV-05")
    assert [f.object.label for f in findings] == ["Bostad"]
    assert findings[0].bodies == {sn.pk}


# --- GOV-06 ------------------------------------------------------------------------------------


def test_gov06_document_past_its_review_date(ks):
    b.document(ks, title="Gammal plattform", review_by=TODAY - dt.timedelta(days=1))
    b.document(ks, title="Aktuell plattform", review_by=TODAY)
    findings = found("GOV-06")
    assert [f.object.label for f in findings] == ["Gammal plattform"]
    assert "skulle ha reviderats senast" in findings[0].message


def test_gov06_version_not_acknowledged_by_its_deadline(ks, sn, municipality):
    doc = b.document(ks, title="Plattform för integrationssamverkan")
    version = b.adopted_version(doc)
    bun = BodyFactory(municipality=municipality, short_name="BUN", name="Barn- och utbildning")
    gvn = BodyFactory(municipality=municipality, short_name="GVN", name="Gymnasienämnden")
    b.distribution(version, sn, deadline=TODAY - dt.timedelta(days=1))
    b.distribution(version, bun, deadline=TODAY - dt.timedelta(days=1), acknowledged=True)
    b.distribution(version, gvn, deadline=TODAY + dt.timedelta(days=10))
    old = b.adopted_version(b.document(ks, title="Gammal"), status="superseded")
    b.distribution(old, sn, deadline=TODAY - dt.timedelta(days=100))
    findings = found("GOV-06")
    assert len(findings) == 1
    assert findings[0].message.startswith("Socialnämnden har inte kvitterat")
    assert {sn.pk, ks.pk} <= findings[0].bodies


# --- GOV-07 ------------------------------------------------------------------------------------


def test_gov07_recommendation_without_action(ks):
    bare = RecommendationFactory(addressed_to=[ks], text="Utan åtgärd")
    RecommendationFactory(addressed_to=[ks], text="Med åtgärd")
    ActionFactory(
        recommendation=RecommendationFactory(addressed_to=[ks], text="Har åtgärd"),
        due_date=TODAY + dt.timedelta(days=30),
    )
    settled = RecommendationFactory(addressed_to=[ks], text="Åtgärdad enligt revisorerna")
    FollowUpFactory(recommendation=settled, assessment=Assessment.ADDRESSED)
    messages = [f.message for f in found("GOV-07")]
    assert any(bare.label in m and "har ingen åtgärd" in m for m in messages)
    assert not any("Har åtgärd" in f.object.label for f in found("GOV-07"))
    assert not any(settled.label in f.object.label for f in found("GOV-07"))


def test_gov07_action_past_due_and_not_done(ks, sn):
    rec = RecommendationFactory(addressed_to=[ks])
    ActionFactory(recommendation=rec, description="Försenad", responsible_body=sn, status="ongoing")
    ActionFactory(recommendation=rec, description="Klar", status="done")
    ActionFactory(recommendation=rec, description="Avbruten", status="dropped")
    ActionFactory(recommendation=rec, description="I tid", due_date=TODAY + dt.timedelta(days=1))
    findings = found("GOV-07")
    assert [f.object.label for f in findings] == ["Försenad"]
    assert "skulle ha varit klar 2023-06-30" in findings[0].message
    assert findings[0].bodies == {ks.pk, sn.pk}
    assert findings[0].object.url.endswith(f"#action-{rec.actions.get(description='Försenad').pk}")


# --- GOV-08 ------------------------------------------------------------------------------------


def test_gov08_intervention_without_commissioning_mandate(ks, sn):
    mandate = b.commissioned(sn, ks)
    bare = b.intervention(sn, name="Utan uppdrag")
    b.intervention(sn, mandate=mandate, name="Med uppdrag")
    b.intervention(sn, name="Avslutad", end=TODAY - dt.timedelta(days=1))
    findings = found("GOV-08")
    assert [f.object.label for f in findings] == ["Utan uppdrag"]
    assert findings[0].severity == Severity.ERROR
    assert findings[0].bodies == {sn.pk}
    assert findings[0].object.url == f"/register/insatser/{bare.pk}/"


# --- GOV-09 ------------------------------------------------------------------------------------


def test_gov09_report_not_submitted_by_the_deadline(ks, sn, municipality):
    past = b.period("2026T1", status="closed")  # deadline 2026-05-15
    current = b.period("2026T2", status="open", start=dt.date(2026, 5, 1), end=dt.date(2026, 8, 31))
    bun = BodyFactory(municipality=municipality, short_name="BUN")
    b.report(past, sn, status="draft")
    b.report(past, bun, status="returned")
    b.report(past, ks, status="submitted")
    b.report(current, sn, status="draft")
    findings = found("GOV-09")
    assert sorted(f.object.label for f in findings) == ["BUN 2026T1", "SN 2026T1"]
    assert "sista dag 2026-05-15" in findings[0].message


# --- filtering and cost ------------------------------------------------------------------------


def test_findings_are_filtered_by_body(ks, sn):
    make_mandate(ks, title="KS utan uppföljning", follow_up_body=None)
    make_mandate(sn, title="SN utan uppföljning", follow_up_body=None)
    for_sn = run(today=TODAY, body_ids=[sn.pk], codes=["GOV-01"])
    assert [f.object.label for f in for_sn] == ["SN utan uppföljning"]


def test_findings_are_sorted_gravest_first(ks, sn):
    make_mandate(ks, title="Utan uppföljning", follow_up_body=None)
    b.commissioned(sn, ks, with_decision=False, title="Utan beslut")
    severities = [f.severity for f in run(today=TODAY)]
    assert severities.index("error") < severities.index("warning")


def _violations(ks, sn, n: int, tag: str) -> None:
    area = policy_area(f"omr-{tag}")
    closed = b.period(f"20{10 + len(tag)}T1", status="closed") if tag == "a" else None
    for i in range(n):
        make_mandate(ks, title=f"{tag}{i}", follow_up_body=None)
        b.commissioned(sn, ks, with_decision=False, title=f"{tag}c{i}")
        make_mandate(sn, title=f"{tag}o{i}", level=Level.OPERATIONAL, policy_area=area)
        b.goal(None, with_indicator=False, title=f"{tag}g{i}")
        doc = b.document(ks, title=f"{tag}d{i}", review_by=TODAY - dt.timedelta(days=1))
        b.distribution(b.adopted_version(doc), sn, deadline=TODAY - dt.timedelta(days=1))
        rec = RecommendationFactory(addressed_to=[ks])
        RecommendationFactory(addressed_to=[ks, sn])
        ActionFactory(recommendation=rec, responsible_body=sn)
        b.intervention(sn, name=f"{tag}i{i}")
        period = closed or b.period(
            f"19{i:02d}{tag.upper()}T1",
            start=dt.date(1900 + i, 1, 1),
            end=dt.date(1900 + i, 4, 30),
            status="open",
        )
        b.report(period, BodyFactory(municipality=ks.municipality), status="draft")


@pytest.mark.parametrize("code", [f"GOV-0{n}" for n in range(1, 10)])
def test_each_rule_reads_in_a_fixed_number_of_queries(ks, sn, code, django_assert_max_num_queries):
    _violations(ks, sn, 1, "a")
    with django_assert_max_num_queries(6) as few:
        assert found(code)
    _violations(ks, sn, 8, "b")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(found(code)) > 1
