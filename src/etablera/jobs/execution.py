"""Carrying out one job in a worker (what the django-tasks task runs)."""

from __future__ import annotations

import logging
import os
import socket
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from . import registry
from .models import Job, JobStatus
from .progress import Progress, remove_side_file

logger = logging.getLogger("etablera.jobs.services")


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def execute(job_id: int) -> None:
    """Carry out one job: mark it running, call its handler, record how it ended.

    The handler writes in its own transaction(s). If it raises, nothing it wrote in the
    transaction that failed remains, and the job is marked failed with a message for the
    person; an unexpected error is logged in full and shown as a general message.
    """
    job = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).first()
    if job is None:
        return  # already taken, or recovered as abandoned
    now = timezone.now()
    job.status = JobStatus.RUNNING
    job.started_at = job.heartbeat_at = now
    job.worker = worker_name()
    job.message = _("Pågår.")
    job.save(update_fields=["status", "started_at", "heartbeat_at", "worker", "message"])
    try:
        kind = registry.get(job.kind)
        result = kind.handler(job, Progress(job), **job.params)
    except registry.JobFailed as exc:
        end_job(job, JobStatus.FAILED, error=exc.message)
    except Exception:
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        end_job(job, JobStatus.FAILED, error=_("Ett oväntat fel inträffade. Inget sparades."))
    else:
        end_job(job, JobStatus.SUCCEEDED, result=result or {})


def end_job(job: Job, status: str, *, result: dict | None = None, error: str = "") -> None:
    fields: dict[str, Any] = {
        "status": status,
        "finished_at": timezone.now(),
        "error": error,
        "message": "",
    }
    if result is not None:
        fields["result"] = result
        total = max(job.progress_total, 1)
        fields["progress_total"] = total
        fields["progress_done"] = total
    Job.objects.filter(pk=job.pk).update(**fields)
    remove_side_file(job.pk)
    for name, value in fields.items():
        setattr(job, name, value)
