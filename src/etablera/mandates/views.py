"""Pages for the mandate register, the responsibility matrix, decisions and policy areas.

Thin: each view asks the access policy first (one line), then a selector or a service.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from etablera.accounts import policy
from etablera.organisation.models import Municipality
from etablera.web.forms import submit_form
from etablera.web.plugins import contributions
from etablera.web.xlsx import workbook_response

from . import exports, selectors, services
from .forms import (
    DecisionForm,
    MandateFilterForm,
    MandateForm,
    MatrixFilterForm,
    PolicyAreaForm,
)
from .models import Decision, Mandate, PolicyArea

PAGE_SIZE = 50

SORT_COLUMNS = [
    ("title", gettext_lazy("Rubrik")),
    ("policy_area", gettext_lazy("Politikområde")),
    ("owner", gettext_lazy("Ägare")),
    ("performer", gettext_lazy("Utförare")),
    ("level", gettext_lazy("Nivå")),
    ("origin", gettext_lazy("Ursprung")),
    ("follow_up", gettext_lazy("Uppföljning")),
    ("status", gettext_lazy("Status")),
]


def _sort_headers(request: HttpRequest, current: str) -> list[dict]:
    """Column headings that sort the register, with ``aria-sort`` on the sorted one."""
    params = {k: v for k, v in request.GET.items() if k not in {"sort", "sida"}}
    headers = []
    for key, label in SORT_COLUMNS:
        active = current.lstrip("-") == key
        descending = current.startswith("-")
        next_sort = f"-{key}" if active and not descending else key
        headers.append(
            {
                "label": label,
                "url": "?" + urlencode({**params, "sort": next_sort}),
                "aria_sort": ("descending" if descending else "ascending") if active else "",
            }
        )
    return headers


def _filter_text(form: MandateFilterForm) -> str:
    """The register's filters in words, for the workbook (the same fields ``filters`` uses)."""
    if not form.is_bound:
        return _("alla uppdrag")
    form.is_valid()
    parts = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if not value or name == "sort":
            continue
        if hasattr(field, "choices") and not hasattr(value, "pk"):
            value = dict(field.choices).get(value, value)
        parts.append(f"{field.label}: {value}")
    return "; ".join(str(p) for p in parts) or _("alla uppdrag")


@login_required
def mandate_list(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "mandates.view")
    form = MandateFilterForm(request.GET or None)
    filters = form.filters()
    page = Paginator(selectors.mandates(request.user, **filters), PAGE_SIZE).get_page(
        request.GET.get("sida")
    )
    export_query = urlencode({k: v for k, v in request.GET.items() if k != "sida"})
    return render(
        request,
        "mandates/mandate_list.html",
        {
            "form": form,
            "page": page,
            "headers": _sort_headers(request, filters["sort"]),
            "export_query": export_query,
            "can_change": policy.can(request.user, "mandates.change"),
        },
    )


@login_required
def mandate_export(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "mandates.view")
    form = MandateFilterForm(request.GET or None)
    workbook = exports.register_workbook(
        selectors.mandates(request.user, **form.filters()), _filter_text(form)
    )
    return workbook_response(workbook, f"uppdrag-{timezone.localdate():%Y-%m-%d}.xlsx")


@login_required
def mandate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    mandate = policy.get_or_404(request.user, "mandates.view", selectors.mandate_queryset(), pk=pk)
    return render(
        request,
        "mandates/mandate_detail.html",
        {
            "mandate": mandate,
            "linked": selectors.linked(mandate, request.user),
            "history": selectors.history(mandate),
            # What the apps above contribute (e.g. the interventions' outcomes).
            "parts": [
                part
                for module in contributions("mandate_parts")
                for part in module.parts(request, mandate)
            ],
            "can_change": policy.can(request.user, "mandates.change", mandate),
        },
    )


@login_required
def mandate_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    mandate = policy.get_for_change(
        request.user, "mandates.view", "mandates.change", selectors.mandate_queryset(), pk
    )
    if request.method == "POST" and request.POST.get("fill") and request.htmx:
        return _commissioner_fill(request, mandate)
    original = str(mandate) if mandate.pk else ""  # the form changes the instance as it validates
    form = MandateForm(request.POST or None, instance=mandate, fill_url=request.path)
    return submit_form(
        request,
        form,
        lambda: services.save_mandate(form.save(commit=False), actor=request.user),
        done=lambda saved: _("Uppdraget ”%(title)s” har sparats.") % {"title": saved},
        warn=lambda saved: (
            _("Uppdraget är beställt men saknar beslut. Det flaggas tills beslutet är registrerat.")
            if saved.missing_decision
            else None
        ),
        then=lambda saved: saved,
        template="mandates/mandate_form.html",
        context={"mandate": mandate, "original": original},
    )


def _commissioner_fill(request: HttpRequest, mandate: Mandate) -> HttpResponse:
    """htmx, as the origin is chosen: the commissioner choice swapped (out of band) for one
    showing the body the origin names — or none, for an ordinary mandate."""
    form = MandateForm(instance=mandate)
    field = form.fields["commissioned_by"]
    chosen = request.POST.get("commissioned_by", "")
    current = field.queryset.filter(pk=int(chosen)).first() if chosen.isdigit() else None
    commissioner = form.commissioner_for(request.POST.get("origin", ""), current)
    form.initial["commissioned_by"] = commissioner.pk if commissioner else None
    field.widget.attrs["hx-swap-oob"] = "true"
    return HttpResponse(str(form["commissioned_by"]))


# --- the responsibility matrix ---------------------------------------------------------------


def _matrix(request: HttpRequest) -> tuple[MatrixFilterForm, selectors.Matrix, dict]:
    form = MatrixFilterForm(request.GET)
    filters = form.filters()
    return form, selectors.matrix(request.user, **filters), filters


def _municipality_name(request: HttpRequest) -> str:
    municipality = Municipality.objects.current()
    return municipality.name if municipality else ""


@login_required
def matrix(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "mandates.view")
    form, data, _filters = _matrix(request)
    query = urlencode(list(request.GET.items()))
    return render(
        request,
        "mandates/matrix.html",
        {
            "form": form,
            "matrix": data,
            "legend": exports.legend_lines(),
            "query": query,
        },
    )


@login_required
def matrix_xlsx(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "mandates.view")
    _form, data, filters = _matrix(request)
    filter_text = selectors.matrix_filter_text(
        status=filters["status"], level=filters["level"], origin=filters["origin"]
    )
    workbook = exports.matrix_workbook(data, _municipality_name(request), filter_text)
    return workbook_response(workbook, f"ansvarsmatris-{timezone.localdate():%Y-%m-%d}.xlsx")


@login_required
def matrix_pdf(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "mandates.view")
    _form, data, filters = _matrix(request)
    filter_text = selectors.matrix_filter_text(
        status=filters["status"], level=filters["level"], origin=filters["origin"]
    )
    pdf = exports.matrix_pdf(data, _municipality_name(request), filter_text)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="ansvarsmatris-{timezone.localdate():%Y-%m-%d}.pdf"'
    )
    return response


# --- decisions -------------------------------------------------------------------------------


@login_required
def decision_list(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "mandates.decision.view")
    q = request.GET.get("q", "").strip()[:200]
    page = Paginator(selectors.decisions(request.user, q=q), PAGE_SIZE).get_page(
        request.GET.get("sida")
    )
    return render(
        request,
        "mandates/decision_list.html",
        {"page": page, "q": q, "can_change": policy.can(request.user, "mandates.decision.change")},
    )


@login_required
def decision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    decision = policy.get_or_404(
        request.user, "mandates.decision.view", Decision.objects.select_related("body"), pk=pk
    )
    return render(
        request,
        "mandates/decision_detail.html",
        {
            "decision": decision,
            "mandates": selectors.decision_mandates(decision),
            "history": selectors.history(decision),
            "can_change": policy.can(request.user, "mandates.decision.change", decision),
        },
    )


@login_required
def decision_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    decision = policy.get_for_change(
        request.user,
        "mandates.decision.view",
        "mandates.decision.change",
        Decision.objects.select_related("body"),
        pk,
    )
    # "Registrera beslutet" on a commissioned mandate's page: link the new decision to it.
    mandate = None
    if pk is None and request.GET.get("uppdrag", "").isdigit():
        mandate = policy.get_or_404(
            request.user, "mandates.view", selectors.mandate_queryset(), pk=request.GET["uppdrag"]
        )
        policy.require(request.user, "mandates.change", mandate)
        if not mandate.missing_decision:
            mandate = None
    original = decision.reference if decision.pk else ""
    form = DecisionForm(
        request.POST or None,
        instance=decision,
        initial=selectors.decision_defaults(mandate) if mandate is not None else None,
    )

    def save() -> Decision:
        if mandate is not None:
            return services.save_decision_for_mandate(
                form.save(commit=False), mandate, actor=request.user
            )
        return services.save_decision(form.save(commit=False), actor=request.user)

    return submit_form(
        request,
        form,
        save,
        done=lambda saved: _("Beslutet %(ref)s har sparats.") % {"ref": saved},
        then=lambda saved: mandate or saved,
        template="mandates/decision_form.html",
        context={"decision": decision, "original": original, "mandate": mandate},
    )


# --- policy areas ----------------------------------------------------------------------------


@login_required
def policy_area_list(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "mandates.policyarea.view")
    return render(
        request,
        "mandates/policyarea_list.html",
        {
            "areas": selectors.policy_areas(request.user),
            "can_change": policy.can(request.user, "mandates.policyarea.change"),
        },
    )


@login_required
def policy_area_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    area = policy.get_for_change(
        request.user,
        "mandates.policyarea.view",
        "mandates.policyarea.change",
        PolicyArea.objects,
        pk,
    )
    original = area.name if area.pk else ""
    form = PolicyAreaForm(request.POST or None, instance=area)
    return submit_form(
        request,
        form,
        lambda: services.save_policy_area(form.save(commit=False), actor=request.user),
        done=lambda saved: _("Politikområdet %(name)s har sparats.") % {"name": saved},
        then=reverse("mandates:policyarea-list"),
        template="mandates/policyarea_form.html",
        context={"area": area, "original": original},
    )
