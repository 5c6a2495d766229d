from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "etablera.governance"
    label = "governance"
    verbose_name = _("Styrningskontroll")

    def ready(self) -> None:
        # The governance check's cache is cleared when what it reads changes.
        from . import cache

        cache.connect()
