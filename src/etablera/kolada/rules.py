"""Access rules for Kolada figures.

Kolada's figures are public statistics about whole municipalities, with no personal data: every
role reads them. Strategists keep the catalogue, start a synchronisation and set the comparison
group (which admins may also set, as they set the municipality's other particulars).
"""

from etablera.accounts.policy import allow, anchor
from etablera.accounts.roles import ALL_ROLES, Role

from .models import Kpi, Value

anchor(Kpi)
anchor(Value)

allow("kolada.view", *ALL_ROLES, description="Se Kolada-nyckeltal och jämförelser")
allow(
    "kolada.sync",
    Role.STRATEGIST,
    description="Hämta värden från Kolada och sköta katalogen över Kolada-nyckeltal",
)
allow(
    "kolada.group.change",
    Role.STRATEGIST,
    Role.ADMIN,
    description="Ändra kommunens jämförelsegrupp",
)
