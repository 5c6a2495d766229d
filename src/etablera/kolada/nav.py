from django.utils.translation import gettext_lazy as _

from etablera.web.navigation import NavItem

ITEMS = [NavItem(_("Kolada"), "kolada:overview", "kolada.view", order=45, section="kolada")]
