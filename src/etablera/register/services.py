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

from etablera.accounts.access_log import log_access

from . import crypto, identity
from .models import (
    Enrolment,
    IdentityKind,
    Intervention,
    OutcomeObservation,
    Participant,
    StatusCategory,
)


@transaction.atomic
def save_intervention(intervention: Intervention) -> Intervention:
    """Validate and save an intervention (not personal data: no access log)."""
    intervention.full_clean()
    intervention.save()
    return intervention


@transaction.atomic
def save_status_category(category: StatusCategory) -> StatusCategory:
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


def _refuse_duplicate(participant: Participant) -> None:
    clash = Participant.objects.exclude(pk=participant.pk)
    if participant.identity_hash:
        clash = clash.filter(identity_hash=participant.identity_hash)
        field = "identity_number"
    else:
        clash = clash.filter(reserve_number=participant.reserve_number)
        field = "reserve_number"
    if clash.exists():
        raise ValidationError(
            {
                field: _(
                    "Personen finns redan i registret. Sök fram personen i stället; hör hen till "
                    "en annan enhet, kontakta registeransvarig."
                )
            }
        )


@transaction.atomic
def register_participant(
    participant: Participant, *, actor, kind: str, number: str = "", reserve: str = ""
) -> Participant:
    """Register a new participant with an identity number or a reserve number."""
    set_identity(participant, kind=kind, number=number, reserve=reserve)
    _refuse_duplicate(participant)
    participant.full_clean()
    try:
        participant.save()
    except IntegrityError as exc:  # a concurrent registration of the same person
        raise ValidationError(_("Personen registrerades samtidigt av någon annan.")) from exc
    log_access(actor, "create", participant, detail="registered")
    return participant


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


@transaction.atomic
def update_enrolment(enrolment: Enrolment, *, actor) -> Enrolment:
    _check_status(enrolment.exit_status, "exit_status")
    enrolment.full_clean()
    enrolment.save()
    log_access(actor, "change", enrolment.participant, detail=f"enrolment {enrolment.pk} changed")
    return enrolment


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
