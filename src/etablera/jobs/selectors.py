"""Reading jobs for the pages: the ones a user may follow, with their latest progress."""

from __future__ import annotations

from django.db.models import QuerySet

from etablera.accounts import policy

from .models import Job, JobStatus
from .progress import read_side_file


def visible_jobs(user) -> QuerySet[Job]:
    return policy.scope(user, "jobs.view", Job.objects.select_related("owner"))


def with_latest_progress(job: Job) -> Job:
    """A running job's progress as last reported, also while it is inside its transaction."""
    if job.status == JobStatus.RUNNING:
        side = read_side_file(job.pk)
        if side:
            job.progress_done = side.get("progress_done", job.progress_done)
            job.progress_total = side.get("progress_total", job.progress_total)
            job.message = side.get("message") or job.message
    return job
