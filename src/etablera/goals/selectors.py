"""Reads for goals and indicators, scoped by the access policy, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet

from etablera.accounts import policy

from .models import Goal, Indicator, IndicatorValue, Target


@dataclass
class GoalNode:
    goal: Goal
    children: list[GoalNode] = field(default_factory=list)


def goals(user, *, level: str = "", policy_area=None, owner=None) -> QuerySet[Goal]:
    qs = Goal.objects.select_related("owner", "policy_area", "parent").annotate(
        indicator_count=Count("indicators", distinct=True),
        mandate_count=Count("mandates", distinct=True),
    )
    if level:
        qs = qs.filter(level=level)
    if policy_area is not None:
        qs = qs.filter(policy_area=policy_area)
    if owner is not None:
        qs = qs.filter(owner=owner)
    return policy.scope(user, "goals.view", qs).order_by("policy_area__order", "level", "title")


def goal_tree(user, **filters) -> list[GoalNode]:
    """The goals as a forest: council goals with their committee and activity goals below.

    A goal whose parent is filtered out is shown at the top level, so nothing disappears.
    """
    items = list(goals(user, **filters))
    nodes = {g.pk: GoalNode(g) for g in items}
    roots = []
    for goal in items:
        node = nodes[goal.pk]
        if goal.parent_id in nodes:
            nodes[goal.parent_id].children.append(node)
        else:
            roots.append(node)
    return roots


def goal_for(user, pk: int) -> Goal:
    qs = Goal.objects.select_related("owner", "policy_area", "parent").prefetch_related(
        Prefetch("children", queryset=Goal.objects.select_related("owner").order_by("title")),
        Prefetch("mandates", queryset=_mandates()),
        Prefetch("indicators", queryset=Indicator.objects.order_by("name")),
    )
    return policy.get_or_404(user, "goals.view", qs, pk=pk)


def _mandates():
    """A goal's mandates are shown to everyone who may see the goal (titles and bodies only)."""
    from etablera.mandates.models import Mandate

    return Mandate.objects.select_related("owner", "follow_up_body").order_by("title")


def indicators(user, *, source: str = "", search: str = "") -> QuerySet[Indicator]:
    qs = Indicator.objects.annotate(
        goal_count=Count("goals", distinct=True),
        value_count=Count("values", distinct=True),
    )
    if source:
        qs = qs.filter(source=source)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(definition__icontains=search))
    return policy.scope(user, "goals.view", qs).order_by("name")


def indicator_for(user, pk: int) -> Indicator:
    qs = Indicator.objects.prefetch_related(
        Prefetch("goals", queryset=Goal.objects.select_related("owner", "policy_area")),
        Prefetch("targets", queryset=Target.objects.order_by("year", "gender")),
    )
    return policy.get_or_404(user, "goals.view", qs, pk=pk)


def values_of(indicator: Indicator) -> QuerySet[IndicatorValue]:
    return (
        IndicatorValue.objects.filter(indicator=indicator)
        .select_related("entered_by")
        .order_by("-end", "start", "municipality_code", "gender")
    )


def targets(user) -> QuerySet[Target]:
    return policy.scope(user, "goals.view", Target.objects.select_related("indicator"))


def values(user) -> QuerySet[IndicatorValue]:
    return policy.scope(
        user, "goals.view", IndicatorValue.objects.select_related("indicator", "entered_by")
    )
