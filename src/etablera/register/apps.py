from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegisterConfig(AppConfig):
    name = "etablera.register"
    label = "register"
    verbose_name = _("Arbetsmarknadsregister")

    def ready(self) -> None:
        # The data key's check value is recorded once the register's tables exist.
        from django.db.models.signals import post_migrate

        from .keycheck import record_after_migrate

        post_migrate.connect(record_after_migrate, sender=self)

        from . import activity

        activity.connect()
