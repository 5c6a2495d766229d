"""Reads of accounts data."""

from __future__ import annotations

from django.db.models import QuerySet

from . import policy
from .models import AccessLogEntry


def access_log(
    user, *, username="", action="", subject_id="", date_from=None, date_to=None
) -> QuerySet[AccessLogEntry]:
    """Access-log entries the user may search, newest first, filtered."""
    qs = policy.scope(user, "accounts.access_log.view", AccessLogEntry.objects.all())
    if username:
        qs = qs.filter(username__icontains=username)
    if action:
        qs = qs.filter(action=action)
    if subject_id:
        qs = qs.filter(subject_id=subject_id)
    if date_from:
        qs = qs.filter(at__date__gte=date_from)
    if date_to:
        qs = qs.filter(at__date__lte=date_to)
    return qs.order_by("-at", "-pk")
