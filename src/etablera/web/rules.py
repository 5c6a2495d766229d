"""Access rules for the pages every signed-in user has."""

from etablera.accounts.policy import allow
from etablera.accounts.roles import ALL_ROLES

allow("web.home", *ALL_ROLES, description="Startsidan")
