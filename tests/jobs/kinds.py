"""Kinds of job used by the tests: one that writes and succeeds, one that writes and fails, and
one that writes and then waits for a signal file (so a test can kill its worker midway)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.db import transaction

from etablera.jobs.registry import JobFailed, job_kind
from etablera.organisation.models import Municipality


@job_kind("test.rename", "Byt namn")
def rename(job, progress, *, name: str) -> dict:
    progress(0, 2, "Börjar.", force=True)
    with transaction.atomic():
        Municipality.objects.update(name=name)
        progress(1, 2, "Halvvägs.", force=True)
    return {"summary": f"Nytt namn: {name}"}


@job_kind("test.fail", "Misslyckas")
def fail(job, progress, *, name: str) -> dict:
    with transaction.atomic():
        Municipality.objects.update(name=name)
        raise JobFailed("Det gick inte.")


@job_kind("test.crash", "Krascha")
def crash(job, progress, *, name: str, signal_dir: str) -> dict:
    with transaction.atomic():
        Municipality.objects.update(name=name)
        Path(signal_dir, "midway").write_text(str(os.getpid()))
        while True:  # until the test kills this worker
            time.sleep(0.1)
