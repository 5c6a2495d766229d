from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class MandatesConfig(AppConfig):
    name = "etablera.mandates"
    label = "mandates"
    verbose_name = pgettext_lazy("plural", "Uppdrag")
