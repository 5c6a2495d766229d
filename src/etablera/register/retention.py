"""Retention (*gallring*): removing the direct identifiers of people the register no longer needs
to know, while the statistics of earlier periods stay as they were.

A participant is due when ``ETABLERA_RETENTION_YEARS`` have passed since their last enrolment
ended (or since they were registered, if they were never enrolled) and none is still active.
De-identification erases the identity number (encrypted value and look-up hash), the masked
number (which holds the birth date), the reserve number, the given and family name and the
country of birth, and the same values in the change history; birth year, gender, reception
date (the cohort), unit and every enrolment and observation stay, so every KPI of every
period is unchanged. Import error reports older than the same limit are deleted.

The run is one transaction: killed midway it leaves the register as before. Each run is kept
as a ``RetentionRun`` and in the access log; an applied run also logs every participant it
de-identified. The legal reasoning behind the default is in docs/operations.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone

from etablera.accounts.access_log import log_access

from .models import Enrolment, IdentityKind, ImportRun, Participant, RetentionRun

#: The change-history fields that hold what retention erases.
IDENTIFYING_CHANGE_FIELDS = (
    "masked_identity",
    "reserve_number",
    "given_name",
    "family_name",
    "country_of_birth",
)
CHUNK = 1000


def cutoff(today: dt.date | None = None, years: int | None = None) -> dt.date:
    """The last day an enrolment may have ended for its participant to be due."""
    today = today or timezone.localdate()
    years = settings.ETABLERA_RETENTION_YEARS if years is None else years
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def due(limit: dt.date) -> QuerySet[Participant]:
    """Participants whose direct identifiers are due to be removed on the day after ``limit``."""
    active = Enrolment.objects.filter(participant=OuterRef("pk"), end__isnull=True)
    registered_by = dt.datetime.combine(limit, dt.time.max, tzinfo=timezone.get_current_timezone())
    return (
        Participant.objects.exclude(identity_kind=IdentityKind.REMOVED)
        .annotate(last_end=Max("enrolments__end"), enrolment_count=Count("enrolments"))
        .filter(~Exists(active))
        .filter(
            Q(enrolment_count=0, created_at__lte=registered_by)
            | Q(enrolment_count__gt=0, last_end__lte=limit)
        )
        .order_by("pk")
    )


@dataclass
class Plan:
    limit: dt.date
    participants: list[tuple[int, str, dt.date | None]] = field(default_factory=list)
    error_reports: list[int] = field(default_factory=list)


def plan(today: dt.date | None = None) -> Plan:
    """What a run would do: the participants (id, unit, last end) and old error reports."""
    limit = cutoff(today)
    result = Plan(limit)
    result.participants = list(
        due(limit).values_list("pk", "owning_unit__name", "last_end").iterator(chunk_size=CHUNK)
    )
    registered_by = dt.datetime.combine(limit, dt.time.max, tzinfo=timezone.get_current_timezone())
    result.error_reports = list(
        ImportRun.objects.filter(started_at__lte=registered_by)
        .exclude(error_file="")
        .values_list("pk", flat=True)
    )
    return result


def _deidentify_chunk(ids: list[int], now) -> None:
    Participant.objects.filter(pk__in=ids).update(
        identity_kind=IdentityKind.REMOVED,
        identity_encrypted="",
        identity_hash=None,
        masked_identity="",
        reserve_number=None,
        given_name="",
        family_name="",
        country_of_birth="",
        deidentified_at=now,
    )
    _scrub_history(ids)


def _scrub_history(ids: list[int]) -> None:
    """Erase the identifying values from the participants' change history."""
    from auditlog.models import LogEntry

    content_type = ContentType.objects.get_for_model(Participant)
    entries = LogEntry.objects.filter(
        content_type=content_type, object_pk__in=[str(pk) for pk in ids]
    )
    changed = []
    for entry in entries.only("pk", "changes", "object_repr", "object_pk"):
        changes = entry.changes if isinstance(entry.changes, dict) else {}
        for name in IDENTIFYING_CHANGE_FIELDS:
            changes.pop(name, None)
        entry.changes = changes
        entry.object_repr = f"{IdentityKind.REMOVED.label} ({entry.object_pk})"
        changed.append(entry)
    LogEntry.objects.bulk_update(changed, ["changes", "object_repr"], batch_size=CHUNK)


def _delete_error_reports(run_ids: list[int]) -> None:
    media = Path(settings.MEDIA_ROOT).resolve()
    for name in ImportRun.objects.filter(pk__in=run_ids).values_list("error_file", flat=True):
        path = (media / name).resolve()
        if media in path.parents:
            path.unlink(missing_ok=True)
    ImportRun.objects.filter(pk__in=run_ids).update(error_file="")


def run(*, apply: bool, today: dt.date | None = None, user=None) -> tuple[RetentionRun, Plan]:
    """List (and with ``apply`` carry out) what is due; recorded as a run and in the log.

    Everything is written in one transaction, so a run that is stopped midway leaves the
    register as it was. Error report files are deleted only after the commit.
    """
    found = plan(today)
    ids = [pk for pk, _unit, _end in found.participants]
    with transaction.atomic():
        record = RetentionRun.objects.create(
            applied=apply,
            cutoff=found.limit,
            participants=len(ids),
            error_reports=len(found.error_reports),
        )
        if apply:
            now = timezone.now()
            for start in range(0, len(ids), CHUNK):
                _deidentify_chunk(ids[start : start + CHUNK], now)
            if ids:
                log_access(
                    user,
                    "change",
                    list(Participant.objects.filter(pk__in=ids).only("pk")),
                    detail="retention: direct identifiers removed",
                )
        verb = "applied" if apply else "listed"
        log_access(
            user,
            "change" if apply else "search",
            record,
            detail=(
                f"retention {verb}: {len(ids)} participants, "
                f"{len(found.error_reports)} error reports, enrolments ended by {found.limit}"
            ),
        )
        if apply and found.error_reports:
            reports = list(found.error_reports)
            transaction.on_commit(lambda: _delete_error_reports(reports))
    return record, found
