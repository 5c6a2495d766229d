from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from etablera.web.navigation import NavItem

ITEMS = [
    NavItem(pgettext_lazy("plural", "Uppdrag"), "mandates:list", "mandates.view", order=20),
    NavItem(_("Ansvarsmatris"), "mandates:matrix", "mandates.view", order=21),
    NavItem(
        pgettext_lazy("plural", "Beslut"),
        "mandates:decision-list",
        "mandates.decision.view",
        order=22,
    ),
]
