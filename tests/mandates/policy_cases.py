"""Mandates are not personal data: every role reads them; strategists keep the register."""

from etablera.accounts.roles import Role
from tests.mandates.factories import DecisionFactory, MandateFactory, PolicyAreaFactory
from tests.policy_matrix import ALL, Case

EVERYONE = {role: ALL for role in Role}
STRATEGISTS = {Role.STRATEGIST: ALL}


def _mandate(body, unit):
    return MandateFactory(owner=body, performer_unit=unit, follow_up_body=body)


CASES = {
    "mandates.view": Case(build=_mandate, expect=EVERYONE),
    "mandates.change": Case(build=_mandate, expect=STRATEGISTS),
    "mandates.decision.view": Case(
        build=lambda body, unit: DecisionFactory(body=body), expect=EVERYONE
    ),
    "mandates.decision.change": Case(
        build=lambda body, unit: DecisionFactory(body=body), expect=STRATEGISTS
    ),
    "mandates.policyarea.view": Case(build=lambda body, unit: PolicyAreaFactory(), expect=EVERYONE),
    "mandates.policyarea.change": Case(
        build=lambda body, unit: PolicyAreaFactory(), expect=STRATEGISTS
    ),
}
