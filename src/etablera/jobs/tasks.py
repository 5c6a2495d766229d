"""The one django-tasks task: run a job by its id (the job row says what to do)."""

from __future__ import annotations

from django_tasks import task

from .execution import execute


@task()
def run_job(job_id: int) -> None:
    execute(job_id)
