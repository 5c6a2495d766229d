"""Pages for goals and indicators: thin, each guarded by one policy action."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from etablera.accounts import policy
from etablera.web.forms import submit_form

from . import presentation, selectors, services
from .forms import GoalFilterForm, GoalForm, IndicatorForm, TargetForm, ValueForm
from .models import Goal, Indicator, IndicatorValue, Target
from .sources import source_blocks, value_cell


@login_required
def goal_list(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "goals.view")
    form = GoalFilterForm(request.GET or None)
    filters = {}
    if form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
    return render(
        request,
        "goals/goal_list.html",
        {
            "form": form,
            "tree": selectors.goal_tree(request.user, **filters),
            "can_change": policy.can(request.user, "goals.change"),
            "filtered": bool(filters),
        },
    )


@login_required
def goal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    goal = selectors.goal_for(request.user, pk)
    return render(
        request,
        "goals/goal_detail.html",
        {
            "goal": goal,
            "indicators": list(goal.indicators.all()),
            "mandates": list(goal.mandates.all()),
            "children": list(goal.children.all()),
            "kolada_blocks": source_blocks(goal.indicators.all()),
            "can_change": policy.can(request.user, "goals.change", goal),
        },
    )


@login_required
def goal_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    goal = policy.get_for_change(request.user, "goals.view", "goals.change", Goal.objects, pk)
    form = GoalForm(request.POST or None, instance=goal)
    return submit_form(
        request,
        form,
        lambda: services.save_goal(
            form.save(commit=False),
            form.cleaned_data["mandates"],
            actor=request.user,
        ),
        done=_("Målet har sparats."),
        then=lambda saved: reverse("goals:goal-detail", args=[saved.pk]),
        template="goals/goal_form.html",
        context={"goal": goal},
    )


@login_required
def indicator_list(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "goals.view")
    search = request.GET.get("q", "").strip()[:100]
    return render(
        request,
        "goals/indicator_list.html",
        {
            "indicators": selectors.indicators(request.user, search=search),
            "search": search,
            "can_change": policy.can(request.user, "goals.change"),
        },
    )


@login_required
def indicator_detail(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = selectors.indicator_for(request.user, pk)
    values = list(selectors.values_of(indicator))
    return render(
        request,
        "goals/indicator_detail.html",
        {
            "indicator": indicator,
            "goals": list(indicator.goals.all()),
            "targets": list(indicator.targets.all()),
            "value_rows": [(v, value_cell(v.value, indicator)) for v in values],
            "targets_table": presentation.targets_table(indicator),
            "trend": presentation.trend_chart(indicator, values),
            "kolada_blocks": source_blocks([indicator]),
            "can_change": policy.can(request.user, "goals.change", indicator),
            "can_enter": indicator.source != "register"
            and policy.can(request.user, "goals.value.change", indicator),
        },
    )


@login_required
def indicator_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    indicator = policy.get_for_change(
        request.user, "goals.view", "goals.change", Indicator.objects, pk
    )
    form = IndicatorForm(request.POST or None, instance=indicator)
    return submit_form(
        request,
        form,
        lambda: services.save_indicator(
            form.save(commit=False),
            form.cleaned_data["goals"],
            actor=request.user,
        ),
        done=_("Indikatorn har sparats."),
        then=lambda saved: reverse("goals:indicator-detail", args=[saved.pk]),
        template="goals/indicator_form.html",
        context={"indicator": indicator},
    )


@login_required
def target_edit(request: HttpRequest, indicator_pk: int, pk: int | None = None) -> HttpResponse:
    indicator = policy.get_or_404(request.user, "goals.view", Indicator.objects, pk=indicator_pk)
    policy.require(request.user, "goals.change", indicator)
    target = (
        policy.get_or_404(request.user, "goals.view", indicator.targets.all(), pk=pk)
        if pk
        else Target(indicator=indicator)
    )
    form = TargetForm(request.POST or None, instance=target, indicator=indicator)
    return submit_form(
        request,
        form,
        lambda: services.save_target(form.save(commit=False), actor=request.user),
        done=_("Målvärdet har sparats."),
        then=reverse("goals:indicator-detail", args=[indicator.pk]),
        template="goals/indicator_figure_form.html",
        context={
            "indicator": indicator,
            "title": _("Målvärde"),
            "crumb": _("Målvärde"),
            "heading": _("Ändra målvärde") if target.pk else _("Nytt målvärde"),
        },
    )


@login_required
def value_edit(request: HttpRequest, indicator_pk: int, pk: int | None = None) -> HttpResponse:
    indicator = policy.get_or_404(request.user, "goals.view", Indicator.objects, pk=indicator_pk)
    policy.require(request.user, "goals.value.change", indicator)
    value = (
        policy.get_or_404(
            request.user, "goals.view", IndicatorValue.objects.filter(indicator=indicator), pk=pk
        )
        if pk
        else IndicatorValue(indicator=indicator)
    )
    form = ValueForm(request.POST or None, instance=value, indicator=indicator)
    return submit_form(
        request,
        form,
        lambda: services.save_value(form.save(commit=False), actor=request.user),
        done=_("Värdet har sparats."),
        then=reverse("goals:indicator-detail", args=[indicator.pk]),
        template="goals/indicator_figure_form.html",
        context={
            "indicator": indicator,
            "title": _("Mata in värde"),
            "crumb": _("Värde"),
            "heading": _("Ändra värde") if value.pk else _("Mata in värde"),
        },
    )
