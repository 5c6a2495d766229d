from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegisterConfig(AppConfig):
    name = "etablera.register"
    label = "register"
    verbose_name = _("Arbetsmarknadsregister")

    def ready(self) -> None:
        from etablera.web.discovery import import_app_module

        import_app_module(self.name, "rules")
        from django.db.models.signals import post_migrate

        from .keycheck import record_after_migrate

        post_migrate.connect(record_after_migrate, sender=self)
