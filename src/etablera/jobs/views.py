"""The pages that follow a job: a list of one's jobs and a page per job that keeps itself up to
date (htmx polling; without JavaScript the page reloads itself) and shows the result."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from etablera.accounts import policy

from . import registry, selectors
from .models import Job
from .services import recover_abandoned

#: How often (seconds) a running job's page asks for news.
POLL_SECONDS = 2


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "jobs.view")
    page = Paginator(selectors.visible_jobs(request.user), 25).get_page(request.GET.get("sida"))
    return render(request, "jobs/job_list.html", {"page": page})


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = policy.get_or_404(request.user, "jobs.view", Job.objects, pk=pk)
    if not job.finished and recover_abandoned(Job.objects.filter(pk=job.pk)):
        job.refresh_from_db()
    selectors.with_latest_progress(job)
    kind = registry.kinds().get(job.kind)
    context = {
        "job": job,
        "result_template": kind.result_template if kind else "jobs/includes/result.html",
        "poll_seconds": POLL_SECONDS,
    }
    if request.htmx:
        return render(request, "jobs/includes/status.html", context)
    return render(request, "jobs/job_detail.html", context)
