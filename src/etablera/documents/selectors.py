"""Reads of steering documents, scoped by the access policy, each in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from etablera.accounts import policy
from etablera.organisation.models import Body

from .models import (
    Acknowledgement,
    Distribution,
    DocumentVersion,
    SteeringDocument,
    VersionStatus,
)

ACKNOWLEDGED = "acknowledged"
PENDING = "pending"
OVERDUE = "overdue"


class SubqueryCount(Subquery):
    """``(SELECT COUNT(*) FROM (subquery))``: a count per row, no GROUP BY on the outer query."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _count)"
    output_field = IntegerField()


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def documents(
    user,
    *,
    kind: str = "",
    owner: Body | None = None,
    text: str = "",
    past_review: bool = False,
    today: dt.date | None = None,
) -> QuerySet[SteeringDocument]:
    """Documents the user may read, with their adopted version and its acknowledgement counts."""
    today = _today(today)
    adopted = DocumentVersion.objects.filter(document=OuterRef("pk"), status=VersionStatus.ADOPTED)
    current = Distribution.objects.filter(
        version__document=OuterRef("pk"), version__status=VersionStatus.ADOPTED
    )
    qs = SteeringDocument.objects.select_related("owner").annotate(
        current_version_id=Subquery(adopted.values("pk")[:1]),
        current_number=Subquery(adopted.values("number")[:1]),
        current_adopted_on=Subquery(adopted.values("adopted_on")[:1]),
        version_count=SubqueryCount(DocumentVersion.objects.filter(document=OuterRef("pk"))),
        sent_count=SubqueryCount(current.values("pk")),
        acknowledged_count=SubqueryCount(
            current.filter(acknowledgement__isnull=False).values("pk")
        ),
        overdue_count=SubqueryCount(
            current.filter(acknowledgement__isnull=True, deadline__lt=today).values("pk")
        ),
    )
    if kind:
        qs = qs.filter(kind=kind)
    if owner is not None:
        qs = qs.filter(owner=owner)
    if text:
        qs = qs.filter(Q(title__icontains=text) | Q(description__icontains=text))
    if past_review:
        qs = qs.filter(review_by__lt=today)
    return policy.scope(user, "documents.view", qs.order_by("title", "pk"))


def versions_of(document: SteeringDocument) -> QuerySet[DocumentVersion]:
    """The document's versions, newest first, with their decisions and coverage counts."""
    return (
        document.versions.select_related("decision__body")
        .annotate(
            sent_count=Count("distributions", distinct=True),
            acknowledged_count=Count("distributions__acknowledgement", distinct=True),
        )
        .order_by("-number")
    )


def current_version(document: SteeringDocument) -> DocumentVersion | None:
    return (
        document.versions.select_related("decision__body")
        .filter(status=VersionStatus.ADOPTED)
        .first()
    )


def state_of(distribution: Distribution, today: dt.date) -> str:
    if distribution.is_acknowledged:
        return ACKNOWLEDGED
    return OVERDUE if distribution.deadline < today else PENDING


def _recipient_sort_key(distribution: Distribution) -> tuple:
    body = distribution.recipient_body
    return (
        body.kind_order if body else 99,
        body.name if body else "",
        distribution.unit.path if distribution.unit_id else "",
    )


@dataclass
class Coverage:
    """Who has acknowledged a version, who has not, and who is past the deadline."""

    rows: list[Distribution] = field(default_factory=list)
    acknowledged: int = 0
    pending: int = 0
    overdue: int = 0

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def percent(self) -> int:
        return round(100 * self.acknowledged / self.total) if self.rows else 0


def _coverage(distributions: QuerySet[Distribution], today: dt.date) -> Coverage:
    rows = sorted(
        distributions.select_related(
            "body",
            "unit__body",
            "acknowledgement__acknowledged_by",
            "version__document__owner",
        ),
        key=_recipient_sort_key,
    )
    coverage = Coverage(rows=rows)
    for row in rows:
        row.state = state_of(row, today)  # type: ignore[attr-defined]
        setattr(coverage, row.state, getattr(coverage, row.state) + 1)  # type: ignore[attr-defined]
    return coverage


def version_coverage(version: DocumentVersion, today: dt.date | None = None) -> Coverage:
    """Every recipient of ``version`` with its acknowledgement (and text), or its lateness."""
    return _coverage(version.distributions.all(), _today(today))


def body_coverage(body: Body, today: dt.date | None = None) -> Coverage:
    """What the body and its units were sent of the documents in force, acknowledged or not."""
    qs = Distribution.objects.filter(
        Q(body=body) | Q(unit__body=body), version__status=VersionStatus.ADOPTED
    ).order_by("deadline", "pk")
    coverage = _coverage(qs, _today(today))
    coverage.rows.sort(key=lambda d: (d.state != OVERDUE, d.state != PENDING, d.deadline))  # type: ignore[attr-defined]
    return coverage


def coverage_by_body(user, today: dt.date | None = None) -> QuerySet[Body]:
    """Every body of the municipality with counts of what it was sent of the documents in force."""
    today = _today(today)
    sent = Distribution.objects.filter(
        Q(body=OuterRef("pk")) | Q(unit__body=OuterRef("pk")),
        version__status=VersionStatus.ADOPTED,
    )
    qs = (
        Body.objects.municipal()
        .annotate(
            sent_count=SubqueryCount(sent.values("pk")),
            acknowledged_count=SubqueryCount(
                sent.filter(acknowledgement__isnull=False).values("pk")
            ),
            pending_count=SubqueryCount(sent.filter(acknowledgement__isnull=True).values("pk")),
            overdue_count=SubqueryCount(
                sent.filter(acknowledgement__isnull=True, deadline__lt=today).values("pk")
            ),
        )
        .order_by("kind_order", "name")
    )
    return policy.scope(user, "organisation.view", qs)


def pending_for(user) -> QuerySet[Distribution]:
    """Distributions of documents in force that the user may acknowledge and nobody has yet."""
    qs = (
        Distribution.objects.filter(
            version__status=VersionStatus.ADOPTED, acknowledgement__isnull=True
        )
        .select_related("version__document__owner", "body", "unit__body")
        .order_by("deadline", "pk")
    )
    return policy.scope(user, "documents.acknowledge", qs)


def acknowledged_by_scope(user, limit: int = 20) -> list[Acknowledgement]:
    """The latest acknowledgements within the user's acknowledging scope."""
    qs = Acknowledgement.objects.select_related(
        "distribution__version__document",
        "distribution__body",
        "distribution__unit__body",
        "acknowledged_by",
    ).order_by("-acknowledged_at", "-pk")
    return list(policy.scope(user, "documents.acknowledge", qs)[:limit])


def documents_past_review(reader, today: dt.date | None = None) -> QuerySet[SteeringDocument]:
    """Documents ``reader`` may see whose review-by date has passed (for the reminders)."""
    qs = SteeringDocument.objects.filter(review_by__lt=_today(today))
    return policy.scope(reader, "documents.view", qs.select_related("owner")).order_by(
        "review_by", "pk"
    )


def unacknowledged(
    reader, today: dt.date | None = None, *, within_days: int = 0
) -> QuerySet[Distribution]:
    """Distributions ``reader`` may see of documents in force not yet acknowledged and due by
    ``today + within_days``.

    ``within_days=0`` gives those due today or earlier; the overdue ones are those with a
    deadline before today (for the reminders and the governance check).
    """
    limit = _today(today) + dt.timedelta(days=within_days)
    qs = Distribution.objects.filter(
        version__status=VersionStatus.ADOPTED,
        acknowledgement__isnull=True,
        deadline__lte=limit,
    ).select_related("version__document__owner", "body", "unit__body")
    return policy.scope(reader, "documents.view", qs).order_by("deadline", "pk")


def acknowledgeable(user, version: DocumentVersion) -> list[Distribution]:
    """The user's own distributions of ``version`` that still wait for an acknowledgement."""
    if version.status != VersionStatus.ADOPTED:
        return []
    return list(pending_for(user).filter(version=version))
