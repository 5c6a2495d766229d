"""Goals, indicators, targets and indicator values."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GoalsConfig(AppConfig):
    name = "etablera.goals"
    label = "goals"
    verbose_name = _("Mål och indikatorer")

    def ready(self) -> None:
        from etablera.web.discovery import import_app_module

        import_app_module(self.name, "rules")
        # Installs the built-in value sources (manual, kolada) before other apps add theirs.
        import_app_module(self.name, "sources")
