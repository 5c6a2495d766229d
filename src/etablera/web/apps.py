from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "etablera.web"
    label = "web"
    verbose_name = _("Webbgränssnitt")

    def __init__(self, app_name: str, app_module) -> None:
        super().__init__(app_name, app_module)
        # Before any app's models, forms or serializers are imported (their fields are made
        # when their classes are), so every text field gets the validator.
        from etablera.web import text_input

        text_input.install()

    def ready(self) -> None:
        # Every app's contributions (access rules, navigation, report parts …): see plugins.
        from etablera.web import plugins

        plugins.load()

        from django.db.models.signals import post_migrate

        from etablera.web.planner import after_migrate

        # Once per migrate (every app's post_migrate comes after all migrations have run).
        post_migrate.connect(after_migrate, sender=self)
