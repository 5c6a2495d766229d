from etablera.accounts.roles import Role
from tests.policy_matrix import ALL, Case

CASES = {
    "web.home": Case(build=lambda body, unit: None, expect={role: ALL for role in Role}),
}
