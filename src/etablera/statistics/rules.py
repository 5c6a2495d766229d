"""Access rules for the register KPIs: aggregated figures only, never a person.

Strategists, readers, auditors and administrators see the whole municipality's figures; a coach
sees the figures of the participants owned by their unit (and the units under it), a reporter
those of their body's units. The objects the rules scope are units: a figure covers the
participants owned by the units the user may see (``statistics.selectors.scopes_for``).
Every figure passes disclosure control (``statistics.disclosure``) whoever reads it.
"""

from etablera.accounts.policy import allow
from etablera.accounts.roles import Role

MUNICIPALITY_WIDE = (Role.ADMIN, Role.STRATEGIST, Role.READER, Role.AUDITOR)
UNIT_SCOPED = (Role.COACH, Role.REPORTER)

allow(
    "statistics.kpis.view",
    *MUNICIPALITY_WIDE,
    description="Se nyckeltal för arbetsmarknadsinsatserna i hela kommunen (aggregerade)",
)
allow(
    "statistics.kpis.view",
    *UNIT_SCOPED,
    scoped=True,
    description="Se nyckeltal för den egna enhetens eller det egna organets deltagare",
)
allow(
    "statistics.kpis.export",
    *MUNICIPALITY_WIDE,
    description="Ladda ned nyckeltalstabeller för hela kommunen (CSV, Excel)",
)
allow(
    "statistics.kpis.export",
    *UNIT_SCOPED,
    scoped=True,
    description="Ladda ned nyckeltalstabeller för den egna enheten eller det egna organet",
)
