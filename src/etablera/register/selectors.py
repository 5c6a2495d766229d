"""Reads of the register, each scoped by the access policy.

Reading personal data is logged by the caller (views and API) after the read succeeded, so that
a log entry means someone saw the data; these functions only read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from etablera.accounts import policy
from etablera.organisation.models import Unit

from . import crypto, identity
from .models import (
    ConflictStatus,
    Enrolment,
    FollowUpDay,
    ImportRun,
    Intervention,
    OutcomeObservation,
    Participant,
    RegistrationConflict,
)


def interventions(user, *, category: str = "", active_on: dt.date | None = None, query: str = ""):
    """Interventions the user may see, with their unit, mandate and current participant count
    and its cell key (shown only through ``statistics.counts.protect``)."""
    from etablera.statistics import counts

    today = active_on or dt.date.today()
    qs = Intervention.objects.select_related(
        "provider_unit", "provider_unit__body", "commissioning_mandate"
    ).annotate(
        active_count=Count("enrolments", filter=counts.active_filter(today)),
        active_key=counts.active_key(today),
    )
    if category:
        qs = qs.filter(category=category)
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(code__iexact=query))
    return policy.scope(user, "register.intervention.view", qs).order_by("name", "pk")


def suppressed(count: int) -> bool:
    """Whether a participant count is too small to show to someone who may not see who."""
    return 0 < count < settings.ETABLERA_SUPPRESSION_THRESHOLD


def participants(user) -> QuerySet[Participant]:
    """The participants the user may see (a coach: those of their units), newest first."""
    qs = Participant.objects.select_related("owning_unit").annotate(
        enrolment_count=Count("enrolments"),
        active_count=Count("enrolments", filter=Q(enrolments__end__isnull=True)),
    )
    return policy.scope(user, "register.participant.view", qs).order_by("-created_at", "-pk")


def find_participant(user, text: str) -> Participant | None:
    """Exact search by identity number (through the keyed hash) or reserve number.

    Returns None both when nobody has the number and when the person is outside the user's
    scope: the answer must not reveal that someone exists elsewhere.
    """
    text = (text or "").strip()
    if not text:
        return None
    visible = policy.scope(user, "register.participant.view", Participant.objects.all())
    try:
        number = identity.parse(text)
    except identity.InvalidIdentityNumber:
        try:
            reserve = identity.normalise_reserve_number(text)
        except identity.InvalidIdentityNumber:
            return None
        return visible.filter(reserve_number=reserve).first()
    return visible.filter(identity_hash=crypto.lookup_hash(number.canonical)).first()


def participant_enrolments(participant: Participant) -> list[Enrolment]:
    """A participant's enrolments, newest first, with what their rows show."""
    return list(
        participant.enrolments.select_related(
            "intervention", "status_at_start", "exit_status"
        ).prefetch_related("observations__status")
    )


def enrolments(user) -> QuerySet[Enrolment]:
    qs = Enrolment.objects.select_related(
        "participant", "intervention", "status_at_start", "exit_status"
    )
    return policy.scope(user, "register.enrolment.view", qs)


def observations(user) -> QuerySet[OutcomeObservation]:
    qs = OutcomeObservation.objects.select_related("enrolment", "status")
    return policy.scope(user, "register.observation.view", qs)


@dataclass(frozen=True)
class DueFollowUp:
    enrolment: Enrolment
    days: int
    due_on: dt.date

    @property
    def overdue_days(self) -> int:
        return (dt.date.today() - self.due_on).days


def due_follow_ups(user, *, today: dt.date | None = None, window_days: int = 365):
    """Outcome observations due: enrolments that ended 90, 180 or 365 days ago or more and have
    no observation for that point yet, due within the last ``window_days`` (older ones count as
    missed). Returns a queryset of enrolments (for paging) and a function that expands a page of
    them into due points."""
    today = today or dt.date.today()
    since = today - dt.timedelta(days=window_days)
    has = {
        days: Exists(
            OutcomeObservation.objects.filter(enrolment=OuterRef("pk"), days_after_exit=days)
        )
        for days in FollowUpDay.values
    }
    due = Q(pk__in=[])
    for days in FollowUpDay.values:
        window = Q(
            end__lte=today - dt.timedelta(days=days), end__gt=since - dt.timedelta(days=days)
        )
        due |= window & Q(**{f"has_{days}": False})
    qs = (
        Enrolment.objects.filter(end__isnull=False)
        .annotate(**{f"has_{days}": expr for days, expr in has.items()})
        .filter(due)
        .select_related("participant", "intervention", "exit_status")
        .order_by("end", "pk")
    )
    qs = policy.scope(user, "register.observation.change", qs)

    def expand(page: list[Enrolment]) -> list[DueFollowUp]:
        points = []
        for enrolment in page:
            if enrolment.end is None:
                continue
            for days in FollowUpDay.values:
                due_on: dt.date = enrolment.end + dt.timedelta(days=days)
                if since < due_on <= today and not getattr(enrolment, f"has_{days}"):
                    points.append(DueFollowUp(enrolment, days, due_on))
        return points

    return qs, expand


def units_for(user, action: str) -> QuerySet[Unit]:
    """The units where the user may place an object under ``action`` (a coach: their subtree)."""
    reach = policy.reach(user, action)
    return Unit.objects.filter(reach.unit_q()).select_related("body").order_by("body__name", "path")


def import_runs(user) -> QuerySet[ImportRun]:
    qs = ImportRun.objects.select_related("owning_unit", "started_by")
    return policy.scope(user, "register.import", qs)


def open_conflicts(user) -> QuerySet[RegistrationConflict]:
    """Open registration conflicts about participants of the user's units (oldest first)."""
    qs = RegistrationConflict.objects.filter(status=ConflictStatus.OPEN).select_related(
        "participant", "requested_unit", "requested_by"
    )
    return policy.scope(user, "register.conflict.resolve", qs).order_by("created_at", "pk")
