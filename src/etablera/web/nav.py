from django.utils.translation import gettext_lazy as _

from .navigation import NavItem

ITEMS = [NavItem(_("Start"), "home", "web.home", order=0)]
