from django.utils.translation import pgettext_lazy

from .navigation import NavItem

ITEMS = [NavItem(pgettext_lazy("start page", "Start"), "home", "web.home", order=0)]
