from django.utils.translation import gettext_lazy as _

from etablera.web.navigation import NavItem

ITEMS = [
    NavItem(_("Uppdrag"), "mandates:list", "mandates.view", order=20),
    NavItem(_("Ansvarsmatris"), "mandates:matrix", "mandates.view", order=21),
    NavItem(_("Beslut"), "mandates:decision-list", "mandates.decision.view", order=22),
]
