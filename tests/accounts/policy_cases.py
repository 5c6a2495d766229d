from etablera.accounts.roles import Role
from tests.policy_matrix import ALL, Case

CASES = {
    "accounts.access_log.view": Case(build=lambda body, unit: None, expect={Role.ADMIN: ALL}),
}
