"""The demo holds the seed audit itself, linked to the demo's mandates and platform."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from etablera.audits.models import Audit, AuditorFollowUp, EvidenceLink, Response


@pytest.fixture
def demo(small_demo, db):
    """The small demo, loaded once for this module (``tests/conftest.py``)."""


def test_the_seed_audit_is_in_the_demo_with_actions_evidence_and_follow_up(demo):
    audit = Audit.objects.get()
    assert audit.auditor_firm == "KPMG"
    assert audit.response_deadline == dt.date(2022, 11, 25)
    assert "styrning, samordning och uppföljning" in audit.purpose
    assert audit.overall_assessment.startswith("Vår samlade bedömning")
    assert [b.short_name for b in audit.audited_bodies.all()] == ["KS"]
    assert [q.verdict for q in audit.questions.all()] == ["not_met", "not_met"]
    recs = list(audit.recommendations.order_by("number"))
    assert len(recs) == 7
    assert all([b.short_name for b in r.addressed_to.all()] == ["KS"] for r in recs)
    assert recs[1].text.startswith("Följa upp, uppdatera och kommunicera plattformen")
    assert Response.objects.filter(audit=audit, body__short_name="KS").exists()

    # Actions, some done and some overdue, linked to the demo's mandates and platform.
    actions = [a for r in audit.recommendations.all() for a in r.actions.all()]
    statuses = {a.status for a in actions}
    assert "done" in statuses
    assert any(a.is_overdue(dt.date.today()) for a in actions)
    targets = {link.target_type for link in EvidenceLink.objects.all()}
    assert "mandates.mandate" in targets
    assert "documents.documentversion" in targets
    follow_ups = AuditorFollowUp.objects.filter(recommendation__audit=audit)
    assert follow_ups.count() == 7
    assert {f.date for f in follow_ups} == {dt.date(2023, 11, 24)}

    # The people who signed the report are named nowhere in the data.
    texts = [audit.title, audit.purpose, audit.overall_assessment, audit.commissioned_by]
    texts += [r.text for r in audit.responses.all()]
    text = " ".join(texts)
    for name in ("Boström", "Thomas", "Torsten", "narsson"):
        assert name not in text

    # Loading the demo again adds nothing.
    call_command("loaddemo", small=True, quiet_users=True, stdout=io.StringIO())
    assert Audit.objects.count() == 1
