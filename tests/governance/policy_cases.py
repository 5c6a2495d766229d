from etablera.accounts.roles import Role
from tests.policy_matrix import ALL, SCOPED, Case

CASES = {
    # The object is the body whose findings are shown (``Body`` is anchored to itself).
    "governance.view": Case(
        build=lambda body, unit: body,
        expect={
            Role.STRATEGIST: ALL,
            Role.ADMIN: ALL,
            Role.AUDITOR: ALL,
            Role.REPORTER: SCOPED,
        },
    ),
}
