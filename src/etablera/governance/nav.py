from django.utils.translation import gettext_lazy as _

from etablera.web.navigation import NavItem

ITEMS = [NavItem(_("Styrningskontroll"), "governance:findings", "governance.view", order=85)]
