"""The governance check's pages: the whole municipality, or one body."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from etablera.accounts import policy
from etablera.organisation.models import Body

from . import selectors
from .forms import FindingFilterForm


@login_required
def findings(request: HttpRequest, body_pk: int | None = None) -> HttpResponse:
    policy.require(request.user, "governance.view")
    body = (
        policy.get_or_404(request.user, "governance.view", Body.objects, pk=body_pk)
        if body_pk
        else None
    )
    form = FindingFilterForm(request.GET or None)
    severity = code = ""
    if form.is_valid():
        severity, code = form.cleaned_data["severity"], form.cleaned_data["code"]
    today = timezone.localdate()
    all_found = selectors.findings_for(request.user, body=body, today=today)
    found = [
        f
        for f in all_found
        if (not severity or f.severity == severity) and (not code or f.code == code)
    ]
    bodies = policy.scope(request.user, "governance.view", Body.objects.municipal())
    return render(
        request,
        "governance/findings.html",
        {
            "body": body,
            "bodies": bodies,
            "form": form,
            "page": Paginator(found, 100).get_page(request.GET.get("sida")),
            "count": len(found),
            "summary": selectors.summary(all_found),
            "severity_counts": selectors.severity_counts(all_found),
            "today": today,
        },
    )
