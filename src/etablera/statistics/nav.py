from django.utils.translation import gettext_lazy as _

from etablera.web.navigation import NavItem

ITEMS = [
    NavItem(
        _("Arbetsmarknadsinsatser"),
        "statistics:dashboard",
        "statistics.kpis.view",
        order=70,
        section="statistik",
    )
]
