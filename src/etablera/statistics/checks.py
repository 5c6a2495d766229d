"""System checks: a server does not start publishing figures with protection weakened or off."""

from __future__ import annotations

from django.core import checks

from . import disclosure


@checks.register()
def disclosure_thresholds(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Every protection setting valid (``disclosure.Thresholds``) and the record keys' secret
    set: otherwise nothing may be published, so the server does not start."""
    try:
        limits = disclosure.thresholds()
        disclosure.record_key(1, "participant")
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
    if limits.noise < 2:
        messages.append(
            checks.Warning(
                f"ETABLERA_NOISE_MAX is {limits.noise}: noise of ±1 is easier to average away "
                "across overlapping tables than the default ±2 (see ADR 0007).",
                id="etablera.statistics.W002",
            )
        )
    return messages
