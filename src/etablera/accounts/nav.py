from django.utils.translation import gettext_lazy as _

from etablera.web.navigation import NavItem

ITEMS = [
    NavItem(_("Användare"), "accounts:user-list", "accounts.user.view", order=890),
    NavItem(_("Åtkomstlogg"), "accounts:access-log", "accounts.access_log.view", order=900),
]
