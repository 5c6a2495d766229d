"""Access rules for steering documents.

Everyone reads documents, versions, distributions and acknowledgements: the steering structure
is open inside the municipality. Strategists write documents and versions and send adopted
versions out; a reporter acknowledges only what was sent to its own body or unit (scoped by the
distribution's recipient).
"""

from etablera.accounts.policy import allow, anchor
from etablera.accounts.roles import ALL_ROLES, Role

from .models import Acknowledgement, Distribution, DocumentVersion, SteeringDocument

anchor(SteeringDocument, bodies=["owner"])
anchor(DocumentVersion, bodies=["document__owner"])
anchor(Distribution, bodies=["body"], units=["unit"])
anchor(Acknowledgement, bodies=["distribution__body"], units=["distribution__unit"])

allow(
    "documents.view",
    *ALL_ROLES,
    description="Läsa styrdokument, versioner, utskick och kvittenser",
)
allow(
    "documents.change",
    Role.STRATEGIST,
    description="Skapa och ändra styrdokument och versioner, anta versioner",
)
allow(
    "documents.distribute",
    Role.STRATEGIST,
    description="Skicka ut antagna versioner för kvittens och ändra sista dag",
)
allow(
    "documents.acknowledge",
    Role.REPORTER,
    scoped=True,
    description="Kvittera styrdokument som skickats till det egna organet eller den egna enheten",
)
