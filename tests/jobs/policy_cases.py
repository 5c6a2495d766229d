"""Policy matrix case for jobs: every role may follow jobs (its own, by the rule's condition;
tests/jobs/test_jobs.py proves the owner and administrator conditions)."""

from etablera.accounts.roles import Role
from tests.policy_matrix import ALL, Case

CASES = {"jobs.view": Case(build=lambda body, unit: None, expect={role: ALL for role in Role})}
