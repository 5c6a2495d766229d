from etablera.accounts.roles import Role
from tests.policy_matrix import ALL, Case

EVERYONE = {role: ALL for role in Role}

CASES = {
    "organisation.view": Case(build=lambda body, unit: body, expect=EVERYONE),
    "organisation.change": Case(
        build=lambda body, unit: body, expect={Role.ADMIN: ALL, Role.STRATEGIST: ALL}
    ),
}
