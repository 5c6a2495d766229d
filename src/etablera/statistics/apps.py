from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatisticsConfig(AppConfig):
    name = "etablera.statistics"
    label = "statistics"
    verbose_name = _("Statistik")

    def ready(self) -> None:
        # The configuration checks of the disclosure thresholds (Django's system checks).
        # The KPI engine's facts follow every change of the register.
        # The worker keeps the month's dashboard figures before anyone asks (ahead).
        from . import (
            ahead,  # noqa: F401
            checks,  # noqa: F401
            closing,
            facts,
        )

        facts.connect()
        # A closed follow-up period's figures are kept as they were when it closed.
        closing.connect()
