"""System check: the access log's chain holds (run by every server start and `etablera check`)."""

from __future__ import annotations

import logging

from django.core.checks import Warning, register
from django.db import DatabaseError

logger = logging.getLogger("etablera.audit")


@register("etablera_audit")
def access_log_chain(app_configs=None, **kwargs) -> list[Warning]:
    """Verify what was added since the last verified anchor (bounded time; the command
    ``etablera audit verify`` checks the whole log).

    A break is a warning, not an error: stopping the service would stop the municipality's
    work while the evidence stays where it is. It is logged, kept for the access-log page, and
    ``etablera audit verify`` exits non-zero on it.
    """
    from .access_log import verify

    try:
        result = verify(full=False)
    except DatabaseError:
        return []  # not migrated yet: nothing to verify
    if result.ok:
        return []
    problem = result.problems[0]
    logger.error("access log verification failed: %s", problem.message)
    return [
        Warning(
            f"The access log's chain does not hold: {problem.message}.",
            hint="Run `etablera audit verify` for the whole log; see docs/security.md.",
            id="etablera.W001",
        )
    ]
