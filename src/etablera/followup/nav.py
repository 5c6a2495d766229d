from django.utils.translation import gettext_lazy as _

from etablera.web.navigation import NavItem

ITEMS = [
    NavItem(
        _("Uppföljning"),
        "followup:period-list",
        "followup.period.view",
        order=50,
        section="uppfoljning",
    )
]
