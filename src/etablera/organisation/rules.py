"""Access rules for the organisation: public to every role, changed by admins and strategists."""

from etablera.accounts.policy import allow, anchor
from etablera.accounts.roles import ALL_ROLES, Role

from .models import Body, Municipality, Unit

anchor(Body, bodies=[""])
anchor(Unit, units=[""])
anchor(Municipality)

allow("organisation.view", *ALL_ROLES, description="Se kommunens organisation")
allow(
    "organisation.change",
    Role.ADMIN,
    Role.STRATEGIST,
    description="Lägga till och ändra organ och enheter",
)
