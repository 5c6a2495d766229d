"""The governance check, remembered until something it reads changes.

Every start page of a strategist, reader or auditor shows the check's summary, and the check
reads every mandate, goal, document, audit and report: too much to run on each request. The
findings for a day are kept under a *version* that every save or delete in the apps the check
reads replaces (``post_save``, ``post_delete``, ``m2m_changed``, and the register's own signal
for bulk imports). With a cache shared by the server processes the next request anywhere sees
the change; with a per-process cache the others see it when ``ETABLERA_GOVERNANCE_CACHE_SECONDS``
runs out.
"""

from __future__ import annotations

import datetime as dt
import time

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import translation

from .registry import Finding, run

#: The apps whose data the rules read.
WATCHED_APPS = frozenset(
    {"organisation", "mandates", "goals", "documents", "audits", "followup", "register", "kolada"}
)
VERSION_KEY = "governance:version"


def version() -> int:
    found = cache.get(VERSION_KEY)
    if found is None:
        found = time.time_ns()
        cache.add(VERSION_KEY, found, None)
        found = cache.get(VERSION_KEY, found)
    return found


def forget(**_kwargs) -> None:
    """Something the check reads has changed: the remembered findings no longer hold."""
    cache.set(VERSION_KEY, time.time_ns(), None)


def _watched(sender, **kwargs) -> None:
    meta = getattr(sender, "_meta", None)
    if meta is not None and meta.app_label in WATCHED_APPS:
        forget()


def connect() -> None:
    post_save.connect(_watched, dispatch_uid="governance-cache-save")
    post_delete.connect(_watched, dispatch_uid="governance-cache-delete")
    m2m_changed.connect(_watched, dispatch_uid="governance-cache-m2m")
    try:
        from etablera.register.signals import register_changed
    except ImportError:  # the register app is optional for the check
        return
    register_changed.connect(forget, dispatch_uid="governance-cache-register")


def all_findings(today: dt.date) -> list[Finding]:
    """Every finding of the check on ``today`` (the rules' texts in the active language)."""
    seconds = settings.ETABLERA_GOVERNANCE_CACHE_SECONDS
    if not seconds:
        return run(today=today)
    key = f"governance:findings:{version()}:{today.isoformat()}:{translation.get_language()}"
    found = cache.get(key)
    if found is None:
        found = run(today=today)
        cache.set(key, found, seconds)
    return found
