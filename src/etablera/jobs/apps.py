from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "etablera.jobs"
    label = "jobs"
    verbose_name = _("Bakgrundsjobb")

    def ready(self) -> None:
        from etablera.web.discovery import etablera_modules, import_app_module

        import_app_module(self.name, "rules")
        # Each app registers the kinds of job it owns in its own ``jobs`` module.
        etablera_modules("jobs")
