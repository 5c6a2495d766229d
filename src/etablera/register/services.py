"""Writes to the register: each a use case in one transaction, validated, logged.

Every change to a participant, an enrolment or an observation is written to the access log of
personal data in the same transaction (``log_access``), naming the participant by id only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from etablera.accounts import policy
from etablera.accounts.access_log import log_access
from etablera.accounts.trail import person, records_actor
from etablera.organisation.models import Unit

from . import activity, crypto, identity
from .models import (
    ConflictSource,
    ConflictStatus,
    Enrolment,
    IdentityKind,
    ImportRun,
    Intervention,
    OutcomeObservation,
    Participant,
    ParticipantShare,
    RegistrationConflict,
    StatusCategory,
)
from .signals import register_changed


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


def find_clashes(participant: Participant) -> list[Participant]:
    """Every other registration with the same number (or reserve number): the person's own
    and any registrations held for review."""
    clash = Participant.objects.exclude(pk=participant.pk).select_related("owning_unit")
    if participant.identity_hash:
        clash = clash.filter(identity_hash=participant.identity_hash)
    else:
        clash = clash.filter(reserve_number=participant.reserve_number)
    return list(clash.order_by("held_for_review", "pk"))


@records_actor
def record_conflict(
    existing: Participant,
    requested_unit: Unit,
    *,
    actor,
    source: str,
    import_run: ImportRun | None = None,
    held: Participant | None = None,
) -> RegistrationConflict:
    """Record that ``user`` registered ``existing`` again for ``requested_unit`` (as ``held``,
    a registration held for review): a case for the register's administrator; in the trail.

    One open conflict per participant and unit: a second attempt is logged on the first.
    """
    conflict, created = RegistrationConflict.objects.get_or_create(
        participant=existing,
        requested_unit=requested_unit,
        status=ConflictStatus.OPEN,
        defaults={
            "requested_by": person(actor),
            "source": source,
            "import_run": import_run,
            "held": held,
        },
    )
    if not created and held is not None and conflict.held_id is None:
        conflict.held = held
        conflict.save(update_fields=["held"])
    log_access(
        actor,
        "create",
        conflict,
        detail=f"registration of participant {existing.pk} for unit {requested_unit.pk} held "
        f"for review ({source})",
    )
    return conflict


def _duplicate_error(participant: Participant) -> ValidationError:
    field = "identity_number" if participant.identity_hash else "reserve_number"
    return ValidationError(
        {
            field: _(
                "Personen finns redan i registret. Sök fram personen i stället; hör hen till "
                "en annan enhet, kontakta registeransvarig."
            )
        }
    )


def _clash_outside_reach(actor, participant: Participant) -> Participant | None:
    """The person registered under a unit outside the actor's reach, if the number is theirs.

    A registration the actor can see (the person's own, or one held for review in their
    units) is refused as a duplicate, exactly as a second registration of anyone is; a clash
    only with people the actor cannot see is returned, for :func:`register_participant` to
    hold for review. Held registrations of other units are not a clash for the actor.
    """
    clashes = find_clashes(participant)
    if not clashes:
        return None
    if actor is None or any(policy.can(actor, "register.participant.view", c) for c in clashes):
        raise _duplicate_error(participant)
    return next((c for c in clashes if not c.held_for_review), None)


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

    **No existence oracle.** A number registered under a unit the actor cannot see is
    registered all the same, as a registration held for review
    (:attr:`Participant.held_for_review`), and becomes a :class:`RegistrationConflict` for the
    register's administrator. The actor gets exactly what a new person's registration gives —
    the same answer, a participant to open, enrol and search for — so no response tells them
    that the person exists elsewhere. Both paths write one participant and its log entry; the
    conflict and its log entry are the only extra work.
    """
    set_identity(participant, kind=kind, number=number, reserve=reserve)
    if participant.responsible_coach_id is None and getattr(actor, "pk", None):
        participant.responsible_coach = actor  # "mina deltagare" of the one who registered
    clash = _clash_outside_reach(actor, participant)
    participant.held_for_review = clash is not None
    with transaction.atomic():
        participant.full_clean()
        try:
            with transaction.atomic():
                participant.save()
        except IntegrityError as exc:  # a concurrent registration of the same person
            raise ValidationError(_("Personen registrerades samtidigt av någon annan.")) from exc
        log_access(actor, "create", participant, detail="registered")
        if clash is not None:
            record_conflict(
                clash, participant.owning_unit, actor=actor, source=source, held=participant
            )
    return participant


class Resolution(models.TextChoices):
    """What the register's administrator decides about a registration conflict."""

    TRANSFER = "transfer", _lazy("För över till den begärande enheten")
    SHARE = "share", _lazy("Delat deltagande")
    REJECT = "reject", _lazy("Avslå registreringen")


_OUTCOME = {
    Resolution.TRANSFER: ConflictStatus.TRANSFERRED,
    Resolution.SHARE: ConflictStatus.SHARED,
    Resolution.REJECT: ConflictStatus.DECLINED,
}


def _merge_held(held: Participant, into: Participant, *, actor, conflict_pk: int) -> None:
    """Move the held registration's enrolments to the person and remove it.

    An enrolment the person already has (same intervention and start) is kept as the
    person's; the held one's observations join it where the person has none for that point.
    """
    moved = dropped = 0
    for enrolment in Enrolment.objects.filter(participant=held).order_by("pk"):
        same = Enrolment.objects.filter(
            participant=into, intervention_id=enrolment.intervention_id, start=enrolment.start
        ).first()
        if same is None:
            Enrolment.objects.filter(pk=enrolment.pk).update(participant=into)
            moved += 1
            continue
        taken = set(same.observations.values_list("days_after_exit", flat=True))
        OutcomeObservation.objects.filter(enrolment=enrolment).exclude(
            days_after_exit__in=taken
        ).update(enrolment=same)
        enrolment.delete()
        dropped += 1
    log_access(
        actor,
        "change",
        [into, held],
        detail=f"registration conflict {conflict_pk}: held registration {held.pk} merged into "
        f"participant {into.pk} ({moved} enrolments moved, {dropped} already there)",
    )
    held.delete()


@records_actor
@transaction.atomic
def resolve_conflict(
    conflict: RegistrationConflict, *, actor, decision: str
) -> RegistrationConflict:
    """The register's administrator's decision on a conflict; every step in the trail.

    * **transfer** — the person moves to the asking unit;
    * **share** — shared participation: the asking unit sees and works with the person too;
    * **reject** — the registration is refused: the held registration and what was entered
      on it are removed.

    After a transfer or sharing the held registration's enrolments are merged into the
    person's. Only one decision per conflict (the row is locked while deciding).
    """
    policy.require(actor, "register.conflict.resolve", conflict)
    if decision not in Resolution.values:
        raise ValidationError(_("Välj ett beslut: föra över, dela eller avslå."))
    conflict = (
        RegistrationConflict.objects.select_for_update(of=("self",))
        .select_related("participant", "requested_unit", "held")
        .get(pk=conflict.pk)
    )
    if conflict.status != ConflictStatus.OPEN:
        raise ValidationError(_("Konflikten är redan hanterad."))
    participant, held = conflict.participant, conflict.held
    if decision == Resolution.TRANSFER:
        previous = participant.owning_unit_id
        participant.owning_unit = conflict.requested_unit
        participant.save(update_fields=["owning_unit", "updated_at"])
        ParticipantShare.objects.filter(
            participant=participant, unit=conflict.requested_unit
        ).delete()
        log_access(
            actor,
            "change",
            participant,
            detail=f"registration conflict {conflict.pk}: transferred from unit {previous} to "
            f"unit {conflict.requested_unit_id}",
        )
    elif decision == Resolution.SHARE:
        if participant.owning_unit_id != conflict.requested_unit_id:
            ParticipantShare.objects.get_or_create(
                participant=participant,
                unit=conflict.requested_unit,
                defaults={"conflict": conflict, "created_by": person(actor)},
            )
        log_access(
            actor,
            "change",
            participant,
            detail=f"registration conflict {conflict.pk}: shared with unit "
            f"{conflict.requested_unit_id}",
        )
    changed = [participant.pk]
    if held is not None:
        changed.append(held.pk)
        if decision == Resolution.REJECT:
            log_access(
                actor,
                "delete",
                held,
                detail=f"registration conflict {conflict.pk}: held registration rejected",
            )
            held.delete()
        else:
            _merge_held(held, participant, actor=actor, conflict_pk=conflict.pk)
    conflict.held = None  # removed: its id stays in the trail
    conflict.status = _OUTCOME[Resolution(decision)]
    conflict.resolved_by = person(actor)
    conflict.resolved_at = timezone.now()
    conflict.save(update_fields=["held", "status", "resolved_by", "resolved_at"])
    log_access(
        actor, "change", conflict, detail=f"registration conflict {conflict.pk} {conflict.status}"
    )
    register_changed.send(sender=Participant, participant_ids=changed)
    return conflict


@records_actor
@transaction.atomic
def update_participant(participant: Participant, *, actor) -> Participant:
    """Save changed facts about a participant (not the identity)."""
    participant.full_clean()
    participant.last_activity_at = timezone.now()
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
    activity.touch([enrolment.participant_id])
    log_access(actor, "change", enrolment.participant, detail=f"enrolment {enrolment.pk} created")
    return enrolment


@records_actor
@transaction.atomic
def update_enrolment(enrolment: Enrolment, *, actor) -> Enrolment:
    _check_status(enrolment.exit_status, "exit_status")
    enrolment.full_clean()
    enrolment.save()
    activity.touch([enrolment.participant_id])
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
    activity.touch([enrolment.participant_id])
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
    activity.touch([enrolment.participant_id])
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
