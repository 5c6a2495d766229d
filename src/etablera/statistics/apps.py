from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatisticsConfig(AppConfig):
    name = "etablera.statistics"
    label = "statistics"
    verbose_name = _("Statistik")

    def ready(self) -> None:
        from etablera.web.discovery import import_app_module

        import_app_module(self.name, "rules")
        # The configuration checks of the disclosure thresholds, and the value source that
        # gives indicators with source "register" their values from the KPI engine.
        import_app_module(self.name, "checks")
        import_app_module(self.name, "sources")
        # The KPI engine's facts follow every change of the register.
        from . import closing, facts

        facts.connect()
        # A closed follow-up period's figures are kept as they were when it closed.
        closing.connect()
