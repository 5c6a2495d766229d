"""What a starting server does once: anchor the access log's chain (see accounts.anchors)."""

from __future__ import annotations

import logging

from django.db import DatabaseError

logger = logging.getLogger("etablera.audit")


def anchor_at_start() -> None:
    """Verify since the last verified anchor and write a new anchor; never stop the start.

    A database that is not migrated yet, or an anchor directory that cannot be written, is
    logged: the server still starts, and the system check and the log page show the state.
    """
    from .access_log import anchor

    try:
        _, result = anchor()
    except (DatabaseError, OSError) as exc:
        logger.warning("no access-log anchor written at start: %s", exc)
        return
    if not result.ok:
        logger.error("access log verification failed at start: %s", result.problems[0].message)
