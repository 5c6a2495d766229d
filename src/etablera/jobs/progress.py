"""How a running job tells how far it has come, even from inside its own transaction.

A job's writes run in a transaction, and a progress report written on the same connection
would only be seen at its commit. So a report goes where others can read it at once:

* outside a transaction: straight to the job's row;
* inside one on PostgreSQL: to the row through a connection of its own (a short-lived thread,
  since Django keeps one connection per thread), which commits at once;
* inside one on SQLite, whose single writer is the job itself: to a small file beside the job
  files (SQLite deployments run on one machine), which the job page reads while the job runs.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
import time
from pathlib import Path

from django.conf import settings
from django.db import OperationalError, connection, connections, transaction
from django.utils import timezone

from .models import Job

#: Reports closer together than this (seconds) are left out, except the last.
INTERVAL = 1.0


def _side_file(job_id: int) -> Path:
    return Path(settings.ETABLERA_JOB_FILES_DIR) / "progress" / f"{job_id}.json"


def read_side_file(job_id: int) -> dict | None:
    try:
        return json.loads(_side_file(job_id).read_text())
    except (OSError, ValueError):
        return None


def remove_side_file(job_id: int) -> None:
    _side_file(job_id).unlink(missing_ok=True)


def _write_row(job_id: int, fields: dict) -> None:
    Job.objects.filter(pk=job_id).update(**fields)


def _write_row_elsewhere(job_id: int, fields: dict) -> None:
    def write() -> None:
        # Progress is worth a short wait, never a hang: when the job's own transaction holds
        # the row (a caller that enqueued and runs the job in one transaction), skip the report.
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '2s'")
                _write_row(job_id, fields)
        except OperationalError:
            pass
        finally:
            connections.close_all()

    thread = threading.Thread(target=write, name=f"job-{job_id}-progress")
    thread.start()
    thread.join()


def _write_side_file(job_id: int, fields: dict) -> None:
    path = _side_file(job_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "progress_done": fields["progress_done"],
        "progress_total": fields["progress_total"],
        "message": fields.get("message", ""),
    }
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(handle, "w") as out:
        json.dump(data, out)
    os.replace(temporary, path)


class Progress:
    """Called by a handler as ``progress(done, total, message="")``."""

    def __init__(self, job: Job) -> None:
        self.job_id = job.pk
        self._last = 0.0

    def __call__(self, done: int, total: int, message: str = "", *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and done < total and now - self._last < INTERVAL:
            return
        self._last = now
        fields = {
            "progress_done": max(0, int(done)),
            "progress_total": max(0, int(total)),
            "heartbeat_at": timezone.now(),
        }
        if message:
            fields["message"] = str(message)[:255]
        if not connection.in_atomic_block:
            _write_row(self.job_id, fields)
            remove_side_file(self.job_id)
        elif connection.vendor == "postgresql":
            _write_row_elsewhere(self.job_id, fields)
        else:
            _write_side_file(self.job_id, fields)
