"""Access rules for mandates, decisions and policy areas.

Mandates are not personal data: every role reads the whole register, the matrix and the
decisions. Strategists (the executive office) keep the register: they create and change
mandates, decisions and the list of policy areas.
"""

from etablera.accounts.policy import allow, anchor
from etablera.accounts.roles import ALL_ROLES, Role

from .models import Decision, Mandate, PolicyArea

anchor(
    Mandate,
    bodies=["owner", "performer_body", "follow_up_body"],
    units=["performer_unit"],
)
anchor(Decision, bodies=["body"])
anchor(PolicyArea)

allow("mandates.view", *ALL_ROLES, description="Se uppdragsregistret och ansvarsmatrisen")
allow("mandates.change", Role.STRATEGIST, description="Registrera och ändra uppdrag")
allow("mandates.decision.view", *ALL_ROLES, description="Se beslut")
allow("mandates.decision.change", Role.STRATEGIST, description="Registrera och ändra beslut")
allow("mandates.policyarea.view", *ALL_ROLES, description="Se politikområden")
allow(
    "mandates.policyarea.change",
    Role.STRATEGIST,
    description="Lägga till och ändra politikområden",
)
