"""A participant's latest activity: the order "senaste aktivitet" of the participant list.

Kept as a column (``Participant.last_activity_at``) rather than computed from enrolments and
follow-ups on every request, so that the list walks an index and stops after a page whatever
the size of the register. The services touch it on every change they make; bulk writes (the
import, the generator) are followed through :data:`register_changed`.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from .models import Participant
from .signals import register_changed

#: Ids per UPDATE: well under SQLite's limit of bound variables.
CHUNK = 900


def touch(participant_ids: Iterable[int | None]) -> None:
    """Stamp these participants' latest activity with now."""
    ids = sorted({pk for pk in participant_ids if pk is not None})
    now = timezone.now()
    for start in range(0, len(ids), CHUNK):
        Participant.objects.filter(pk__in=ids[start : start + CHUNK]).update(last_activity_at=now)


def _after_bulk_change(sender, participant_ids=None, **kwargs) -> None:
    # None means a bulk load of the whole register: new rows carry the time of their insert
    # (the column's database default), so there is nothing to stamp.
    if participant_ids:
        touch(participant_ids)


def connect() -> None:
    register_changed.connect(_after_bulk_change, dispatch_uid="register-last-activity")
