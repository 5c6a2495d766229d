from django.utils.translation import gettext_lazy as _

from etablera.web.navigation import NavItem

ITEMS = [NavItem(_("Organisation"), "organisation:body-list", "organisation.view", order=800)]
