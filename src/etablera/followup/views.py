"""Pages for follow-up: thin, each guarded by one policy action."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from etablera.accounts import policy
from etablera.web.forms import submit_form
from etablera.web.xlsx import XLSX_TYPE

from . import consolidated, renderers, selectors, services
from .forms import ApproveForm, EntryForm, PeriodForm, ReportFilterForm, ReturnForm, SummaryForm
from .indicators import entries_with_indicators, live_values, snapshot_table
from .models import Assessment, Period, Report


@login_required
def period_list(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "followup.period.view")
    return render(
        request,
        "followup/period_list.html",
        {
            "periods": selectors.periods(request.user),
            "can_change": policy.can(request.user, "followup.period.change"),
            "can_read_reports": policy.can(request.user, "followup.report.view"),
            "can_consolidated": policy.can(request.user, "followup.consolidated.view"),
        },
    )


@login_required
def period_edit(request: HttpRequest, code: str | None = None) -> HttpResponse:
    policy.require(request.user, "followup.period.change")
    period = (
        policy.get_or_404(request.user, "followup.period.view", Period.objects, code=code)
        if code
        else Period()
    )
    if request.method == "POST" and request.POST.get("fill") and request.htmx:
        return _period_fill(request)
    form = PeriodForm(request.POST or None, instance=period, fill_url=request.path)
    return submit_form(
        request,
        form,
        lambda: services.save_period(form.save(commit=False), actor=request.user),
        done=lambda saved: _("Perioden %(code)s har sparats.") % {"code": saved.code},
        then=lambda saved: reverse("followup:period-detail", kwargs={"code": saved.code}),
        template="followup/period_form.html",
        context={"period": period},
    )


def _period_fill(request: HttpRequest) -> HttpResponse:
    """htmx, as the code is typed: the type, name, dates and a suggested deadline the code
    implies, as out-of-band swaps of the fields still empty; nothing for another code."""
    suggestion = PeriodForm.suggestion((request.POST.get("code") or "").strip().upper())
    wanted = {k: v for k, v in suggestion.items() if not request.POST.get(k)}
    form = PeriodForm(initial=wanted)
    for name in wanted:
        form.fields[name].widget.attrs["hx-swap-oob"] = "true"
    return render(request, "followup/period_fill.html", {"fields": [form[name] for name in wanted]})


@login_required
def period_detail(request: HttpRequest, code: str) -> HttpResponse:
    period = policy.get_or_404(request.user, "followup.period.view", Period.objects, code=code)
    return render(
        request,
        "followup/period_detail.html",
        {
            "period": period,
            "reports": selectors.reports(request.user, period=period),
            "progress": selectors.period_progress(period),
            "can_change": policy.can(request.user, "followup.period.change", period),
            "can_consolidated": policy.can(request.user, "followup.consolidated.view"),
        },
    )


@login_required
@require_POST
def period_open(request: HttpRequest, code: str) -> HttpResponse:
    period = policy.get_or_404(request.user, "followup.period.view", Period.objects, code=code)
    policy.require(request.user, "followup.period.change", period)
    try:
        reports = services.open_period(period, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Perioden är öppnad; %(count)s organ har fått en rapport att skriva.")
            % {"count": len(reports)},
        )
    return redirect("followup:period-detail", code=period.code)


@login_required
@require_POST
def period_close(request: HttpRequest, code: str) -> HttpResponse:
    period = policy.get_or_404(request.user, "followup.period.view", Period.objects, code=code)
    policy.require(request.user, "followup.period.change", period)
    try:
        services.close_period(period, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Perioden är stängd."))
    return redirect("followup:period-detail", code=period.code)


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "followup.report.view")
    form = ReportFilterForm(request.GET or None)
    period = status = None
    if form.is_valid():
        period = form.cleaned_data["period"]
        status = form.cleaned_data["status"]
    qs = selectors.reports(request.user, period=period, status=status or "")
    page = Paginator(qs, 50).get_page(request.GET.get("sida"))
    return render(request, "followup/report_list.html", {"form": form, "page": page})


def _entry_views(request: HttpRequest, report: Report, entries: list) -> list[dict]:
    """Each entry with its indicator table: the snapshot once submitted, else live values."""
    live_needed = [e for e in entries if e.snapshot_at is None]
    live = live_values(live_needed, report.period, user=request.user) if live_needed else {}
    extras = consolidated.entry_extras_for(report.period, entries, request.user)
    views = []
    for entry in entries:
        items = entry.snapshot if entry.snapshot_at else live.get(entry.pk, [])
        caption = (
            _("Indikatorvärden vid inlämningen %(date)s")
            % {"date": f"{entry.snapshot_at:%Y-%m-%d}"}
            if entry.snapshot_at
            else _("Indikatorvärden just nu")
        )
        views.append(
            {
                "entry": entry,
                "table": snapshot_table(items, caption, report.period.end.year),
                "extras": extras.get(entry.pk, []),
            }
        )
    return views


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_for(request.user, pk)
    entries = list(entries_with_indicators(selectors.entries_of(report), report.period.end.year))
    commissioned = list(selectors.commissioned_entries(request.user, report))
    user = request.user
    return render(
        request,
        "followup/report_detail.html",
        {
            "report": report,
            "entries": _entry_views(request, report, entries),
            "commissioned": _entry_views(request, report, commissioned) if commissioned else [],
            "events": selectors.events_of(report),
            "can_edit": report.is_editable and policy.can(user, "followup.report.change", report),
            "can_submit": report.is_editable and policy.can(user, "followup.report.submit", report),
            "can_return": report.status == "submitted"
            and policy.can(user, "followup.report.return", report),
            "can_approve": report.status == "submitted"
            and policy.can(user, "followup.report.approve", report),
        },
    )


@login_required
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The reporter's form: every entry with its assessment, analysis and measures."""
    report = selectors.report_for(request.user, pk)
    policy.require(request.user, "followup.report.change", report)
    if not report.is_editable:
        messages.error(
            request,
            _("Rapporten är godkänd och låst; den kan inte längre ändras.")
            if report.is_locked
            else _("Rapporten är inlämnad och kan inte ändras förrän den återremitteras."),
        )
        return redirect("followup:report-detail", pk=report.pk)
    entries = list(entries_with_indicators(selectors.entries_of(report), report.period.end.year))
    data = request.POST if request.method == "POST" else None
    forms = [EntryForm(data, instance=e, prefix=f"entry-{e.pk}") for e in entries]
    summary_form = SummaryForm(data, initial={"summary": report.summary}, prefix="report")
    error = ""
    if request.method == "POST":
        submitting = request.POST.get("action") == "submit"
        if submitting:
            policy.require(request.user, "followup.report.submit", report)
        if all(f.is_valid() for f in forms) and summary_form.is_valid():
            changes = {f.instance.pk: f.cleaned_data for f in forms}
            try:
                with transaction.atomic():
                    services.update_report(
                        report, changes, summary_form.cleaned_data["summary"], actor=request.user
                    )
                    if submitting:
                        services.submit_report(report, actor=request.user)
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                if submitting:
                    messages.success(request, _("Rapporten är inlämnad."))
                    return redirect("followup:report-detail", pk=report.pk)
                messages.success(request, _("Utkastet är sparat."))
                return redirect("followup:report-edit", pk=report.pk)
        else:
            error = _("Rapporten innehåller fel; rätta dem nedan.")
    views = _entry_views(request, report, entries)
    for view, form in zip(views, forms, strict=True):
        view["form"] = form
    assessed = sum(1 for e in entries if e.assessment != Assessment.NOT_ASSESSED)
    return render(
        request,
        "followup/report_form.html",
        {
            "report": report,
            "entries": views,
            "summary_form": summary_form,
            "error": error,
            "can_submit": policy.can(request.user, "followup.report.submit", report),
            "assessed": assessed,
            "complete": assessed == len(entries),
            "not_started": timezone.localdate() < report.period.start,
        },
    )


@login_required
@require_POST
def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_for(request.user, pk)
    policy.require(request.user, "followup.report.submit", report)
    try:
        services.submit_report(report, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Rapporten är inlämnad."))
    return redirect("followup:report-detail", pk=report.pk)


@login_required
def report_return(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_for(request.user, pk)
    policy.require(request.user, "followup.report.return", report)
    form = ReturnForm(request.POST or None)
    return submit_form(
        request,
        form,
        lambda: services.return_report(report, form.cleaned_data["comment"], actor=request.user),
        done=_("Rapporten är återremitterad till organet."),
        then=reverse("followup:report-detail", args=[report.pk]),
        template="followup/report_decide.html",
        context={"report": report, "mode": "return"},
    )


@login_required
def report_approve(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_for(request.user, pk)
    policy.require(request.user, "followup.report.approve", report)
    form = ApproveForm(request.POST or None, report=report)
    return submit_form(
        request,
        form,
        lambda: services.approve_report(report, form.cleaned_data["decision"], actor=request.user),
        done=_("Rapporten är godkänd och låst."),
        then=reverse("followup:report-detail", args=[report.pk]),
        template="followup/report_decide.html",
        context={"report": report, "mode": "approve"},
    )


@login_required
def period_assessments(request: HttpRequest, code: str) -> HttpResponse:
    """The entries behind a count on the start page: the period's approved entries with one
    assessment, of goals or of mandates, each linked to its place in the consolidated report."""
    period = policy.get_or_404(request.user, "followup.period.view", Period.objects, code=code)
    policy.require(request.user, "followup.consolidated.view")
    assessment = request.GET.get("bedomning", "")
    kind = request.GET.get("avser", "")
    entries = selectors.approved_entries(request.user, period).select_related(
        "report__body", "goal__policy_area", "mandate__policy_area"
    )
    if assessment in Assessment.values:
        entries = entries.filter(assessment=assessment)
    else:
        assessment = ""
    if kind == "goal":
        entries = entries.filter(goal__isnull=False)
    elif kind == "mandate":
        entries = entries.filter(mandate__isnull=False)
    else:
        kind = ""
    return render(
        request,
        "followup/period_assessments.html",
        {
            "period": period,
            "entries": entries.order_by("report__body__kind_order", "report__body__name", "order"),
            "assessment_label": dict(Assessment.choices).get(assessment, ""),
            "kind": kind,
        },
    )


@login_required
def consolidated_report(request: HttpRequest, code: str, fmt: str = "html") -> HttpResponse:
    """The consolidated report of a period: the page, or its PDF or workbook download."""
    period = policy.get_or_404(request.user, "followup.period.view", Period.objects, code=code)
    policy.require(request.user, "followup.consolidated.view")
    report = consolidated.build(period, request.user)
    if fmt == "pdf":
        response = HttpResponse(renderers.render_pdf(report), content_type=renderers.PDF_TYPE)
        response["Content-Disposition"] = (
            f'attachment; filename="{renderers.filename(report, "pdf")}"'
        )
        return response
    if fmt == "xlsx":
        response = HttpResponse(renderers.render_xlsx(report), content_type=XLSX_TYPE)
        response["Content-Disposition"] = (
            f'attachment; filename="{renderers.filename(report, "xlsx")}"'
        )
        return response
    return render(request, "followup/consolidated.html", {"report": report, "period": period})
