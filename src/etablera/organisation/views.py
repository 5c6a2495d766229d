"""Pages for the organisation: thin, each guarded by one policy action."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from etablera.accounts import policy
from etablera.web.forms import submit_form

from . import selectors, services
from .forms import BodyFilterForm, BodyForm, MunicipalityForm, UnitForm
from .models import Body, Municipality, Unit


@login_required
def body_list(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "organisation.view")
    form = BodyFilterForm(request.GET or None)
    kind = form.cleaned_data["kind"] if form.is_valid() else ""
    return render(
        request,
        "organisation/body_list.html",
        {
            "form": form,
            "bodies": selectors.bodies(request.user, kind=kind),
            "can_change": policy.can(request.user, "organisation.change"),
        },
    )


@login_required
def body_detail(request: HttpRequest, pk: int) -> HttpResponse:
    body = policy.get_or_404(request.user, "organisation.view", Body.objects, pk=pk)
    return render(
        request,
        "organisation/body_detail.html",
        {
            "body": body,
            "units": selectors.units_of(body),
            "can_change": policy.can(request.user, "organisation.change", body),
        },
    )


@login_required
def body_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    body = policy.get_for_change(
        request.user,
        "organisation.view",
        "organisation.change",
        Body.objects,
        pk,
        new=lambda: Body(municipality=Municipality.objects.current()),
    )
    form = BodyForm(request.POST or None, instance=body)
    return submit_form(
        request,
        form,
        lambda: services.save_body(form.save(commit=False), actor=request.user),
        done=lambda saved: _("Organet %(name)s har sparats.") % {"name": saved.name},
        then=lambda saved: reverse("organisation:body-detail", args=[saved.pk]),
        template="organisation/body_form.html",
        context={"body": body},
    )


@login_required
def unit_edit(request: HttpRequest, body_pk: int, pk: int | None = None) -> HttpResponse:
    body = policy.get_or_404(request.user, "organisation.view", Body.objects, pk=body_pk)
    policy.require(request.user, "organisation.change", body)
    unit = (
        policy.get_or_404(request.user, "organisation.view", body.units.all(), pk=pk)
        if pk
        else Unit(body=body)
    )
    form = UnitForm(request.POST or None, instance=unit, body=body)
    return submit_form(
        request,
        form,
        lambda: services.save_unit(form.save(commit=False), actor=request.user),
        done=lambda saved: _("Enheten %(name)s har sparats.") % {"name": saved.name},
        then=reverse("organisation:body-detail", args=[body.pk]),
        template="organisation/unit_form.html",
        context={"body": body, "unit": unit},
    )


@login_required
def municipality_edit(request: HttpRequest) -> HttpResponse:
    municipality = Municipality.objects.current()
    policy.require(request.user, "organisation.change")
    if municipality is None:
        municipality = Municipality()
    form = MunicipalityForm(request.POST or None, instance=municipality)
    return submit_form(
        request,
        form,
        lambda: services.save_municipality(form.save(commit=False), actor=request.user),
        done=_("Kommunens uppgifter har sparats."),
        then=reverse("organisation:body-list"),
        template="organisation/municipality_form.html",
    )
