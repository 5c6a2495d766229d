from etablera.accounts.roles import Role
from tests.factories import UserFactory
from tests.policy_matrix import ALL, Case

CASES = {
    "accounts.access_log.view": Case(build=lambda body, unit: None, expect={Role.ADMIN: ALL}),
    "accounts.user.view": Case(build=lambda body, unit: UserFactory(), expect={Role.ADMIN: ALL}),
    "accounts.user.change": Case(build=lambda body, unit: UserFactory(), expect={Role.ADMIN: ALL}),
}
