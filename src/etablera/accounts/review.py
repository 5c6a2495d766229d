"""Log review (*loggkontroll*): unusual access to personal data over a period.

Three signs, each a setting so the register's owner can tune them:

* one user opened many participants in one day (``ETABLERA_REVIEW_MANY_PARTICIPANTS``),
* access outside office hours or at weekends (``ETABLERA_OFFICE_HOURS``, e.g. ``7-18``),
* access to participants of units the user does not hold a role in (now).

``etablera audit review`` prints the summary or e-mails it to the register's owners; schedule it
(docs/security.md). The summary names users, times and object ids — never a participant's data.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.utils import timezone

from . import policy
from .models import AccessLogEntry, User

PARTICIPANT = "register.participant"
ENROLMENT = "register.enrolment"
OBSERVATION = "register.outcomeobservation"


@dataclass
class Summary:
    since: dt.datetime
    until: dt.datetime
    entries: int = 0
    many: list[tuple[str, dt.date, int]] = field(default_factory=list)
    after_hours: list[tuple[str, int, dt.datetime]] = field(default_factory=list)
    other_units: list[tuple[str, list[str]]] = field(default_factory=list)

    @property
    def unusual(self) -> bool:
        return bool(self.many or self.after_hours or self.other_units)


def office_hours() -> tuple[int, int]:
    start, _, end = settings.ETABLERA_OFFICE_HOURS.partition("-")
    return int(start), int(end)


def participant_ids(entry_subjects: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """The participant each logged subject is about (participants, enrolments, observations)."""
    Enrolment = apps.get_model("register", "Enrolment")
    Observation = apps.get_model("register", "OutcomeObservation")
    found: dict[tuple[str, str], int] = {}
    ids: dict[str, set[int]] = defaultdict(set)
    for subject_type, subject_id in entry_subjects:
        if subject_id.isdigit():
            ids[subject_type].add(int(subject_id))
    for pk in ids[PARTICIPANT]:
        found[(PARTICIPANT, str(pk))] = pk
    for pk, participant in Enrolment.objects.filter(pk__in=ids[ENROLMENT]).values_list(
        "pk", "participant_id"
    ):
        found[(ENROLMENT, str(pk))] = participant
    for pk, participant in Observation.objects.filter(pk__in=ids[OBSERVATION]).values_list(
        "pk", "enrolment__participant_id"
    ):
        found[(OBSERVATION, str(pk))] = participant
    return found


def summarise(since: dt.datetime, until: dt.datetime | None = None) -> Summary:
    until = until or timezone.now()
    summary = Summary(since=since, until=until)
    entries = list(
        AccessLogEntry.objects.filter(at__gte=since, at__lt=until)
        .order_by("seq")
        .values_list("user_id", "username", "at", "subject_type", "subject_id")
    )
    summary.entries = len(entries)
    about = participant_ids([(e[3], e[4]) for e in entries])
    start, end = office_hours()
    per_day: dict[tuple[str, dt.date], set[int]] = defaultdict(set)
    late: dict[str, list[dt.datetime]] = defaultdict(list)
    opened: dict[int, set[int]] = defaultdict(set)
    names: dict[int, str] = {}
    for user_id, username, at, subject_type, subject_id in entries:
        local = timezone.localtime(at)
        participant = about.get((subject_type, subject_id))
        if participant is not None:
            per_day[(username, local.date())].add(participant)
            if user_id is not None:
                opened[user_id].add(participant)
                names[user_id] = username
        if local.weekday() >= 5 or not start <= local.hour < end:
            late[username].append(local)
    limit = settings.ETABLERA_REVIEW_MANY_PARTICIPANTS
    summary.many = sorted(
        (username, day, len(people))
        for (username, day), people in per_day.items()
        if len(people) >= limit
    )
    summary.after_hours = sorted((u, len(times), times[0]) for u, times in late.items())
    Participant = apps.get_model("register", "Participant")
    for user in User.objects.filter(pk__in=opened).order_by("username"):
        allowed = set(
            policy.scope(
                user,
                "register.participant.view",
                Participant.objects.filter(pk__in=opened[user.pk]),
            ).values_list("pk", flat=True)
        )
        outside = sorted(opened[user.pk] - allowed)
        if outside:
            summary.other_units.append((user.username, [str(pk) for pk in outside]))
    return summary
