from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "etablera.accounts"
    label = "accounts"
    verbose_name = _("Användare och behörighet")

    def ready(self) -> None:
        from . import (
            checks,  # noqa: F401  (registers the access log's check)
            trail,  # noqa: F401  (names each service's actor in the change trail)
        )
