"""The demo register: the audit's structure, with the gaps the governance check should find."""

from __future__ import annotations

import pytest

from etablera.mandates import demo as mandates_demo
from etablera.mandates.models import Mandate, MandateStatus, Origin, PolicyArea
from etablera.organisation import demo as organisation_demo
from etablera.web.demo import DemoContext
from tests.conftest import kept_for_module

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_mandates(django_db_setup, django_db_blocker):
    """The organisation's and the mandates' demo, loaded once for this module."""
    with kept_for_module(django_db_blocker):
        ctx = DemoContext(small=True, log=lambda message: None)
        organisation_demo.load(ctx)
        mandates_demo.load(ctx)
        yield ctx


@pytest.fixture
def loaded(demo_mandates, db):
    return demo_mandates


def test_demo_holds_about_twenty_mandates_in_six_policy_areas(loaded):
    assert 18 <= Mandate.objects.count() <= 25
    assert set(PolicyArea.objects.values_list("name", flat=True)) == {
        "Integration",
        "Arbetsmarknad",
        "Social inkludering",
        "Utbildning",
        "Bostad",
        "Hälsa",
    }


def test_demo_follows_the_audit(loaded):
    coordination = Mandate.objects.get(
        title="Strategisk samordning av kommunens integrationsarbete"
    )
    assert coordination.owner.short_name == "KS" and coordination.level == "strategic"
    labour = Mandate.objects.get(title="Arbetsmarknadsinsatser för nyanlända")
    assert labour.owner.short_name == "SN"
    assert labour.performer_unit.name == "Arbetsmarknadsenheten"
    assert labour.origin == Origin.COMMISSIONED_KS and labour.commissioned_by.short_name == "KS"
    assert labour.decision.reference == "KS 2017-05-17 § 123, dnr KS 2017/245"
    sfi = Mandate.objects.get(title__contains="(SFI)")
    assert sfi.origin == Origin.ORDINARY and sfi.performer_unit.name == "SFI"
    partners = set(
        Mandate.objects.filter(origin=Origin.AGREEMENT).values_list(
            "commissioned_by__short_name", flat=True
        )
    )
    assert {"AF", "SFV"} <= partners


def test_demo_has_exactly_the_deliberate_gaps(loaded):
    active = Mandate.objects.filter(status=MandateStatus.ACTIVE)
    assert [m.title for m in active if m.missing_decision] == [
        "Kommunala extratjänster för nyanlända"
    ]
    assert [m.title for m in active if m.missing_follow_up] == [
        "Kommunala aktivitetsansvaret för unga utanför"
    ]


def test_every_demo_mandate_is_valid(loaded):
    for mandate in Mandate.objects.all():
        mandate.full_clean()


def test_loading_again_adds_nothing(loaded):
    counts = Mandate.objects.count(), PolicyArea.objects.count()
    mandates_demo.load(loaded)
    assert (Mandate.objects.count(), PolicyArea.objects.count()) == counts
