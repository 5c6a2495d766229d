from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from etablera.web.navigation import NavItem

ITEMS = [
    NavItem(
        pgettext_lazy("plural", "Deltagare"),
        "register:participant-search",
        "register.participant.view",
        order=60,
        section="register",
    ),
    NavItem(
        _("Insatser"),
        "register:intervention-list",
        "register.intervention.view",
        order=61,
        section="register",
    ),
    NavItem(
        _("Registreringskonflikter"),
        "register:conflicts",
        "register.conflict.resolve",
        order=62,
        section="register",
    ),
]
