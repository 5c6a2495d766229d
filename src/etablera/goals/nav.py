from django.utils.translation import gettext_lazy as _

from etablera.web.navigation import NavItem

ITEMS = [
    NavItem(_("Mål och indikatorer"), "goals:goal-list", "goals.view", order=40, section="mal")
]
