from django.utils.translation import gettext_lazy as _

from etablera.web.navigation import NavItem

ITEMS = [NavItem(_("Granskningar"), "audits:list", "audits.view", order=80)]
