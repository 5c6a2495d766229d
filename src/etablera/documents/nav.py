from django.utils.translation import gettext_lazy as _

from etablera.web.navigation import NavItem

ITEMS = [
    NavItem(_("Styrdokument"), "documents:document-list", "documents.view", order=30),
    # Reporters find what their body has yet to acknowledge one click from every page.
    NavItem(_("Att kvittera"), "documents:pending", "documents.acknowledge", order=31),
]
