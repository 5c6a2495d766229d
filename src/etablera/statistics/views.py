"""The labour-market dashboard "Arbetsmarknadsinsatser" and its exports."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from etablera.accounts import policy
from etablera.web.tables import csv_text
from etablera.web.xlsx import tables_workbook, workbook_response

from . import disclosure, presentation, selectors
from .forms import KpiFilterForm


def _period_suggestions() -> list[str]:
    from etablera.followup.models import Period

    year = timezone.localdate().year
    stored = list(Period.objects.order_by("-end").values_list("code", flat=True)[:12])
    return [*stored, *(str(y) for y in range(year, year - 5, -1))]


def _dashboard_data(request: HttpRequest, action: str):
    """The form and, when it is valid, the report, the trend and the sections."""
    scopes = selectors.scopes_for(request.user, action)
    if not scopes:
        raise PermissionDenied
    data = request.GET.copy()
    if not data.get("period"):
        data["period"] = str(timezone.localdate().year)
    form = KpiFilterForm(data, scopes=scopes)
    if not form.is_valid():
        return form, None, [], []
    period, scope = form.cleaned_data["period"], form.cleaned_data["scope"]
    report, points = selectors.report_with_trend(
        request.user, period, scope, one_way=selectors.DASHBOARD_DIMENSIONS
    )
    if report.is_empty:
        return form, report, [], []
    return (
        form,
        report,
        points,
        presentation.sections(report, selectors.DASHBOARD_DIMENSIONS, points),
    )


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "statistics.kpis.view")
    form, report, _points, sections = _dashboard_data(request, "statistics.kpis.view")
    return render(
        request,
        "statistics/dashboard.html",
        {
            "form": form,
            "report": report,
            "sections": sections,
            "definitions": presentation.definitions(),
            "limits": disclosure.thresholds(),
            "suggestions": _period_suggestions(),
            "can_export": policy.can(request.user, "statistics.kpis.export"),
            "query": request.GET.urlencode(),
        },
        status=200 if form.is_valid() else 400,
    )


@login_required
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    policy.require(request.user, "statistics.kpis.export")
    form, report, _points, sections = _dashboard_data(request, "statistics.kpis.export")
    if report is None:
        return render(
            request,
            "statistics/dashboard.html",
            {
                "form": form,
                "definitions": presentation.definitions(),
                "limits": disclosure.thresholds(),
                "suggestions": [],
            },
            status=400,
        )
    tables = [t for s in sections for t in [*(c.table for c in s.charts), *s.tables]]
    name = f"nyckeltal-{slugify(str(report.period.label))}-{report.scope.key}"
    if fmt == "xlsx":
        sheets = {str(s.title): [*(c.table for c in s.charts), *s.tables] for s in sections}
        if not sheets:
            sheets = {_("Nyckeltal"): [presentation.summary_table(report)]}
        return workbook_response(tables_workbook(sheets), f"{name}.xlsx")
    text = csv_text(tables or [presentation.summary_table(report)], swedish=True)
    response = HttpResponse("\ufeff" + text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response
