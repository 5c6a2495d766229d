"""Traceability: from a recommendation to what was done about it, and with what effect.

recommendation → actions → the mandates and documents (and goals, indicators, reports) linked
as evidence → the interventions those mandates commission (or that are linked directly) → their
KPI values over time (from the statistics engine, with its disclosure control) → the report
entries that assessed the mandates and goals.

Every step is scoped by the reader's own access: evidence only where the reader may see its
target, interventions by ``register.intervention.view``, report entries by
``followup.entry.view``. The number of queries depends on the kinds of evidence and the years
shown, never on the number of actions, links, interventions or entries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Q

from etablera.accounts import policy

from . import selectors
from .evidence import ResolvedEvidence
from .kpi_trace import KpiSeries, kpi_series
from .models import Recommendation


@dataclass
class Trace:
    recommendation: Recommendation
    view: selectors.RecommendationView
    mandates: list = field(default_factory=list)
    documents: list = field(default_factory=list)
    goals: list = field(default_factory=list)
    indicators: list = field(default_factory=list)
    reports: list = field(default_factory=list)
    interventions: list = field(default_factory=list)
    kpis: list[KpiSeries] = field(default_factory=list)
    kpi_note: str = ""
    entries: list = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.mandates or self.documents or self.goals or self.interventions)


def _unique(objects) -> list:
    seen: dict[tuple[str, int], object] = {}
    for obj in objects:
        seen.setdefault((obj._meta.label_lower, obj.pk), obj)
    return list(seen.values())


def _evidence(view: selectors.RecommendationView) -> list[ResolvedEvidence]:
    found = list(view.evidence)
    for action in view.actions:
        found.extend(action.evidence)
    return found


def _installed(label: str) -> bool:
    app_label, model_name = label.split(".")
    try:
        apps.get_model(app_label, model_name)
    except LookupError:
        return False
    return True


def recommendation_trace(user, recommendation: Recommendation, today: dt.date) -> Trace:
    """The chain from ``recommendation`` to its effect, as ``user`` may see it."""
    view = selectors.recommendation_view(user, recommendation, today)
    trace = Trace(recommendation=recommendation, view=view)
    by_model: dict[str, list] = {}
    for item in _evidence(view):
        by_model.setdefault(item.kind.model, []).append(item.target)
    trace.mandates = _unique(by_model.get("mandates.mandate", []))
    trace.documents = _unique(by_model.get("documents.documentversion", []))
    trace.goals = _unique(by_model.get("goals.goal", []))
    trace.indicators = _unique(by_model.get("goals.indicator", []))
    trace.reports = _unique(by_model.get("followup.report", []))
    direct_interventions = _unique(by_model.get("register.intervention", []))

    if _installed("register.intervention"):
        from etablera.register.models import Intervention

        ids = [i.pk for i in direct_interventions]
        mandate_ids = [m.pk for m in trace.mandates]
        qs = Intervention.objects.filter(
            Q(pk__in=ids) | Q(commissioning_mandate_id__in=mandate_ids)
        ).select_related("provider_unit", "commissioning_mandate")
        trace.interventions = list(
            policy.visible(user, "register.intervention.view", qs).order_by("name", "pk")
        )

    if trace.interventions:
        trace.kpis, trace.kpi_note = kpi_series(user, trace.interventions, recommendation, today)

    if _installed("followup.reportentry"):
        from etablera.followup.models import ReportEntry

        subjects = {m.pk for m in trace.mandates} | {
            i.commissioning_mandate_id for i in trace.interventions if i.commissioning_mandate_id
        }
        goal_ids = {g.pk for g in trace.goals}
        entries = ReportEntry.objects.filter(
            Q(mandate_id__in=subjects) | Q(goal_id__in=goal_ids)
        ).select_related("report__period", "report__body", "mandate", "goal")
        trace.entries = list(
            policy.visible(user, "followup.entry.view", entries).order_by(
                "-report__period__end", "report__body__kind_order", "order", "pk"
            )
        )
    return trace
