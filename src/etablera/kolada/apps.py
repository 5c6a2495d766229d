"""Kolada key figures: catalogue, synchronisation and comparison."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KoladaConfig(AppConfig):
    name = "etablera.kolada"
    label = "kolada"
    verbose_name = _("Kolada")

    def ready(self) -> None:
        # The start page's comparison is forgotten when what it reads changes.
        from . import home

        home.connect()
