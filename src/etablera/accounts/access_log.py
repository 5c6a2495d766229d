"""Writing and verifying the access log of personal data (see ``AccessLogEntry``).

The log is a chain: entry *n* carries ``seq = n``, the MAC of entry *n − 1* and its own MAC,
HMAC-SHA256 under ``ETABLERA_AUDIT_KEY`` of both and of its content. Anchors written outside the
database (``accounts.anchors``) record the chain's length and head at a moment, so removal of
the newest entries — which leaves a shorter but intact chain — is found too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection, models, transaction
from django.utils import timezone

from . import anchors
from .models import AccessLogEntry, AuditVerification

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
    last = AccessLogEntry.objects.order_by("-seq").only("seq", "mac").first()
    previous, seq = (last.mac, last.seq) if last else (GENESIS, 0)
    entries = []
    now = timezone.now()
    for subject in subjects:
        seq += 1
        entry = AccessLogEntry(
            at=now,
            user=user if getattr(user, "pk", None) else None,
            username=getattr(user, "username", "") or "system",
            action=action,
            subject_type=subject._meta.label_lower,
            subject_id=str(subject.pk),
            detail=detail[:255],
            seq=seq,
            previous_mac=previous,
        )
        entry.mac = entry.compute_mac()
        previous = entry.mac
        entries.append(entry)
    AccessLogEntry.objects.bulk_create(entries)
    return entries


#: Kinds of break, in the words of ``etablera audit verify``.
ALTERED, INSERTED, REMOVED, ANCHOR = "altered", "inserted", "removed", "anchor"


@dataclass
class Problem:
    kind: str
    seq: int | None
    message: str


@dataclass
class Verification:
    """What one pass over the chain found. ``problems`` holds the first break only."""

    full: bool
    checked: int = 0
    first_seq: int = 0
    through_seq: int = 0
    head: str = GENESIS
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(*, full: bool = True, record: bool = True) -> Verification:
    """Check the chain against the key and the anchors; report the first altered, inserted or
    removed entry.

    ``full=False`` starts at the newest anchor that was written after a successful
    verification (so the check at server start takes time in proportion to what was added since),
    and still compares every later anchor with the chain. ``record`` keeps the outcome for the
    access-log page.
    """
    result = Verification(full=full)
    try:
        known = anchors.read()
    except anchors.AnchorError as exc:
        result.problems.append(Problem(ANCHOR, None, str(exc)))
        known = []
    previous, seq = GENESIS, 0
    entries = AccessLogEntry.objects.order_by("seq")
    if not full and not result.problems:
        start = next((a for a in reversed(known) if a.verified), None)
        if start is not None and start.seq > 0:
            entry = AccessLogEntry.objects.filter(seq=start.seq).only("seq", "mac").first()
            if entry is None or entry.mac != start.head:
                result.problems.append(
                    Problem(
                        REMOVED if entry is None else ALTERED,
                        start.seq,
                        f"entry {start.seq} does not match the anchor of {start.at}: "
                        + ("it is missing" if entry is None else "its MAC differs"),
                    )
                )
            previous, seq = start.head, start.seq
            entries = entries.filter(seq__gt=start.seq)
    result.first_seq = seq + 1
    by_seq = {a.seq: a for a in known}
    if not result.problems:
        for entry in entries.iterator(chunk_size=2000):
            problem = _check(entry, seq + 1, previous, by_seq)
            if problem:
                result.problems.append(problem)
                break
            previous, seq = entry.mac, entry.seq
            result.checked += 1
    result.through_seq, result.head = seq, previous
    if not result.problems and known and max(a.seq for a in known) > seq:
        latest = max(known, key=lambda a: a.seq)
        result.problems.append(
            Problem(
                REMOVED,
                seq + 1,
                f"entries after {seq} are missing: the anchor of {latest.at} counted "
                f"{latest.seq} entries",
            )
        )
    if record:
        _record(result)
    return result


def _check(entry: AccessLogEntry, expected: int, previous: str, by_seq: dict) -> Problem | None:
    if entry.seq > expected:
        missing = f"{expected}" if entry.seq == expected + 1 else f"{expected}–{entry.seq - 1}"
        return Problem(REMOVED, expected, f"entries {missing} are missing before {entry.seq}")
    if entry.previous_mac != previous:
        return Problem(
            INSERTED,
            entry.seq,
            f"entry {entry.seq} (id {entry.pk}) does not link to the entry before it: "
            "an entry was inserted or replaced",
        )
    if entry.compute_mac() != entry.mac:
        return Problem(
            ALTERED,
            entry.seq,
            f"entry {entry.seq} (id {entry.pk}) does not carry a valid MAC: it was altered "
            "or written without the key",
        )
    anchor = by_seq.get(entry.seq)
    if anchor is not None and anchor.head != entry.mac:
        return Problem(
            ALTERED,
            entry.seq,
            f"entry {entry.seq} (id {entry.pk}) differs from the anchor of {anchor.at}",
        )
    return None


def _record(result: Verification) -> None:
    first = result.problems[0] if result.problems else None
    AuditVerification.objects.create(
        full=result.full,
        ok=result.ok,
        checked=result.checked,
        through_seq=result.through_seq,
        problem_kind=first.kind if first else "",
        problem_seq=first.seq if first else None,
        problem=first.message[:500] if first else "",
    )


def verify_access_log() -> list[int]:
    """The sequence numbers where the chain breaks first (empty when it holds)."""
    return [p.seq or 0 for p in verify(record=False).problems]


def anchor() -> tuple[anchors.Anchor, Verification]:
    """Verify what was added since the last good anchor, then anchor the head outside the
    database (marked verified or not). Run daily from cron and at every server start."""
    result = verify(full=False)
    seq, head = result.through_seq, result.head
    if not result.ok:
        # Anchor what the database holds now, so that removing it later is found as well.
        last = AccessLogEntry.objects.order_by("-seq").only("seq", "mac").first()
        seq, head = (last.seq, last.mac) if last else (0, GENESIS)
    written = anchors.write(seq=seq, head=head, verified=result.ok)
    return written, result
