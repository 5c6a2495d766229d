"""Reads of audits, scoped by the access policy, in a number of queries that does not grow
with the number of recommendations, actions or evidence links."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from etablera.accounts import policy
from etablera.organisation.models import Body

from . import evidence
from .models import (
    Action,
    Assessment,
    Audit,
    AuditorFollowUp,
    EvidenceLink,
    Recommendation,
    Response,
)

# --- the list of audits ----------------------------------------------------------------------


def audits(user, *, body: Body | None = None) -> QuerySet[Audit]:
    """Audits the user may read, newest first, with their audited bodies."""
    qs = Audit.objects.prefetch_related("audited_bodies")
    if body is not None:
        qs = qs.filter(Q(audited_bodies=body) | Q(recommendations__addressed_to=body)).distinct()
    return policy.scope(user, "audits.view", qs)


def _state(latest_assessment: str | None, has_overdue_action: bool) -> str:
    if latest_assessment == Assessment.ADDRESSED:
        return "addressed"
    return "overdue" if has_overdue_action else "open"


def state_of(recommendation: Recommendation) -> str:
    """The recommendation's state: "addressed" (the auditors' latest assessment says so),
    "overdue" (not addressed, and an action is past its due date) or "open".

    Needs a recommendation annotated by ``Recommendation.objects.with_state``.
    """
    return _state(recommendation.latest_assessment, recommendation.has_overdue_action)


@dataclass
class RecommendationCounts:
    """Recommendations in all, open (not assessed as addressed by the auditors; the overdue
    ones included), overdue and addressed."""

    total: int = 0
    open: int = 0
    overdue: int = 0
    addressed: int = 0

    def add(self, state: str) -> None:
        self.total += 1
        if state == "addressed":
            self.addressed += 1
        else:
            self.open += 1
            self.overdue += state == "overdue"


def recommendation_counts(audit_ids, today: dt.date) -> dict[int, RecommendationCounts]:
    """The counts of each audit's recommendations, in one query."""
    counts: dict[int, RecommendationCounts] = {pk: RecommendationCounts() for pk in audit_ids}
    rows = (
        Recommendation.objects.filter(audit_id__in=list(audit_ids))
        .with_state(today)
        .order_by()
        .values_list("audit_id", "latest_assessment", "has_overdue_action")
    )
    for audit_id, latest, overdue in rows:
        counts[audit_id].add(_state(latest, overdue))
    return counts


# --- bodies a user acts for ------------------------------------------------------------------


def acting_body_ids(user, action: str) -> set[int]:
    """The bodies for which ``user`` may do ``action`` (empty when the role lacks it); read
    once per user object, i.e. once per request, like the policy's grants."""
    if not policy.can(user, action):
        return set()
    cache = user.__dict__.setdefault("_etablera_acting_bodies", {})
    if action not in cache:
        cache[action] = set(
            policy.scope(user, action, Body.objects.all()).values_list("pk", flat=True)
        )
    return cache[action]


# --- one audit -------------------------------------------------------------------------------


def _evidence_prefetch() -> Prefetch:
    return Prefetch("evidence", EvidenceLink.objects.order_by("content_type_id", "object_id"))


def recommendations_of(audit: Audit, today: dt.date) -> QuerySet[Recommendation]:
    """The audit's recommendations with their state, bodies, actions, evidence and follow-ups."""
    return (
        Recommendation.objects.filter(audit=audit)
        .with_state(today)
        .prefetch_related(
            "addressed_to",
            Prefetch(
                "actions",
                Action.objects.select_related("responsible_body").prefetch_related(
                    _evidence_prefetch()
                ),
            ),
            _evidence_prefetch(),
            Prefetch("follow_ups", AuditorFollowUp.objects.select_related("recorded_by")),
        )
        .order_by("number")
    )


@dataclass
class ActionView:
    action: Action
    overdue: bool
    evidence: list[evidence.ResolvedEvidence]
    can_change: bool
    can_link: bool


@dataclass
class RecommendationView:
    recommendation: Recommendation
    state: str
    actions: list[ActionView]
    evidence: list[evidence.ResolvedEvidence]
    latest_follow_up: AuditorFollowUp | None
    follow_ups: list[AuditorFollowUp]
    responses: list[Response] = field(default_factory=list)
    can_add_action: bool = False
    can_link: bool = False
    can_respond: bool = False


def _views(user, recommendations: list[Recommendation], today: dt.date) -> list[RecommendationView]:
    links = [link for rec in recommendations for link in rec.evidence.all()]
    links += [
        link for rec in recommendations for a in rec.actions.all() for link in a.evidence.all()
    ]
    resolved = evidence.resolve_links(user, links)
    action_bodies = acting_body_ids(user, "audits.action.change")
    evidence_bodies = acting_body_ids(user, "audits.evidence.change")
    response_bodies = acting_body_ids(user, "audits.response.change")
    views = []
    for rec in recommendations:
        addressed = {b.pk for b in rec.addressed_to.all()}
        action_views = []
        for action in rec.actions.all():
            bodies = addressed | {action.responsible_body_id}
            action_views.append(
                ActionView(
                    action=action,
                    overdue=action.is_overdue(today),
                    evidence=[
                        resolved[link.pk] for link in action.evidence.all() if link.pk in resolved
                    ],
                    can_change=bool(bodies & action_bodies),
                    can_link=bool(bodies & evidence_bodies),
                )
            )
        follow_ups = list(rec.follow_ups.all())
        views.append(
            RecommendationView(
                recommendation=rec,
                state=state_of(rec),
                actions=action_views,
                evidence=[resolved[link.pk] for link in rec.evidence.all() if link.pk in resolved],
                latest_follow_up=follow_ups[0] if follow_ups else None,
                follow_ups=follow_ups,
                can_add_action=bool(action_bodies),
                can_link=bool(addressed & evidence_bodies),
                can_respond=bool(addressed & response_bodies),
            )
        )
    return views


@dataclass
class AuditPage:
    audit: Audit
    questions: list
    recommendations: list[RecommendationView]
    responses: list[Response]
    counts: RecommendationCounts
    response_overdue: bool
    can_respond: bool
    #: The responses the user may change (those of bodies the user answers for).
    editable_responses: set[int] = field(default_factory=set)


def responses_of(audit: Audit) -> list[Response]:
    return list(
        audit.responses.select_related("body", "decision__body", "recommendation").order_by(
            "date", "pk"
        )
    )


def audit_page(user, audit: Audit, today: dt.date) -> AuditPage:
    """Everything the audit's page shows, as its reader may see it."""
    recommendations = list(recommendations_of(audit, today))
    views = _views(user, recommendations, today)
    responses = responses_of(audit)
    by_rec: dict[int | None, list[Response]] = {}
    for response in responses:
        by_rec.setdefault(response.recommendation_id, []).append(response)
    for view in views:
        view.responses = by_rec.get(view.recommendation.pk, [])
    counts = RecommendationCounts()
    for view in views:
        counts.add(view.state)
    may_answer = {b.pk for b in audit.audited_bodies.all()}
    for view in views:
        may_answer |= {b.pk for b in view.recommendation.addressed_to.all()}
    response_bodies = acting_body_ids(user, "audits.response.change")
    return AuditPage(
        audit=audit,
        questions=list(audit.questions.order_by("number")),
        recommendations=views,
        responses=responses,
        counts=counts,
        response_overdue=audit.response_overdue(today) and not responses,
        can_respond=bool(may_answer & response_bodies),
        editable_responses={r.pk for r in responses if r.body_id in response_bodies},
    )


def recommendation_view(user, recommendation: Recommendation, today: dt.date) -> RecommendationView:
    """One recommendation, as on its audit's page (for the recommendation's own page)."""
    rec = recommendations_of(recommendation.audit, today).get(pk=recommendation.pk)
    view = _views(user, [rec], today)[0]
    view.responses = list(
        rec.responses.select_related("body", "decision__body").order_by("date", "pk")
    )
    return view


# --- which recommendations an object answers -------------------------------------------------


def recommendations_answered_by(user, obj, today: dt.date | None = None) -> list[Recommendation]:
    """The recommendations that ``obj`` (a mandate, an intervention, a goal …) is evidence for:
    linked directly to the recommendation or to one of its actions. An intervention also
    answers what its commissioning mandate answers. One query."""
    from django.utils import timezone

    targets = [obj]
    mandate = getattr(obj, "commissioning_mandate", None)
    if mandate is not None:
        targets.append(mandate)
    condition = Q(pk__in=[])
    for target in targets:
        content_type = ContentType.objects.get_for_model(type(target))
        links = EvidenceLink.objects.filter(content_type=content_type, object_id=target.pk)
        condition |= Q(
            Exists(links.filter(recommendation=OuterRef("pk")))
            | Exists(links.filter(action__recommendation=OuterRef("pk")))
        )
    qs = (
        Recommendation.objects.filter(condition)
        .select_related("audit")
        .with_state(today or timezone.localdate())
        .order_by("-audit__published_on", "audit_id", "number")
    )
    result = list(policy.scope(user, "audits.view", qs))
    for rec in result:
        rec.state = state_of(rec)
    return result
