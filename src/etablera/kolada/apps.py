"""Kolada key figures: catalogue, synchronisation and comparison."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KoladaConfig(AppConfig):
    name = "etablera.kolada"
    label = "kolada"
    verbose_name = _("Kolada")

    def ready(self) -> None:
        from etablera.web.discovery import import_app_module

        import_app_module(self.name, "rules")
        # Replaces the goals app's stored-values provider for indicators sourced from Kolada.
        import_app_module(self.name, "sources")
        # Registers the governance rule about changed or vanished KPIs.
        import_app_module(self.name, "checks")
