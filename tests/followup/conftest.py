"""A small municipality with one period to follow up.

KS has commissioned SN's labour-market unit to run interventions (KS follows the mandate up);
SN follows up an ordinary mandate of its own and owns a goal with an indicator (values for 2025
by gender, a target). Opening 2025H gives KS one entry and SN three: its ordinary mandate, its
account of the commissioned mandate (R7) and its goal.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from etablera.accounts.roles import Role
from etablera.followup import services
from etablera.mandates.models import Origin
from etablera.organisation.models import BodyKind
from tests.factories import BodyFactory, UnitFactory
from tests.followup.factories import PeriodFactory
from tests.goals.factories import (
    GoalFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    TargetFactory,
)
from tests.mandates.factories import DecisionFactory, MandateFactory, PolicyAreaFactory


@pytest.fixture
def world(municipality):
    ks = BodyFactory(
        municipality=municipality,
        kind=BodyKind.EXECUTIVE_BOARD,
        name="Kommunstyrelsen",
        short_name="KS",
    )
    sn = BodyFactory(municipality=municipality, name="Socialnämnden", short_name="SN")
    unit = UnitFactory(body=sn, name="Arbetsmarknadsenheten")
    area = PolicyAreaFactory(name="Arbetsmarknad", code="arbetsmarknad")
    commission = DecisionFactory(body=ks, title="Uppdrag till socialnämnden")
    commissioned = MandateFactory(
        title="Arbetsmarknadsinsatser för nyanlända",
        owner=sn,
        performer_unit=unit,
        origin=Origin.COMMISSIONED_KS,
        commissioned_by=ks,
        decision=commission,
        follow_up_body=ks,
        policy_area=area,
    )
    ordinary = MandateFactory(title="Jobbcentrum", owner=sn, follow_up_body=sn, policy_area=area)
    goal = GoalFactory(title="Fler nyanlända i arbete", owner=sn, policy_area=area)
    goal.mandates.add(commissioned)
    indicator = IndicatorFactory(
        name="Andel som gått till arbete", goals=[goal], gender_breakdown=True
    )
    for gender, value in (("T", "41.5"), ("K", "38.0"), ("M", "45.0")):
        IndicatorValueFactory(indicator=indicator, gender=gender, value=Decimal(value))
    TargetFactory(indicator=indicator, year=2025, value=Decimal("45"))
    period = PeriodFactory(code="2025H")
    services.open_period(period, actor=None)
    approval = DecisionFactory(body=ks, date=dt.date(2026, 3, 18), title="Uppföljning helår")
    return SimpleNamespace(
        municipality=municipality,
        ks=ks,
        sn=sn,
        unit=unit,
        area=area,
        commissioned=commissioned,
        ordinary=ordinary,
        goal=goal,
        indicator=indicator,
        period=period,
        approval=approval,
        ks_report=period.reports.get(body=ks),
        sn_report=period.reports.get(body=sn),
    )


@pytest.fixture
def sn_reporter(make_user, world):
    return make_user(Role.REPORTER, body=world.sn)


@pytest.fixture
def ks_reporter(make_user, world):
    return make_user(Role.REPORTER, body=world.ks)


@pytest.fixture
def strategist(make_user, world):
    return make_user(Role.STRATEGIST, body=world.ks)


@pytest.fixture
def reader(make_user, world):
    return make_user(Role.READER)


def assess_all(report, assessment="met", analysis="Arbetet går enligt plan."):
    services.update_report(
        report,
        {
            e.pk: {"assessment": assessment, "analysis": analysis, "measures": "Fortsätta."}
            for e in report.entries.all()
        },
        actor=None,
    )


def approve(world, report, reporter=None, strategist=None):
    assess_all(report)
    services.submit_report(report, actor=reporter)
    return services.approve_report(report, world.approval, actor=strategist)
