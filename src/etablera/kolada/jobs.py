"""The Kolada synchronisation as a background job.

A strategist's *Hämta från Kolada nu* queues it and follows it on the job page, which shows how
many KPIs are done and, at the end, what was added, changed and removed. The job runs the same
``sync_kolada`` as ``etablera kolada sync``, with the patient client (the request's time limit
does not apply in a worker); each KPI is still written all or nothing.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from etablera.jobs.models import Job
from etablera.jobs.registry import JobFailed, job_kind
from etablera.jobs.services import enqueue

from .client import KoladaError
from .services import summary_line, sync_kolada

KIND = "kolada.sync"


def start_sync_job(user) -> Job:
    """Queue a synchronisation for ``user``; the job to follow."""
    return enqueue(KIND, actor=user)


@job_kind(KIND, _("Hämtning från Kolada"), result_template="kolada/includes/job_result.html")
def sync_job(job: Job, progress) -> dict:
    try:
        report = sync_kolada(actor=job.owner, progress=progress)
    except KoladaError as exc:
        raise JobFailed(str(exc)) from None
    if report.error and not report.results:
        raise JobFailed(report.error)  # nothing was fetched, nothing changed
    return {
        "summary": summary_line(report),
        "ok": report.ok,
        "lines": report.lines(),
        "run": report.run.pk,
    }
