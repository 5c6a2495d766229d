"""Anchors of the access log's chain, kept outside the database.

An anchor records, at a moment, how long the chain was and the MAC of its newest entry. It is
appended as one JSON line, signed with HMAC-SHA256 under ``ETABLERA_AUDIT_KEY``, to
``access-log-anchors.jsonl`` in ``ETABLERA_AUDIT_ANCHOR_DIR`` — a directory the database's
administrators cannot write (another disk, a mounted share, ``chattr +a``) — and is logged on
the ``etablera.audit`` logger, which ``ETABLERA_AUDIT_SYSLOG`` sends to the system log too. Someone
who can change the database but holds neither the key nor the anchor directory can remove the
newest entries, but not the anchor that counted them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone

logger = logging.getLogger("etablera.audit")
FILENAME = "access-log-anchors.jsonl"


class AnchorError(Exception):
    """The anchor file cannot be trusted: a line is unreadable or its signature is wrong."""


@dataclass(frozen=True)
class Anchor:
    at: str
    seq: int
    head: str
    verified: bool


def path() -> Path:
    return Path(settings.ETABLERA_AUDIT_ANCHOR_DIR) / FILENAME


def _signature(fields: dict) -> str:
    payload = json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()
    key = ("anchor:" + settings.ETABLERA_AUDIT_KEY).encode()
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


def write(*, seq: int, head: str, verified: bool) -> Anchor:
    """Append a signed anchor and log it; the write is flushed to disk before returning."""
    anchor = Anchor(at=timezone.now().isoformat(), seq=seq, head=head, verified=verified)
    fields = {"at": anchor.at, "seq": seq, "head": head, "verified": verified}
    line = json.dumps({**fields, "sig": _signature(fields)}, sort_keys=True) + "\n"
    target = path()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, line.encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    logger.info(
        "access-log anchor seq=%d head=%s verified=%s", seq, head, "yes" if verified else "no"
    )
    return anchor


def read() -> list[Anchor]:
    """Every anchor, oldest first. Raises ``AnchorError`` at the first line that does not hold."""
    target = path()
    if not target.exists():
        return []
    found = []
    with target.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                fields = {k: data[k] for k in ("at", "seq", "head", "verified")}
                signature = data["sig"]
                datetime.fromisoformat(fields["at"])
                valid = isinstance(fields["seq"], int) and hmac.compare_digest(
                    str(signature), _signature(fields)
                )
            except (ValueError, KeyError, TypeError):
                valid = False
            if not valid:
                raise AnchorError(f"line {number} of {target} is not a validly signed anchor")
            found.append(Anchor(**fields))
    return found


def latest() -> Anchor | None:
    anchors = read()
    return anchors[-1] if anchors else None
