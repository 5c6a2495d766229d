from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "etablera.web"
    label = "web"
    verbose_name = _("Webbgränssnitt")

    def ready(self) -> None:
        # Every app's contributions (access rules, navigation, report parts …): see plugins.
        from etablera.web import plugins

        plugins.load()
