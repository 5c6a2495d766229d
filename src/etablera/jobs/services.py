"""Starting jobs (the one entry point other apps use) and carrying them out in a worker."""

from __future__ import annotations

import logging
import os
import socket
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from etablera.accounts.trail import person, records_actor

from . import registry
from .execution import end_job, execute, worker_name
from .models import Job, JobStatus

logger = logging.getLogger(__name__)

__all__ = ["enqueue", "execute", "recover_abandoned", "worker_name"]


@records_actor
def enqueue(kind: str, /, *, actor, **params: Any) -> Job:
    """Record a job of ``kind`` for ``actor`` and queue it for a worker; the job is returned
    at once. ``params`` (JSON: ids, counts, file names; never personal data) are passed to the
    kind's handler as keyword arguments.

    The job row and the queue entry are written in one transaction, so a worker never sees
    the one without the other.
    """
    registry.get(kind)  # an unknown kind is a programming error, found here and not later
    from .tasks import run_job

    with transaction.atomic():
        job = Job.objects.create(
            kind=kind,
            owner=person(actor),
            params=params,
            message=_("Väntar på en ledig arbetsprocess."),
        )
        result = run_job.enqueue(job.pk)
        Job.objects.filter(pk=job.pk).update(task_id=str(result.id))
        job.task_id = str(result.id)
    return job


def _alive_here(worker: str) -> bool | None:
    """Whether the worker process named ``host:pid`` lives; None when it ran elsewhere."""
    host, _sep, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return None
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _lost_in_the_queue(jobs, stale_before) -> list[Job]:
    """Queued jobs whose queue entry a worker took but never started (it died in between)."""
    from django_tasks_db.models import DBTaskResult

    queued = (jobs if jobs is not None else Job.objects).filter(
        status=JobStatus.QUEUED, created_at__lt=timezone.now() - timedelta(minutes=1)
    )
    lost = []
    for job in queued.order_by("pk")[:100]:
        entry = DBTaskResult.objects.filter(pk=job.task_id).first() if job.task_id else None
        finished = entry is None or entry.status in {"FAILED", "SUCCESSFUL"}
        silent = (
            entry is not None
            and entry.status == "RUNNING"
            and entry.started_at is not None
            and entry.started_at < stale_before
        )
        if finished or silent:
            lost.append(job)
    return lost


def recover_abandoned(jobs=None) -> list[int]:
    """Mark running jobs whose worker has died as failed; their ids.

    A worker on this machine is known dead when its process is gone; one elsewhere when it
    has not reported for ``ETABLERA_JOB_STALE_SECONDS``. What such a job wrote was never
    committed (its transaction died with the process), so failing it is the whole repair;
    the person starts it again.
    """
    from django_tasks_db.models import DBTaskResult

    stale_before = timezone.now() - timedelta(seconds=settings.ETABLERA_JOB_STALE_SECONDS)
    candidates = (jobs if jobs is not None else Job.objects).filter(status=JobStatus.RUNNING)
    abandoned = []
    for job in candidates:
        alive = _alive_here(job.worker)
        stale = job.heartbeat_at is None or job.heartbeat_at < stale_before
        if alive is False or (alive is None and stale):
            abandoned.append(job)
    abandoned += _lost_in_the_queue(jobs, stale_before)
    for job in abandoned:
        end_job(
            job,
            JobStatus.FAILED,
            error=_(
                "Arbetsprocessen stannade innan jobbet var klart. Inget av det sparades; "
                "starta jobbet igen."
            ),
        )
        if job.task_id:
            DBTaskResult.objects.filter(pk=job.task_id, status="RUNNING").update(
                status="FAILED", finished_at=timezone.now()
            )
        logger.warning("Job %s (%s) was abandoned by worker %s", job.pk, job.kind, job.worker)
    return [job.pk for job in abandoned]
