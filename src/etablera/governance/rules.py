"""Access rules for the governance check.

Strategists (whose tool it is), system administrators and the auditors see every finding; a
reporter sees the findings that concern its own body. A finding concerns the bodies named on
it (owner, performer, addressee …); the per-body scope is asked of the policy as "which bodies
may this user see findings for" (``Body`` is anchored to itself).
"""

from etablera.accounts.policy import allow
from etablera.accounts.roles import Role

allow(
    "governance.view",
    Role.STRATEGIST,
    Role.ADMIN,
    Role.AUDITOR,
    description="Se styrningskontrollens alla avvikelser",
)
allow(
    "governance.view",
    Role.REPORTER,
    scoped=True,
    description="Se styrningskontrollens avvikelser som gäller det egna organet",
)
