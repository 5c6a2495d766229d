"""Reads of accounts data."""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.db.models import Q, QuerySet

from . import policy
from .models import AccessLogEntry, AuditVerification


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
