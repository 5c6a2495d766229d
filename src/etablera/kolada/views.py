"""Pages for Kolada: thin, each guarded by one policy action.

A strategist's POST to *Hämta från Kolada* queues the synchronisation as a background job
(``kolada.jobs``) and follows it on the job page; the same service runs from
``etablera kolada sync``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from etablera.accounts import policy
from etablera.web.forms import submit_form

from . import presentation, selectors, services
from .client import KoladaError
from .forms import ComparisonGroupForm, KpiAddForm
from .models import Kpi, SyncRun


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "kolada.view")
    kpis = list(selectors.catalogue())
    using = selectors.indicators_by_kpi([k.id for k in kpis])
    return render(
        request,
        "kolada/overview.html",
        {
            "rows": [(kpi, using.get(kpi.id, [])) for kpi in kpis],
            "runs": selectors.recent_runs(5),
            "can_sync": policy.can(request.user, "kolada.sync"),
            "can_group": policy.can(request.user, "kolada.group.change"),
            "add_form": KpiAddForm(),
        },
    )


@login_required
@require_POST
def sync(request: HttpRequest) -> HttpResponse:
    """Queue the synchronisation as a background job and follow it on the job page."""
    from .jobs import start_sync_job

    policy.require(request.user, "kolada.sync")
    try:
        services.comparison_codes()  # a bad municipality code is said at once, not in the job
    except KoladaError as exc:
        messages.error(request, str(exc))
        return redirect("kolada:overview")
    job = start_sync_job(request.user)
    return redirect("jobs:detail", pk=job.pk)


@login_required
def sync_run(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "kolada.view")
    run = get_object_or_404(SyncRun.objects.select_related("actor"), pk=pk)
    return render(request, "kolada/sync_run.html", {"run": run})


@login_required
def kpi_search(request: HttpRequest) -> HttpResponse:
    """Search Kolada's own catalogue by title (live), to find the id to add."""
    policy.require(request.user, "kolada.sync")
    query = request.GET.get("q", "").strip()[:100]
    results: list[dict] = []
    error = ""
    if len(query) >= 3:
        try:
            results = services.search_kolada(query)
        except KoladaError as exc:
            error = str(exc)
    elif query:
        error = _("Skriv minst tre tecken.")
    known = set(Kpi.objects.filter(id__in=[r["id"] for r in results]).values_list("id", flat=True))
    return render(
        request,
        "kolada/kpi_search.html",
        {"query": query, "results": results, "error": error, "known": known},
    )


@login_required
@require_POST
def kpi_add(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "kolada.sync")
    form = KpiAddForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("kpi", []):
            messages.error(request, str(error))
        return redirect("kolada:overview")
    try:
        kpi = services.add_kpi(form.cleaned_data["kpi"], actor=request.user)
    except KoladaError as exc:
        messages.error(request, str(exc))
        return redirect("kolada:overview")
    messages.success(request, _("%(kpi)s finns nu i katalogen.") % {"kpi": kpi.id})
    return redirect("kolada:kpi-detail", pk=kpi.pk)


@login_required
def kpi_detail(request: HttpRequest, pk: str) -> HttpResponse:
    kpi = policy.get_or_404(request.user, "kolada.view", Kpi.objects, pk=pk.upper())
    charts = []
    genders = ["T", "K", "M"] if kpi.is_divided_by_gender else ["T"]
    indicators = selectors.indicators_by_kpi([kpi.id]).get(kpi.id, [])
    indicator = indicators[0] if indicators else None
    for gender in genders:
        found = selectors.comparison(kpi.id, gender=gender)
        if found is not None:
            label = {"T": _("totalt"), "K": _("kvinnor"), "M": _("män")}[gender]
            charts.append(
                presentation.comparison_chart(
                    found, indicator, title=f"{kpi.title} ({label})" if len(genders) > 1 else ""
                )
            )
    return render(
        request,
        "kolada/kpi_detail.html",
        {
            "kpi": kpi,
            "indicators": indicators,
            "charts": charts,
            "can_sync": policy.can(request.user, "kolada.sync"),
        },
    )


@login_required
@require_POST
def kpi_accept(request: HttpRequest, pk: str) -> HttpResponse:
    kpi = policy.get_or_404(request.user, "kolada.view", Kpi.objects, pk=pk.upper())
    policy.require(request.user, "kolada.sync", kpi)
    services.accept_title(kpi, actor=request.user)
    messages.success(request, _("Den nya titeln för %(kpi)s är godkänd.") % {"kpi": kpi.id})
    return redirect("kolada:kpi-detail", pk=kpi.pk)


@login_required
def comparison_group(request: HttpRequest) -> HttpResponse:
    from etablera.organisation.models import Municipality

    policy.require(request.user, "kolada.view")
    municipality = Municipality.objects.current()
    can_change = policy.can(request.user, "kolada.group.change")
    groups = list(selectors.groups())
    chosen = next((g for g in groups if g.id == request.GET.get("grupp")), None)
    initial = {}
    if municipality is not None:
        initial = {
            "name": municipality.comparison_group_name,
            "codes": ", ".join(municipality.comparison_group),
        }
    if chosen is not None:
        initial = {"name": chosen.title, "codes": ", ".join(chosen.members)}
    form = ComparisonGroupForm(request.POST or None, initial=initial)
    if request.method == "POST":
        policy.require(request.user, "kolada.group.change")
        if municipality is None:
            messages.error(
                request, _("Kommunen är inte upplagd: ange kommunens namn och kod först.")
            )
            return redirect("organisation:municipality-edit")

    def context() -> dict:
        members = []
        if municipality is not None:
            names = selectors.area_names(municipality.comparison_group)
            members = [(code, names.get(code, "")) for code in municipality.comparison_group]
        return {
            "municipality": municipality,
            "members": members,
            "groups": groups,
            "chosen": chosen,
            "can_change": can_change,
        }

    return submit_form(
        request,
        form,
        lambda: services.save_comparison_group(
            municipality,
            form.cleaned_data["name"],
            form.cleaned_data["codes"],
            actor=request.user,
        ),
        done=_("Jämförelsegruppen har sparats."),
        then="kolada:comparison-group",
        template="kolada/comparison_group.html",
        context=context,
    )


@login_required
@require_POST
def groups_fetch(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "kolada.group.change")
    try:
        count = services.sync_municipality_groups(actor=request.user)
    except KoladaError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(n)s kommungrupper hämtade från Kolada.") % {"n": count})
    return redirect("kolada:comparison-group")
