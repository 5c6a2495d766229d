from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "etablera.governance"
    label = "governance"
    verbose_name = _("Styrningskontroll")

    def ready(self) -> None:
        from etablera.web.discovery import import_app_module

        import_app_module(self.name, "rules")

        from . import cache

        cache.connect()
