from etablera.accounts.roles import Role
from tests.goals.factories import GoalFactory, IndicatorFactory, IndicatorValueFactory
from tests.policy_matrix import ALL, SCOPED, Case

EVERYONE = {role: ALL for role in Role}


def _value_of_goal_owned_by(body):
    return IndicatorValueFactory(indicator=IndicatorFactory(goals=[GoalFactory(owner=body)]))


CASES = {
    "goals.view": Case(build=lambda body, unit: GoalFactory(owner=body), expect=EVERYONE),
    "goals.change": Case(
        build=lambda body, unit: GoalFactory(owner=body), expect={Role.STRATEGIST: ALL}
    ),
    "goals.value.change": Case(
        build=lambda body, unit: _value_of_goal_owned_by(body),
        expect={Role.STRATEGIST: ALL, Role.REPORTER: SCOPED},
    ),
}
