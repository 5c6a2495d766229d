from etablera.accounts.roles import Role
from tests.kolada.factories import KpiFactory
from tests.policy_matrix import ALL, Case

EVERYONE = {role: ALL for role in Role}

CASES = {
    "kolada.view": Case(build=lambda body, unit: KpiFactory(), expect=EVERYONE),
    "kolada.sync": Case(build=lambda body, unit: KpiFactory(), expect={Role.STRATEGIST: ALL}),
    "kolada.group.change": Case(
        build=lambda body, unit: KpiFactory(), expect={Role.STRATEGIST: ALL, Role.ADMIN: ALL}
    ),
}
