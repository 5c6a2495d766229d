"""System checks: a server does not start publishing figures with nonsense thresholds."""

from __future__ import annotations

from django.core import checks

from . import disclosure


@checks.register()
def disclosure_thresholds(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    try:
        limits = disclosure.thresholds()
    except disclosure.DisclosureConfigurationError as exc:
        return [checks.Error(str(exc), id="etablera.statistics.E001")]
    messages: list[checks.CheckMessage] = []
    if limits.count < 3:
        messages.append(
            checks.Warning(
                f"ETABLERA_SUPPRESSION_THRESHOLD is {limits.count}: counts that small can "
                "single out a person. Statistics Sweden suppresses counts below 5.",
                id="etablera.statistics.W001",
            )
        )
    return messages
