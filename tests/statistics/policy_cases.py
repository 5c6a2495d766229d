from etablera.accounts.roles import Role
from tests.policy_matrix import ALL, SCOPED, Case

# A figure covers the participants owned by the units a user may see: the object is a unit.
KPI_ACCESS = {
    Role.ADMIN: ALL,
    Role.STRATEGIST: ALL,
    Role.READER: ALL,
    Role.AUDITOR: ALL,
    Role.COACH: SCOPED,
    Role.REPORTER: SCOPED,
}

CASES = {
    "statistics.kpis.view": Case(build=lambda body, unit: unit, expect=KPI_ACCESS),
    "statistics.kpis.export": Case(build=lambda body, unit: unit, expect=KPI_ACCESS),
}
