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
from etablera.web import plugins
from etablera.web.tables import Cell

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


def interventions(user, *, category: str = "", query: str = ""):
    """Interventions the user may see, with their unit and mandate; their current participant
    counts are set on the rows shown by :func:`protect_counts`."""
    qs = Intervention.objects.select_related(
        "provider_unit", "provider_unit__body", "commissioning_mandate"
    )
    if category:
        qs = qs.filter(category=category)
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(code__iexact=query))
    return policy.scope(user, "register.intervention.view", qs).order_by("name", "pk")


def protect_counts(user, interventions, today: dt.date | None = None) -> str:
    """Set ``participants_now`` on each of ``interventions`` as ``user`` may see it and return
    the note to show beside the counts. The ``counts`` hook (the statistics' disclosure
    control) decides; without it every count is hidden — the register never shows an
    unprotected one on its own."""
    parts = plugins.contributions("counts")
    if not parts:
        for intervention in interventions:
            intervention.participants_now = Cell(None, suppressed=True)
        return ""
    parts[0].protect(user, interventions, today)
    return parts[0].note(user)


def _active_on(today: dt.date) -> Q:
    """Enrolments going on on ``today``. ``end`` is indexed, and the open and the future ends
    are few, so this reads the ongoing enrolments only, not every one ever."""
    return (Q(end__isnull=True) | Q(end__gte=today)) & Q(start__lte=today)


def suppressed(count: int) -> bool:
    """Whether a participant count is too small to show to someone who may not see who."""
    return 0 < count < settings.ETABLERA_SUPPRESSION_THRESHOLD


def participants(user) -> QuerySet[Participant]:
    """The participants the user may see (a coach: those of their units), newest first."""
    qs = Participant.objects.select_related("owning_unit", "responsible_coach")
    return policy.scope(user, "register.participant.view", qs).order_by("-created_at", "-pk")


#: The participant list's orders. Each is served by an index on the participant table (see
#: ``Participant.Meta.indexes``) and ends in the primary key, so keyset paging is exact.
PARTICIPANT_ORDERS: dict[str, tuple[str, ...]] = {
    "registrerad": ("-created_at", "-pk"),
    "namn": ("family_name", "given_name", "pk"),
    "aktivitet": ("-last_activity_at", "-pk"),
}


@dataclass(frozen=True)
class ParticipantFilters:
    """What the coach narrowed the list to; every filter only narrows the user's scope."""

    name: str = ""
    mine: bool = False
    active: bool = False
    follow_up_due: bool = False
    intervention_id: int | None = None
    status_id: int | None = None
    order: str = "registrerad"

    @property
    def effective_order(self) -> str:
        """The order the list is read in. A name search is always in name order: the name
        index then holds everything the search compares, so even a search that matches nobody
        reads that index alone instead of every participant's row."""
        if self.name:
            return "namn"
        return self.order if self.order in PARTICIPANT_ORDERS else "registrerad"


def filtered_participants(
    user, filters: ParticipantFilters, *, today: dt.date | None = None
) -> QuerySet[Participant]:
    """The participants the user may see, narrowed by ``filters``, in the order asked for.

    Scope first (``policy.scope``), then the filters, each a condition on the participant or an
    ``EXISTS`` on its enrolments (probed through the enrolment natural key, which begins with
    the participant), so a filter can never reach outside the scope and never groups the table.
    """
    today = today or dt.date.today()
    qs = participants(user)
    if filters.name:
        for word in filters.name.split()[:4]:
            qs = qs.filter(Q(given_name__icontains=word) | Q(family_name__icontains=word))
    if filters.mine:
        qs = qs.filter(responsible_coach_id=getattr(user, "pk", None) or 0)
    own = Enrolment.objects.filter(participant=OuterRef("pk"))
    if filters.active:
        qs = qs.filter(Exists(own.filter(_active_on(today))))
    if filters.intervention_id:
        qs = qs.filter(Exists(own.filter(intervention_id=filters.intervention_id)))
    if filters.status_id:
        qs = qs.filter(Exists(own.filter(exit_status_id=filters.status_id)))
    if filters.follow_up_due:
        qs = qs.filter(Exists(_due(own, today)))
    return qs.order_by(*PARTICIPANT_ORDERS[filters.effective_order])


def with_enrolment_counts(rows: list[Participant], *, today: dt.date | None = None):
    """Set ``enrolment_count`` and ``active_count`` on each participant shown, in one query."""
    today = today or dt.date.today()
    counts = {
        row["participant_id"]: row
        for row in Enrolment.objects.filter(participant_id__in=[p.pk for p in rows])
        .order_by()
        .values("participant_id")
        .annotate(total=Count("pk"), active=Count("pk", filter=_active_on(today)))
    }
    for participant in rows:
        found = counts.get(participant.pk, {})
        participant.enrolment_count = found.get("total", 0)  # type: ignore[attr-defined]
        participant.active_count = found.get("active", 0)  # type: ignore[attr-defined]
    return rows


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
        found = visible.filter(reserve_number=reserve)
    else:
        found = visible.filter(identity_hash=crypto.lookup_hash(number.canonical))
    # Someone who sees both the person and a registration of them held for review (the
    # register's administrator) finds the person.
    return found.order_by("held_for_review", "pk").first()


def shared_with(participant: Participant) -> list[Unit]:
    """The units besides the owning one that share the participation (see ParticipantShare)."""
    return list(Unit.objects.filter(shared_participants__participant=participant).order_by("name"))


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


def _due(enrolments: QuerySet[Enrolment], today: dt.date, window_days: int = 365):
    """The enrolments of ``enrolments`` with a follow-up due (see :func:`due_follow_ups`),
    annotated ``has_90``, ``has_180``, ``has_365``."""
    since = today - dt.timedelta(days=window_days)
    # "This enrolment's observation" as a range of one id rather than an equality: the same
    # rows, but PostgreSQL can then only probe the (enrolment, days) index per row, which is
    # what a page of 50 needs; with an equality it may hash every observation of the register
    # first (a "hashed SubPlan", several hundred milliseconds at 1,000,000 enrolments).
    has = {
        days: Exists(
            OutcomeObservation.objects.filter(
                enrolment_id__gte=OuterRef("pk"),
                enrolment_id__lte=OuterRef("pk"),
                days_after_exit=days,
            )
        )
        for days in FollowUpDay.values
    }
    due = Q(pk__in=[])
    for days in FollowUpDay.values:
        window = Q(
            end__lte=today - dt.timedelta(days=days), end__gt=since - dt.timedelta(days=days)
        )
        due |= window & Q(**{f"has_{days}": False})
    # The widest window first, on its own: the index on ``end`` bounds the scan by it.
    widest = Q(
        end__lte=today - dt.timedelta(days=min(FollowUpDay.values)),
        end__gt=since - dt.timedelta(days=max(FollowUpDay.values)),
    )
    return (
        enrolments.filter(widest)
        .annotate(**{f"has_{days}": expr for days, expr in has.items()})
        .filter(due)
    )


def due_follow_ups(user, *, today: dt.date | None = None, window_days: int = 365):
    """Outcome observations due: enrolments that ended 90, 180 or 365 days ago or more and have
    no observation for that point yet, due within the last ``window_days`` (older ones count as
    missed). Returns a queryset of enrolments (for paging) and a function that expands a page of
    them into due points."""
    today = today or dt.date.today()
    since = today - dt.timedelta(days=window_days)
    qs = (
        _due(Enrolment.objects.all(), today, window_days)
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


def _conflicts(user) -> QuerySet[RegistrationConflict]:
    qs = RegistrationConflict.objects.select_related(
        "participant__owning_unit",
        "held__owning_unit",
        "requested_unit",
        "requested_by",
        "resolved_by",
    ).annotate(
        person_enrolments=Count("participant__enrolments", distinct=True),
        held_enrolments=Count("held__enrolments", distinct=True),
    )
    return policy.scope(user, "register.conflict.resolve", qs)


def open_conflicts(user) -> QuerySet[RegistrationConflict]:
    """Open registration conflicts the user may resolve (oldest first), with what the
    resolution page shows: both registrations, their units and their enrolment counts."""
    return _conflicts(user).filter(status=ConflictStatus.OPEN).order_by("created_at", "pk")


def decided_conflicts(user) -> QuerySet[RegistrationConflict]:
    """Resolved conflicts the user may see, newest decision first."""
    return _conflicts(user).exclude(status=ConflictStatus.OPEN).order_by("-resolved_at", "-pk")


def coaches_for(participant: Participant):
    """The coaches who may work with ``participant``: those whose role covers its unit (the
    choices for "ansvarig coach"), by name."""
    from django.contrib.auth import get_user_model

    from etablera.accounts.models import RoleAssignment
    from etablera.accounts.roles import Role

    unit = participant.owning_unit
    ids = [
        user_id
        for user_id, body_id, path in RoleAssignment.objects.filter(role=Role.COACH).values_list(
            "user_id", "body_id", "unit__path"
        )
        if (body_id is None and path is None)
        or (path is not None and unit.path.startswith(path))
        or (path is None and body_id == unit.body_id)
    ]
    return (
        get_user_model()
        .objects.filter(pk__in=ids, is_active=True)
        .order_by("first_name", "last_name", "username")
    )
