"""The register's filters and sorting, the matrix's semantics, and the readable history."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from auditlog.context import set_actor

from etablera.accounts import policy
from etablera.accounts.policy import Operator
from etablera.accounts.roles import Role
from etablera.mandates import selectors, services
from etablera.mandates.models import Level, MandateStatus, Origin
from etablera.organisation.models import BodyKind
from tests.factories import OPERATOR, BodyFactory, UnitFactory, user_with_role
from tests.goals.factories import GoalFactory
from tests.mandates.factories import DecisionFactory, MandateFactory, PolicyAreaFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(db):
    return user_with_role(Role.READER)


@pytest.fixture
def world(municipality):
    """KS commissions SN's labour-market unit; GVN runs SFI; one mandate has no follow-up."""
    ks = BodyFactory(
        municipality=municipality,
        kind=BodyKind.EXECUTIVE_BOARD,
        name="Kommunstyrelsen",
        short_name="KS",
    )
    sn = BodyFactory(municipality=municipality, name="Socialnämnden", short_name="SN")
    gvn = BodyFactory(municipality=municipality, name="Gymnasie- och vuxenutb.", short_name="GVN")
    ame = UnitFactory(body=sn, name="Arbetsmarknadsenheten")
    sfi = UnitFactory(body=gvn, name="SFI")
    integration = PolicyAreaFactory(name="Integration", order=1)
    labour = PolicyAreaFactory(name="Arbetsmarknad", order=2)
    education = PolicyAreaFactory(name="Utbildning", order=3)
    decision = DecisionFactory(body=ks, case_number="KS 2017/245")
    coordination = MandateFactory(
        title="Strategisk samordning av integration",
        policy_area=integration,
        owner=ks,
        level=Level.STRATEGIC,
    )
    interventions = MandateFactory(
        title="Insatser för nyanlända",
        policy_area=labour,
        owner=sn,
        performer_unit=ame,
        origin=Origin.COMMISSIONED_KS,
        commissioned_by=ks,
        decision=decision,
        follow_up_body=ks,
        follow_up_role="Integrationsstrateg",
    )
    extra = MandateFactory(
        title="Extratjänster",
        policy_area=labour,
        owner=sn,
        performer_unit=ame,
        origin=Origin.COMMISSIONED_KS,
        commissioned_by=ks,
        start=dt.date(2024, 1, 1),
    )
    sfi_mandate = MandateFactory(
        title="SFI", policy_area=education, owner=gvn, performer_unit=sfi, follow_up_body=None
    )
    agreement = MandateFactory(
        title="Överenskommelse om nyanlända",
        policy_area=labour,
        owner=ks,
        performer_unit=ame,
        origin=Origin.AGREEMENT,
        commissioned_by=BodyFactory(
            municipality=municipality, kind=BodyKind.EXTERNAL_PARTNER, short_name="AF"
        ),
        decision=DecisionFactory(body=ks),
        status=MandateStatus.COMPLETED,
    )
    return SimpleNamespace(**locals())


def titles(qs) -> list[str]:
    return [m.title for m in qs]


def test_filters(world, reader):
    w = world
    assert set(titles(selectors.mandates(reader, owner=w.sn))) == {
        "Insatser för nyanlända",
        "Extratjänster",
    }
    # A body performs what its units perform.
    assert set(titles(selectors.mandates(reader, performer=w.sn))) == {
        "Insatser för nyanlända",
        "Extratjänster",
        "Överenskommelse om nyanlända",
    }
    assert titles(selectors.mandates(reader, level=Level.STRATEGIC)) == [w.coordination.title]
    assert set(titles(selectors.mandates(reader, origin="commissioned"))) == {
        "Insatser för nyanlända",
        "Extratjänster",
        "Överenskommelse om nyanlända",
    }
    assert titles(selectors.mandates(reader, origin=Origin.AGREEMENT)) == [w.agreement.title]
    assert titles(selectors.mandates(reader, policy_area=w.education)) == ["SFI"]
    assert titles(selectors.mandates(reader, status=MandateStatus.COMPLETED)) == [w.agreement.title]


def test_free_text_needs_every_word_and_searches_related_names(world, reader):
    assert titles(selectors.mandates(reader, q="nyanlända insatser")) == ["Insatser för nyanlända"]
    assert titles(selectors.mandates(reader, q="2017/245")) == ["Insatser för nyanlända"]
    assert set(titles(selectors.mandates(reader, q="arbetsmarknadsenheten"))) == {
        "Insatser för nyanlända",
        "Extratjänster",
        "Överenskommelse om nyanlända",
    }
    assert titles(selectors.mandates(reader, q="integrationsstrateg")) == ["Insatser för nyanlända"]


def test_gap_filters(world, reader):
    assert titles(selectors.mandates(reader, gap="decision")) == ["Extratjänster"]
    assert titles(selectors.mandates(reader, gap="follow_up")) == ["SFI"]
    assert set(titles(selectors.mandates(reader, gap="any"))) == {"Extratjänster", "SFI"}
    assert selectors.gap_counts(reader) == {
        "total": 4,
        "missing_decision": 1,
        "missing_follow_up": 1,
    }


def test_sorting(world, reader):
    by_title = titles(selectors.mandates(reader, sort="title"))
    assert by_title == sorted(by_title)
    assert titles(selectors.mandates(reader, sort="-title")) == list(reversed(by_title))
    by_area = titles(selectors.mandates(reader))
    assert by_area[0] == world.coordination.title and by_area[-1] == "SFI"
    owners = [m.owner.short_name for m in selectors.mandates(reader, sort="owner")]
    assert owners[:2] == ["KS", "KS"]
    starts = [m.start for m in selectors.mandates(reader, sort="-start")]
    assert starts[0] == dt.date(2024, 1, 1)  # empty dates last, either way
    # An unknown sort key falls back to the default instead of failing.
    assert titles(selectors.mandates(reader, sort="password")) == by_area


def test_matrix_counts_a_mandate_under_its_owner_and_its_performers_body(world, reader):
    matrix = selectors.matrix(reader)
    # The executive board first, then committees by name; nobody without a mandate in view.
    assert [b.short_name for b in matrix.columns] == ["KS", "GVN", "SN"]
    col = {b.short_name: i for i, b in enumerate(matrix.columns)}
    rows = {r.area.name: r for r in matrix.rows}
    labour = rows["Arbetsmarknad"]
    sn_cell = labour.cells[col["SN"]]
    assert {e.mandate.title: e.roles for e in sn_cell} == {
        "Insatser för nyanlända": ["owner", "performer"],
        "Extratjänster": ["owner", "performer"],
    }
    assert sn_cell[0].role_label == "Ägare och utförare genom Arbetsmarknadsenheten"
    # The completed agreement is not in the default (active) matrix.
    assert labour.cells[col["KS"]] == []
    everything = selectors.matrix(reader, status="")
    col = {b.short_name: i for i, b in enumerate(everything.columns)}
    labour = {r.area.name: r for r in everything.rows}["Arbetsmarknad"]
    assert [(e.mandate.title, e.roles) for e in labour.cells[col["KS"]]] == [
        ("Överenskommelse om nyanlända", ["owner"])
    ]
    assert ("Överenskommelse om nyanlända", ["performer"]) in [
        (e.mandate.title, e.roles) for e in labour.cells[col["SN"]]
    ]
    assert {m.title for m in everything.missing_decision} == {"Extratjänster"}
    assert {m.title for m in everything.missing_follow_up} == {"SFI"}


def test_matrix_rows_are_active_areas_and_columns_may_include_every_body(world, reader):
    w = world
    empty = PolicyAreaFactory(name="Hälsa", order=9)
    PolicyAreaFactory(name="Nedlagt", order=10, is_active=False)
    matrix = selectors.matrix(reader)
    assert [r.area.name for r in matrix.rows] == [
        "Integration",
        "Arbetsmarknad",
        "Utbildning",
        "Hälsa",
    ]
    assert all(cell == [] for cell in matrix.rows[-1].cells)
    assert w.agreement.commissioned_by not in matrix.columns  # a partner with nothing to do
    quiet = BodyFactory(municipality=w.municipality, name="Kultur- och fritidsnämnden")
    assert quiet not in matrix.columns
    wide = selectors.matrix(reader, all_bodies=True)
    assert quiet in wide.columns
    assert w.agreement.commissioned_by not in wide.columns  # partners only when they act
    assert empty.pk in {r.area.pk for r in wide.rows}


def test_matrix_filters_by_level_and_origin(world, reader):
    strategic = selectors.matrix(reader, level=Level.STRATEGIC)
    assert [m.title for m in strategic.mandates] == [world.coordination.title]
    commissioned = selectors.matrix(reader, origin="commissioned")
    assert {m.title for m in commissioned.mandates} == {"Insatser för nyanlända", "Extratjänster"}


def test_history_is_readable_swedish(world, body):
    user = user_with_role(Role.STRATEGIST, body=world.ks)
    mandate = world.extra
    with set_actor(user):
        services.update_mandate(
            mandate,
            actor=OPERATOR,
            title="Kommunala extratjänster",
            level=Level.STRATEGIC,
            decision=world.decision,
            end=dt.date(2026, 12, 31),
        )
    entries = selectors.history(mandate)
    latest = entries[0]
    assert latest.actor == str(user) and latest.action == "Ändrades" and not latest.created
    changes = {c.field: (c.old, c.new) for c in latest.changes}
    assert changes["Rubrik"] == ("Extratjänster", "Kommunala extratjänster")
    assert changes["Nivå"] == ("Operativt", "Strategiskt")
    assert changes["Beslut"] == ("–", world.decision.reference)
    assert changes["Slutdatum"] == ("–", "2026-12-31")
    assert entries[-1].created and entries[-1].actor == "Systemet"


def test_history_costs_the_same_however_long(world, django_assert_max_num_queries):
    mandate = world.extra
    services.update_mandate(mandate, actor=OPERATOR, decision=world.decision)
    with django_assert_max_num_queries(10) as few:
        selectors.history(mandate)
    few_count = len(few.captured_queries)
    for i in range(10):
        services.update_mandate(
            mandate,
            actor=OPERATOR,
            title=f"Titel {i}",
            follow_up_body=world.ks if i % 2 else world.sn,
        )
    with django_assert_max_num_queries(few_count):
        assert len(selectors.history(mandate)) == 12


def test_linked_objects_work_without_the_relations_and_deny_undeclared_actions(world, monkeypatch):
    operator = Operator("test")
    assert selectors.linked(SimpleNamespace(), operator) == selectors.Linked()

    mandate = MandateFactory(owner=world.ks)
    GoalFactory().mandates.add(mandate)
    assert len(selectors.linked(mandate, operator).goals) == 1
    monkeypatch.delitem(policy._registry.clauses, "goals.view")
    assert selectors.linked(mandate, operator).goals == []


def test_performer_choices_are_grouped_with_unit_paths(world):
    parent = world.ame
    UnitFactory(body=world.sn, parent=parent, name="Jobbcentrum")
    choices = selectors.performer_choices(world.municipality)
    groups = dict(choices[1:])
    assert (f"body:{world.sn.pk}", "Socialnämnden (SN)") in groups["Organ"]
    sn_units = [label for _, label in groups["Enheter under Socialnämnden"]]
    assert sn_units == ["Arbetsmarknadsenheten", "Arbetsmarknadsenheten › Jobbcentrum"]
