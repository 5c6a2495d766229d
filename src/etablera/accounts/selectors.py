"""Reads of accounts data."""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import policy
from .models import AccessLogEntry, AuditVerification, RoleAssignment, User


def access_log(
    user,
    *,
    participant: int | None = None,
    username: str = "",
    action: str = "",
    subject_type: str = "",
    subject_id: str = "",
    date_from: dt.datetime | None = None,
    date_to: dt.datetime | None = None,
) -> QuerySet[AccessLogEntry]:
    """Access-log entries the user may search, newest first, filtered.

    ``participant`` finds the entries about a participant and about their enrolments and
    follow-up observations, so the register's owner can answer "who has seen my data?".
    ``date_to`` given as a whole day (midnight) includes that day.
    """
    qs = policy.scope(user, "accounts.access_log.view", AccessLogEntry.objects.all())
    if participant:
        qs = qs.filter(_about_participant(participant))
    if username:
        qs = qs.filter(username__icontains=username)
    if action:
        qs = qs.filter(action=action)
    if subject_type:
        qs = qs.filter(subject_type=subject_type)
    if subject_id:
        qs = qs.filter(subject_id=subject_id)
    if date_from:
        qs = qs.filter(at__gte=date_from)
    if date_to:
        if date_to.time() == dt.time():
            qs = qs.filter(at__lt=date_to + dt.timedelta(days=1))
        else:
            qs = qs.filter(at__lte=date_to)
    return qs.order_by("-at", "-pk")


def _about_participant(participant: int) -> Q:
    enrolments = apps.get_model("register", "Enrolment").objects.filter(participant_id=participant)
    observations = apps.get_model("register", "OutcomeObservation").objects.filter(
        enrolment__participant_id=participant
    )
    as_text = [str(pk) for pk in enrolments.values_list("pk", flat=True)]
    observed = [str(pk) for pk in observations.values_list("pk", flat=True)]
    return (
        Q(subject_type="register.participant", subject_id=str(participant))
        | Q(subject_type="register.enrolment", subject_id__in=as_text)
        | Q(subject_type="register.outcomeobservation", subject_id__in=observed)
    )


def last_verification() -> AuditVerification | None:
    return AuditVerification.objects.order_by("-at", "-pk").first()


# --- user administration ---------------------------------------------------------------------


def users(actor, *, q: str = "", status: str = "", role: str = "") -> QuerySet[User]:
    """The accounts an administrator manages, with their roles and whether they have a second
    factor, in a fixed number of queries however many there are. Users only: nothing here
    reads a participant."""
    qs = policy.scope(actor, "accounts.user.view", User.objects.all())
    if q:
        qs = qs.filter(
            Q(username__icontains=q)
            | Q(first_name__icontains=q)
            | Q(last_name__icontains=q)
            | Q(email__icontains=q)
        )
    if status == "active":
        qs = qs.filter(is_active=True)
    elif status == "inactive":
        qs = qs.filter(is_active=False)
    if role:
        qs = qs.filter(role_assignments__role=role).distinct()
    return (
        qs.annotate(has_device=_has_device())
        .prefetch_related(
            Prefetch(
                "role_assignments",
                queryset=RoleAssignment.objects.select_related("body", "unit").order_by(
                    "role", "pk"
                ),
            )
        )
        .order_by("username")
    )


def _has_device():
    return Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))


def managed_user(actor, pk: int) -> User:
    """One account for its page (404 for anyone not allowed), with its second factor."""
    return policy.get_or_404(
        actor,
        "accounts.user.view",
        User.objects.annotate(has_device=_has_device()),
        pk=pk,
    )


def user_roles(user: User) -> QuerySet[RoleAssignment]:
    return user.role_assignments.select_related("body", "unit").order_by("role", "pk")


def user_trail(user: User, limit: int = 20) -> list[AccessLogEntry]:
    """The newest trail entries about an account and its roles: who created, changed,
    deactivated it, granted or took away a role, or reset its second factor."""
    return list(
        AccessLogEntry.objects.filter(
            Q(subject_type="accounts.user", subject_id=str(user.pk))
            | Q(subject_type="accounts.roleassignment", detail__contains=f" for user {user.pk} (")
        ).order_by("-seq")[:limit]
    )
