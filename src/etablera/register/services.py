"""Writes to the register: each a use case in one transaction, validated, logged.

Every change to a participant, an enrolment or an observation is written to the access log of
personal data in the same transaction (``log_access``), naming the participant by id only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from etablera.accounts import policy
from etablera.accounts.access_log import log_access
from etablera.accounts.trail import person, records_actor
from etablera.organisation.models import Unit

from . import crypto, identity
from .models import (
    ConflictSource,
    ConflictStatus,
    Enrolment,
    IdentityKind,
    ImportRun,
    Intervention,
    OutcomeObservation,
    Participant,
    RegistrationConflict,
    StatusCategory,
)


@records_actor
@transaction.atomic
def save_intervention(intervention: Intervention, *, actor) -> Intervention:
    """Validate and save an intervention (not personal data: no access log)."""
    intervention.full_clean()
    intervention.save()
    return intervention


@records_actor
@transaction.atomic
def save_status_category(category: StatusCategory, *, actor) -> StatusCategory:
    """Validate and save one of the managed exit and follow-up statuses."""
    category.full_clean()
    category.save()
    return category


def _next_reserve_number(year: int) -> str:
    prefix = f"R{year}-"
    last = (
        Participant.objects.filter(reserve_number__startswith=prefix)
        .order_by("-reserve_number")
        .values_list("reserve_number", flat=True)
        .first()
    )
    serial = int(last.removeprefix(prefix)) + 1 if last and last[len(prefix) :].isdigit() else 1
    return f"{prefix}{serial:05d}"


def set_identity(participant: Participant, *, kind: str, number: str = "", reserve: str = ""):
    """Put an identity on a participant: validated, encrypted, hashed; or a reserve number.

    Birth year and gender are derived from a number that has them. Raises ValidationError
    (Swedish, never repeating the number).
    """
    if kind == IdentityKind.RESERVE:
        if reserve:
            try:
                reserve = identity.normalise_reserve_number(reserve)
            except identity.InvalidIdentityNumber as exc:
                raise ValidationError({"reserve_number": str(exc.message)}) from exc
        else:
            reserve = _next_reserve_number(timezone.localdate().year)
        participant.identity_kind = IdentityKind.RESERVE
        participant.reserve_number = reserve
        participant.identity_hash = None
        participant.identity_encrypted = ""
        participant.masked_identity = ""
        return participant
    try:
        parsed = identity.parse(number)
    except identity.InvalidIdentityNumber as exc:
        raise ValidationError({"identity_number": str(exc.message)}) from exc
    if kind == IdentityKind.PERSONNUMMER and parsed.is_coordination_number:
        raise ValidationError(
            {"identity_number": _("Numret är ett samordningsnummer. Välj samordningsnummer.")}
        )
    if kind == IdentityKind.SAMORDNINGSNUMMER and not parsed.is_coordination_number:
        raise ValidationError(
            {"identity_number": _("Numret är ett personnummer. Välj personnummer.")}
        )
    participant.identity_kind = parsed.kind
    participant.identity_encrypted = crypto.encrypt(parsed.canonical)
    participant.identity_hash = crypto.lookup_hash(parsed.canonical)
    participant.masked_identity = parsed.masked
    participant.reserve_number = None
    participant.birth_year = parsed.birth_year
    if participant.gender in ("", "X", None):
        participant.gender = parsed.gender
    return participant


#: What someone is told whose registration collides with a participant of a unit they cannot
#: see. Saying nothing would be impossible (the registration either happens or not), so they
#: are told only that it waits for review, and the attempt is recorded for the owning unit and
#: in the trail: that is what keeps it from being a way to test numbers against the register.
HELD_FOR_REVIEW = _lazy(
    "Registreringen kunde inte slutföras här och har lämnats till registeransvarig för "
    "granskning. Du får besked av registeransvarig."
)


def find_clash(participant: Participant) -> Participant | None:
    """The registered participant with the same number (or reserve number), if any."""
    clash = Participant.objects.exclude(pk=participant.pk).select_related("owning_unit")
    if participant.identity_hash:
        return clash.filter(identity_hash=participant.identity_hash).first()
    return clash.filter(reserve_number=participant.reserve_number).first()


@records_actor
def record_conflict(
    existing: Participant,
    requested_unit: Unit,
    *,
    actor,
    source: str,
    import_run: ImportRun | None = None,
) -> RegistrationConflict:
    """Record that ``actor`` tried to register ``existing`` for ``requested_unit``; in the trail.

    One open conflict per participant and unit: a second attempt is logged on the first.
    """
    conflict, _created = RegistrationConflict.objects.get_or_create(
        participant=existing,
        requested_unit=requested_unit,
        status=ConflictStatus.OPEN,
        defaults={
            "requested_by": person(actor),
            "source": source,
            "import_run": import_run,
        },
    )
    log_access(
        actor,
        "create",
        conflict,
        detail=f"registration of participant {existing.pk} for unit {requested_unit.pk} held "
        f"({source})",
    )
    return conflict


def _refuse_duplicate(user, participant: Participant, *, source: str) -> None:
    """Refuse a number already registered: plainly if the user may see that participant,
    else as a conflict for the owning unit (see :data:`HELD_FOR_REVIEW`). The same for the
    form and the API; the import does the same per row (``importing.participants``)."""
    clash = find_clash(participant)
    if clash is None:
        return
    field = "identity_number" if participant.identity_hash else "reserve_number"
    if user is None or policy.can(user, "register.participant.view", clash):
        raise ValidationError(
            {
                field: _(
                    "Personen finns redan i registret. Sök fram personen i stället; hör hen till "
                    "en annan enhet, kontakta registeransvarig."
                )
            }
        )
    with transaction.atomic():
        record_conflict(clash, participant.owning_unit, actor=user, source=source)
    raise ValidationError({field: HELD_FOR_REVIEW})


@records_actor
def register_participant(
    participant: Participant,
    *,
    actor,
    kind: str,
    number: str = "",
    reserve: str = "",
    source: str = ConflictSource.FORM,
) -> Participant:
    """Register a new participant with an identity number or a reserve number.

    A number registered under a unit the actor cannot see is not refused as "already there"
    (that would tell them the person exists elsewhere) but recorded as a
    :class:`RegistrationConflict`, which is kept although the registration is refused.
    """
    set_identity(participant, kind=kind, number=number, reserve=reserve)
    _refuse_duplicate(actor, participant, source=source)
    with transaction.atomic():
        participant.full_clean()
        try:
            with transaction.atomic():
                participant.save()
        except IntegrityError as exc:  # a concurrent registration of the same person
            raise ValidationError(_("Personen registrerades samtidigt av någon annan.")) from exc
        log_access(actor, "create", participant, detail="registered")
    return participant


@records_actor
@transaction.atomic
def resolve_conflict(conflict: RegistrationConflict, *, actor, transfer: bool) -> None:
    """Transfer the participant to the unit that asked for them, or decline; in the trail."""
    policy.require(actor, "register.conflict.resolve", conflict)
    conflict = RegistrationConflict.objects.select_for_update().get(pk=conflict.pk)
    if conflict.status != ConflictStatus.OPEN:
        raise ValidationError(_("Konflikten är redan hanterad."))
    participant = conflict.participant
    if transfer:
        participant.owning_unit = conflict.requested_unit
        participant.save(update_fields=["owning_unit", "updated_at"])
        conflict.status = ConflictStatus.TRANSFERRED
    else:
        conflict.status = ConflictStatus.DECLINED
    conflict.resolved_by = person(actor)
    conflict.resolved_at = timezone.now()
    conflict.save(update_fields=["status", "resolved_by", "resolved_at"])
    log_access(
        actor,
        "change",
        [participant, conflict],
        detail=f"registration conflict {conflict.pk} {conflict.status}",
    )


@records_actor
@transaction.atomic
def update_participant(participant: Participant, *, actor) -> Participant:
    """Save changed facts about a participant (not the identity)."""
    participant.full_clean()
    participant.save()
    log_access(actor, "change", participant, detail="details changed")
    return participant


def _check_status(status: StatusCategory | None, field: str) -> None:
    if status is not None and not status.active:
        raise ValidationError({field: _("Statusen används inte längre. Välj en aktiv status.")})


@records_actor
@transaction.atomic
def enrol(enrolment: Enrolment, *, actor) -> Enrolment:
    """Enrol a participant in an intervention."""
    _check_status(enrolment.status_at_start, "status_at_start")
    if Enrolment.objects.filter(
        participant=enrolment.participant_id,
        intervention=enrolment.intervention_id,
        start=enrolment.start,
    ).exists():
        raise ValidationError(
            {"start": _("Deltagaren har redan ett deltagande i insatsen med samma startdatum.")}
        )
    enrolment.full_clean()
    enrolment.save()
    log_access(actor, "change", enrolment.participant, detail=f"enrolment {enrolment.pk} created")
    return enrolment


@records_actor
@transaction.atomic
def update_enrolment(enrolment: Enrolment, *, actor) -> Enrolment:
    _check_status(enrolment.exit_status, "exit_status")
    enrolment.full_clean()
    enrolment.save()
    log_access(actor, "change", enrolment.participant, detail=f"enrolment {enrolment.pk} changed")
    return enrolment


@records_actor
@transaction.atomic
def end_enrolment(
    enrolment: Enrolment, *, actor, end: dt.date, exit_status: StatusCategory
) -> Enrolment:
    """End an enrolment with its exit status."""
    if end is None or exit_status is None:
        raise ValidationError(_("Ange slutdatum och status vid avslut."))
    if end > timezone.localdate():
        raise ValidationError({"end": _("Slutdatumet kan inte ligga i framtiden.")})
    _check_status(exit_status, "exit_status")
    enrolment.end = end
    enrolment.exit_status = exit_status
    enrolment.full_clean()
    enrolment.save()
    log_access(actor, "change", enrolment.participant, detail=f"enrolment {enrolment.pk} ended")
    return enrolment


@records_actor
@transaction.atomic
def record_observation(observation: OutcomeObservation, *, actor) -> OutcomeObservation:
    """Record a participant's status some time after an enrolment ended."""
    enrolment = observation.enrolment
    errors: dict[str, Any] = {}
    if enrolment.end is None:
        errors["enrolment"] = _("Deltagandet är inte avslutat ännu.")
    elif observation.observed_on and observation.observed_on < enrolment.end:
        errors["observed_on"] = _("Uppföljningen kan inte göras före avslutet.")
    if observation.observed_on and observation.observed_on > timezone.localdate():
        errors["observed_on"] = _("Datumet kan inte ligga i framtiden.")
    if (
        OutcomeObservation.objects.filter(
            enrolment=enrolment, days_after_exit=observation.days_after_exit
        )
        .exclude(pk=observation.pk)
        .exists()
    ):
        errors["days_after_exit"] = _("Den här uppföljningen är redan registrerad.")
    if errors:
        raise ValidationError(errors)
    _check_status(observation.status, "status")
    observation.full_clean()
    observation.save()
    log_access(
        actor,
        "change",
        enrolment.participant,
        detail=f"observation {observation.days_after_exit} days for enrolment {enrolment.pk}",
    )
    return observation


@records_actor
def reveal_identity(participant: Participant, *, actor, purpose: str) -> str:
    """The participant's number in clear, for a coach who needs it; always logged.

    Shown only on explicit request: the participant page's "show the number" button (a POST)
    and ``GET /api/participants/{id}/identity/``; never in lists, URLs or error messages.
    """
    if participant.identity_kind == IdentityKind.RESERVE or not participant.identity_encrypted:
        return participant.reserve_number or ""
    canonical = crypto.decrypt(participant.identity_encrypted)
    log_access(actor, "view", participant, detail=f"identity number shown ({purpose})")
    return f"{canonical[:8]}-{canonical[8:]}"
