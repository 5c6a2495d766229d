from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "etablera.followup"
    label = "followup"
    verbose_name = _("Uppföljning")

    def ready(self) -> None:
        from etablera.web.discovery import import_app_module

        import_app_module(self.name, "rules")
