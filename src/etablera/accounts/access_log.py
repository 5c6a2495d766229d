"""Writing and checking the access log of personal data (see ``AccessLogEntry``)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, models, transaction
from django.utils import timezone

from .models import AccessLogEntry

GENESIS = "0" * 64


@transaction.atomic
def log_access(
    user, action: str, subjects: Iterable[models.Model] | models.Model, detail: str = ""
):
    """Record that ``user`` did ``action`` ("view", "search", "export", "change", …) to subjects.

    Call it in the same transaction as the read or change it records. Never pass identity
    numbers in ``detail``: the log names the object by its id only.
    """
    if isinstance(subjects, models.Model):
        subjects = [subjects]
    if connection.vendor == "postgresql":
        # Appends are serialised so the chain never forks; SQLite serialises writers anyway.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(74657461)")
    last = AccessLogEntry.objects.order_by("-pk").only("hash").first()
    previous = last.hash if last else GENESIS
    entries = []
    now = timezone.now()
    for subject in subjects:
        entry = AccessLogEntry(
            at=now,
            user=user if getattr(user, "pk", None) else None,
            username=getattr(user, "username", "") or "system",
            action=action,
            subject_type=subject._meta.label_lower,
            subject_id=str(subject.pk),
            detail=detail[:255],
            previous_hash=previous,
        )
        entry.hash = entry.compute_hash()
        previous = entry.hash
        entries.append(entry)
    AccessLogEntry.objects.bulk_create(entries)
    return entries


def verify_access_log() -> list[int]:
    """The ids of entries whose hash or link to the previous entry does not hold."""
    broken = []
    previous = GENESIS
    for entry in AccessLogEntry.objects.order_by("pk").iterator(chunk_size=2000):
        if entry.previous_hash != previous or entry.compute_hash() != entry.hash:
            broken.append(entry.pk)
        previous = entry.hash
    return broken
