"""Writes to steering documents: each one a use case in one transaction.

Every service validates again what a form or serializer already checked (``full_clean`` and the
rules between objects), so the web pages, the API and the commands cannot disagree. Each takes
the acting user (``actor``, keyword-only), whom the change trail records.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from etablera.accounts import policy
from etablera.accounts.trail import person, records_actor
from etablera.mandates.models import Decision
from etablera.organisation.models import Body, Unit

from .models import (
    Acknowledgement,
    Distribution,
    DocumentVersion,
    SteeringDocument,
    VersionStatus,
)


@records_actor
@transaction.atomic
def save_document(document: SteeringDocument, *, actor) -> SteeringDocument:
    """Validate and save a steering document (new or changed)."""
    document.full_clean()
    document.save()
    return document


@records_actor
@transaction.atomic
def save_version(version: DocumentVersion, *, actor) -> DocumentVersion:
    """Save a new version as a draft (numbered after the last one), or change a draft.

    The status never changes here: drafts become adopted only through ``adopt_version``.
    An adopted or superseded version's text is the record of what was decided and stays as it is.
    """
    # Lock the document so two versions created at once do not get the same number.
    SteeringDocument.objects.select_for_update(of=("self",)).filter(pk=version.document_id).first()
    if version.pk is None:
        last = version.document.versions.aggregate(last=Max("number"))["last"] or 0
        version.number = last + 1
        version.status = VersionStatus.DRAFT
        version.created_by = person(actor)
    else:
        stored = DocumentVersion.objects.get(pk=version.pk)
        if stored.status != VersionStatus.DRAFT:
            raise ValidationError(
                _(
                    "Version %(number)s är %(status)s och kan inte ändras. Skapa en ny version "
                    "för att ändra texten."
                )
                % {"number": stored.number, "status": stored.get_status_display().lower()},
                code="not_draft",
            )
        version.status = stored.status
        version.number = stored.number
        version.document_id = stored.document_id
        replaced = stored.file.name if stored.file and stored.file.name != version.file.name else ""
        if replaced:
            # The draft's earlier PDF is of no further use once the new one is stored.
            storage = stored.file.storage
            transaction.on_commit(lambda: storage.delete(replaced))
    if version.file and not getattr(version.file, "_committed", True):
        version.file_name = os.path.basename(version.file.name or "")[:255]
    elif not version.file:
        version.file_name = ""
    version.full_clean()
    version.save()
    return version


@records_actor
@transaction.atomic
def adopt_version(
    version: DocumentVersion,
    decision: Decision | None,
    *,
    actor,
    review_by: dt.date | None = None,
) -> DocumentVersion:
    """Adopt a draft by a decision; the version adopted before it becomes superseded.

    Both changes happen in this one transaction, and the database allows only one adopted
    version per document, so the document never has two adopted versions, nor none in between.
    """
    document = SteeringDocument.objects.select_for_update(of=("self",)).get(pk=version.document_id)
    version = DocumentVersion.objects.select_for_update(of=("self",)).get(pk=version.pk)
    if version.status != VersionStatus.DRAFT:
        raise ValidationError(
            _("Version %(number)s är redan %(status)s. Bara ett utkast kan antas.")
            % {"number": version.number, "status": version.get_status_display().lower()},
            code="not_draft",
        )
    if decision is None:
        raise ValidationError(
            {"decision": _("Ange beslutet som antar versionen.")}, code="required"
        )
    if decision.body.municipality_id != document.owner.municipality_id:
        raise ValidationError(
            {"decision": _("Beslutet är fattat av ett organ som inte hör till kommunen.")},
            code="municipality",
        )
    newer = document.versions.filter(number__gt=version.number).exclude(status=VersionStatus.DRAFT)
    if newer.exists():
        raise ValidationError(
            _(
                "En nyare version är redan antagen. Version %(number)s kan inte antas efter den; "
                "skapa en ny version i stället."
            )
            % {"number": version.number},
            code="newer_adopted",
        )
    previous = list(
        document.versions.select_for_update(of=("self",))
        .select_related("decision")
        .filter(status=VersionStatus.ADOPTED)
    )
    for old in previous:
        if old.adopted_on and decision.date < old.adopted_on:
            raise ValidationError(
                {
                    "decision": _(
                        "Beslutet (%(date)s) är äldre än beslutet om den gällande versionen "
                        "(%(current)s)."
                    )
                    % {"date": f"{decision.date:%Y-%m-%d}", "current": f"{old.adopted_on:%Y-%m-%d}"}
                },
                code="decision_order",
            )
    if review_by is not None and review_by < decision.date:
        raise ValidationError(
            {"review_by": _("Revisionsdatumet kan inte ligga före beslutsdatumet.")},
            code="review_by",
        )
    # Supersede first: the one-adopted-version constraint holds after every statement.
    for old in previous:
        old.status = VersionStatus.SUPERSEDED
        old.superseded_on = decision.date
        old.full_clean()
        old.save(update_fields=["status", "superseded_on", "updated_at"])
    version.status = VersionStatus.ADOPTED
    version.decision = decision
    version.adopted_on = decision.date
    version.full_clean()
    version.save(update_fields=["status", "decision", "adopted_on", "updated_at"])
    if review_by is not None:
        document.review_by = review_by
        document.full_clean()
        document.save(update_fields=["review_by", "updated_at"])
    return version


def _recipient_name(recipient: Body | Unit) -> str:
    if isinstance(recipient, Unit):
        return f"{recipient.name} ({recipient.body.short_name})"
    return recipient.short_name or recipient.name


@records_actor
@transaction.atomic
def distribute(
    version: DocumentVersion,
    *,
    bodies: Iterable[Body] = (),
    units: Iterable[Unit] = (),
    deadline: dt.date | None,
    actor,
    sent_on: dt.date | None = None,
) -> list[Distribution]:
    """Send the adopted ``version`` to bodies and units, each to acknowledge by ``deadline``."""
    version = (
        DocumentVersion.objects.select_for_update(of=("self",))
        .select_related("document__owner")
        .get(pk=version.pk)
    )
    bodies, units = list(bodies), list(units)
    sent_on = sent_on or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if version.status != VersionStatus.ADOPTED:
        raise ValidationError(
            _("Bara den antagna versionen kan skickas ut för kvittens."), code="not_adopted"
        )
    if not bodies and not units:
        errors.setdefault("bodies", []).append(_("Välj minst ett organ eller en enhet."))
    if deadline is None:
        errors.setdefault("deadline", []).append(_("Ange sista dag för kvittens."))
    elif deadline < sent_on:
        errors.setdefault("deadline", []).append(
            _("Sista dag för kvittens kan inte ligga före utskicksdagen (%(date)s).")
            % {"date": f"{sent_on:%Y-%m-%d}"}
        )
    municipality_id = version.document.owner.municipality_id
    foreign = [b for b in bodies if b.municipality_id != municipality_id] + [
        u for u in units if u.body.municipality_id != municipality_id
    ]
    if foreign:
        errors.setdefault("bodies", []).append(
            _("Mottagaren hör inte till kommunen: %(names)s.")
            % {"names": ", ".join(_recipient_name(r) for r in foreign)}
        )
    sent_bodies = set(
        version.distributions.filter(body__isnull=False).values_list("body_id", flat=True)
    )
    sent_units = set(
        version.distributions.filter(unit__isnull=False).values_list("unit_id", flat=True)
    )
    again_bodies = [b for b in bodies if b.pk in sent_bodies]
    again_units = [u for u in units if u.pk in sent_units]
    if again_bodies:
        errors.setdefault("bodies", []).append(
            _("Versionen är redan skickad till %(names)s.")
            % {"names": ", ".join(_recipient_name(b) for b in again_bodies)}
        )
    if again_units:
        errors.setdefault("units", []).append(
            _("Versionen är redan skickad till %(names)s.")
            % {"names": ", ".join(_recipient_name(u) for u in again_units)}
        )
    if errors:
        raise ValidationError(errors)
    created = []
    for recipient in [*bodies, *units]:
        distribution = Distribution(
            version=version,
            body=recipient if isinstance(recipient, Body) else None,
            unit=recipient if isinstance(recipient, Unit) else None,
            deadline=deadline,
            sent_on=sent_on,
            sent_by=person(actor),
        )
        distribution.full_clean(validate_unique=False)
        distribution.save()
        created.append(distribution)
    return created


@records_actor
@transaction.atomic
def change_deadline(distribution: Distribution, deadline: dt.date | None, *, actor) -> Distribution:
    """Move a distribution's acknowledgement deadline (for example when a body asks for time)."""
    if deadline is None:
        raise ValidationError({"deadline": _("Ange sista dag för kvittens.")}, code="required")
    distribution.deadline = deadline
    distribution.full_clean()
    distribution.save(update_fields=["deadline"])
    return distribution


@records_actor
@transaction.atomic
def acknowledge(
    *,
    actor,
    version: DocumentVersion,
    body: Body | None = None,
    unit: Unit | None = None,
    text: str,
) -> Acknowledgement:
    """Acknowledge ``version`` for a body or a unit it was sent to.

    Refused with a field error when the version was not sent to that body or unit.
    """
    if bool(body) == bool(unit):
        raise ValidationError(
            {"body": _("Ange vem som kvitterar: antingen ett organ eller en enhet.")},
            code="recipient",
        )
    distributions = Distribution.objects.filter(version=version)
    distribution = (
        distributions.filter(body=body).first() if body else distributions.filter(unit=unit).first()
    )
    if distribution is None:
        recipient: Body | Unit = body if body else unit  # type: ignore[assignment]
        raise ValidationError(
            {
                "body" if body else "unit": _(
                    "Versionen har inte skickats till %(recipient)s. Bara organ och enheter som "
                    "har fått versionen kan kvittera den."
                )
                % {"recipient": _recipient_name(recipient)}
            },
            code="not_sent",
        )
    return acknowledge_distribution(distribution, actor=actor, text=text)


@records_actor
@transaction.atomic
def acknowledge_distribution(distribution: Distribution, *, actor, text: str) -> Acknowledgement:
    """The receiving body's acknowledgement, given by a reporter whose scope covers it."""
    distribution = (
        Distribution.objects.select_for_update(of=("self",))
        .select_related("version", "body", "unit__body")
        .get(pk=distribution.pk)
    )
    if not policy.can(actor, "documents.acknowledge", distribution):
        raise PermissionDenied
    if distribution.version.status != VersionStatus.ADOPTED:
        raise ValidationError(
            _(
                "Version %(number)s gäller inte längre och kan inte kvitteras. Kvittera den "
                "gällande versionen."
            )
            % {"number": distribution.version.number},
            code="not_adopted",
        )
    if Acknowledgement.objects.filter(distribution=distribution).exists():
        raise ValidationError(
            _("%(recipient)s har redan kvitterat den här versionen.")
            % {"recipient": distribution.recipient_label},
            code="already_acknowledged",
        )
    acknowledgement = Acknowledgement(
        distribution=distribution, acknowledged_by=person(actor), text=text.strip()
    )
    acknowledgement.full_clean(exclude=["distribution"])
    try:
        with transaction.atomic():
            acknowledgement.save()
    except IntegrityError as exc:  # a second acknowledgement at the very same moment
        raise ValidationError(
            _("%(recipient)s har redan kvitterat den här versionen.")
            % {"recipient": distribution.recipient_label},
            code="already_acknowledged",
        ) from exc
    return acknowledgement


@records_actor
@transaction.atomic
def change_acknowledgement(
    acknowledgement: Acknowledgement, *, actor, text: str
) -> Acknowledgement:
    """Let the body amend its account of how it applies the document, while it is in force."""
    acknowledgement = (
        Acknowledgement.objects.select_for_update(of=("self",))
        .select_related("distribution__version")
        .get(pk=acknowledgement.pk)
    )
    if not policy.can(actor, "documents.acknowledge", acknowledgement):
        raise PermissionDenied
    if acknowledgement.distribution.version.status != VersionStatus.ADOPTED:
        raise ValidationError(
            _("Versionen gäller inte längre; kvittensen kan inte ändras."), code="not_adopted"
        )
    acknowledgement.text = text.strip()
    acknowledgement.full_clean(exclude=["distribution"])
    acknowledgement.save(update_fields=["text", "updated_at"])
    return acknowledgement
