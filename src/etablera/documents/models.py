"""Steering documents, their versions, distribution to bodies and units, and acknowledgements.

A document (the *plattform för integrationssamverkan*, a policy, a routine …) has versions. A
version is a draft until a decision adopts it; adopting a version supersedes the one adopted
before, so a document has at most one adopted version (a database constraint, too). An adopted
version is sent (*distribution*) to bodies and units, each with a deadline, and each recipient
answers with an acknowledgement (*kvittens*): who, when, and how the body applies the document.
"""

from __future__ import annotations

import datetime as dt
import uuid

from auditlog.registry import auditlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from etablera.mandates.models import Decision
from etablera.organisation.models import Body, Unit

from .validation import validate_markdown, validate_pdf


class DocumentKind(models.TextChoices):
    PLATFORM = "platform", _("Plattform")
    POLICY = "policy", _("Policy")
    PROGRAMME = "programme", _("Program")
    PLAN = "plan", _("Plan")
    GUIDELINE = "guideline", _("Riktlinje")
    ROUTINE = "routine", _("Rutin")


class SteeringDocument(models.Model):
    """A steering document owned by a body, with a date by which it must be reviewed."""

    kind = models.CharField(_("typ"), max_length=20, choices=DocumentKind.choices)
    title = models.CharField(_("titel"), max_length=255)
    owner = models.ForeignKey(
        Body,
        on_delete=models.PROTECT,
        related_name="steering_documents",
        verbose_name=_("ägare"),
        help_text=_("Organet som äger dokumentet och ansvarar för att det revideras."),
    )
    review_by = models.DateField(
        _("revideras senast"),
        help_text=_("Senast detta datum ska dokumentet ses över och vid behov revideras."),
    )
    description = models.TextField(_("beskrivning"), blank=True)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    class Meta:
        verbose_name = _("styrdokument")
        verbose_name_plural = _("styrdokument")
        ordering = ["title", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "title"], name="document_title_unique"),
            models.CheckConstraint(
                condition=Q(kind__in=DocumentKind.values), name="document_kind_valid"
            ),
        ]
        indexes = [models.Index(fields=["review_by"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("documents:document-detail", args=[self.pk])

    def is_past_review(self, today: dt.date | None = None) -> bool:
        return self.review_by < (today or timezone.localdate())


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Utkast")
    ADOPTED = "adopted", _("Antagen")
    SUPERSEDED = "superseded", _("Ersatt")


def version_file_path(instance: DocumentVersion, filename: str) -> str:
    """Where an uploaded PDF is kept under MEDIA_ROOT: a random name, never the user's."""
    return f"styrdokument/{instance.document_id}/{uuid.uuid4().hex}.pdf"


class DocumentVersion(models.Model):
    """One version of a document: Markdown text or an uploaded PDF (or both)."""

    document = models.ForeignKey(
        SteeringDocument,
        on_delete=models.PROTECT,
        related_name="versions",
        verbose_name=_("styrdokument"),
    )
    number = models.PositiveIntegerField(_("versionsnummer"))
    status = models.CharField(
        _("status"), max_length=20, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    text = models.TextField(
        _("text"),
        blank=True,
        validators=[validate_markdown],
        help_text=_(
            "Skriv med Markdown: # Rubrik, **fet stil**, - punktlista, [länktext](https://…). "
            "HTML och skript tas inte emot."
        ),
    )
    file = models.FileField(
        _("PDF-fil"),
        upload_to=version_file_path,
        blank=True,
        validators=[validate_pdf],
        help_text=_("Dokumentet som PDF, om det inte skrivs som text här."),
    )
    file_name = models.CharField(_("filnamn"), max_length=255, blank=True, editable=False)
    changes = models.TextField(
        _("ändringar"),
        blank=True,
        help_text=_("Vad som är nytt i den här versionen jämfört med den förra."),
    )
    decision = models.ForeignKey(
        Decision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adopted_document_versions",
        verbose_name=_("beslut om antagande"),
    )
    adopted_on = models.DateField(_("antagen"), null=True, blank=True)
    superseded_on = models.DateField(_("ersatt"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("skapad av"),
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    class Meta:
        verbose_name = _("version")
        verbose_name_plural = _("versioner")
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "number"], name="document_version_number_unique"
            ),
            models.UniqueConstraint(
                fields=["document"],
                condition=Q(status="adopted"),
                name="document_one_adopted_version",
            ),
            models.CheckConstraint(
                condition=Q(status__in=VersionStatus.values), name="document_version_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(decision__isnull=False, adopted_on__isnull=False),
                name="document_version_adopted_by_decision",
            ),
            models.CheckConstraint(
                condition=~Q(text="") | ~Q(file=""), name="document_version_has_content"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="document_version_number_1"),
        ]

    def __str__(self) -> str:
        return f"{self.document.title}, version {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("documents:version-detail", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT

    @property
    def is_adopted(self) -> bool:
        return self.status == VersionStatus.ADOPTED

    def clean(self) -> None:
        if not self.text.strip() and not self.file:
            raise ValidationError(
                {"text": _("Skriv dokumentets text eller ladda upp det som PDF-fil.")},
                code="empty",
            )


class Distribution(models.Model):
    """An adopted version sent to one body or one unit, to be acknowledged by a deadline."""

    version = models.ForeignKey(
        DocumentVersion,
        on_delete=models.PROTECT,
        related_name="distributions",
        verbose_name=_("version"),
    )
    body = models.ForeignKey(
        Body,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="document_distributions",
        verbose_name=_("organ"),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="document_distributions",
        verbose_name=_("enhet"),
    )
    deadline = models.DateField(_("kvitteras senast"))
    sent_on = models.DateField(_("skickad"), default=timezone.localdate)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("skickad av"),
    )

    class Meta:
        verbose_name = _("utskick")
        verbose_name_plural = _("utskick")
        ordering = ["deadline", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(body__isnull=False, unit__isnull=True)
                | Q(body__isnull=True, unit__isnull=False),
                name="distribution_one_recipient",
            ),
            models.UniqueConstraint(
                fields=["version", "body"],
                condition=Q(body__isnull=False),
                name="distribution_unique_body",
            ),
            models.UniqueConstraint(
                fields=["version", "unit"],
                condition=Q(unit__isnull=False),
                name="distribution_unique_unit",
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=F("sent_on")), name="distribution_deadline_after_sent"
            ),
        ]
        indexes = [models.Index(fields=["deadline"])]

    def __str__(self) -> str:
        return f"{self.version} → {self.recipient}"

    def get_absolute_url(self) -> str:
        return reverse("documents:version-coverage", args=[self.version_id])

    @property
    def recipient(self) -> Body | Unit | None:
        return self.unit if self.unit_id else self.body

    @property
    def recipient_body(self) -> Body | None:
        """The receiving body, or the body of the receiving unit."""
        return self.unit.body if self.unit_id else self.body

    @property
    def recipient_label(self) -> str:
        if self.unit_id:
            return f"{self.unit.name} ({self.unit.body.short_name})"
        return str(self.body) if self.body_id else ""

    def is_overdue(self, today: dt.date | None = None) -> bool:
        """Past its deadline and not acknowledged."""
        return self.deadline < (today or timezone.localdate()) and not self.is_acknowledged

    @property
    def is_acknowledged(self) -> bool:
        try:
            return self.acknowledgement is not None
        except Acknowledgement.DoesNotExist:
            return False

    def clean(self) -> None:
        if bool(self.body_id) == bool(self.unit_id):
            raise ValidationError(
                {"body": _("Ange mottagare: antingen ett organ eller en enhet.")}, code="recipient"
            )
        if self.deadline and self.sent_on and self.deadline < self.sent_on:
            raise ValidationError(
                {"deadline": _("Sista dag för kvittens kan inte ligga före utskicksdagen.")},
                code="deadline",
            )


class Acknowledgement(models.Model):
    """A receiving body's (or unit's) confirmation, with its account of how it applies it."""

    distribution = models.OneToOneField(
        Distribution,
        on_delete=models.PROTECT,
        related_name="acknowledgement",
        verbose_name=_("utskick"),
    )
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="document_acknowledgements",
        verbose_name=_("kvitterad av"),
    )
    acknowledged_at = models.DateTimeField(_("kvitterad"), default=timezone.now)
    text = models.TextField(
        _("så tillämpar vi dokumentet"),
        help_text=_(
            "Beskriv hur organet eller enheten tillämpar dokumentet: vem som ansvarar, "
            "vilka rutiner som ändras och hur det följs upp."
        ),
    )
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    class Meta:
        verbose_name = _("kvittens")
        verbose_name_plural = _("kvittenser")
        ordering = ["-acknowledged_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="acknowledgement_text_required")
        ]

    def __str__(self) -> str:
        return f"{self.distribution.recipient_label}: {self.distribution.version}"

    def get_absolute_url(self) -> str:
        return reverse("documents:version-coverage", args=[self.distribution.version_id])

    def clean(self) -> None:
        if not self.text.strip():
            raise ValidationError(
                {"text": _("Beskriv hur organet tillämpar dokumentet.")}, code="required"
            )


class ReminderKind(models.TextChoices):
    ACKNOWLEDGEMENT = "acknowledgement", _("Kvittens")
    REVIEW = "review", _("Revidering")


class ReminderSent(models.Model):
    """A reminder e-mailed to one person about one object on one day.

    The unique keys make ``etablera reminders`` safe to run more than once a day: what was
    sent today is not sent again.
    """

    kind = models.CharField(_("typ"), max_length=20, choices=ReminderKind.choices)
    distribution = models.ForeignKey(
        Distribution,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
        verbose_name=_("utskick"),
    )
    document = models.ForeignKey(
        SteeringDocument,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
        verbose_name=_("styrdokument"),
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("mottagare"),
    )
    sent_on = models.DateField(_("dag"))
    sent_at = models.DateTimeField(_("skickad"), default=timezone.now)

    class Meta:
        verbose_name = _("skickad påminnelse")
        verbose_name_plural = _("skickade påminnelser")
        ordering = ["-sent_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    kind="acknowledgement", distribution__isnull=False, document__isnull=True
                )
                | Q(kind="review", document__isnull=False, distribution__isnull=True),
                name="reminder_object_matches_kind",
            ),
            models.UniqueConstraint(
                fields=["kind", "distribution", "recipient", "sent_on"],
                condition=Q(distribution__isnull=False),
                name="reminder_once_a_day_distribution",
            ),
            models.UniqueConstraint(
                fields=["kind", "document", "recipient", "sent_on"],
                condition=Q(document__isnull=False),
                name="reminder_once_a_day_document",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sent_on:%Y-%m-%d} {self.kind} → {self.recipient}"


# Change history of the steering objects (who changed what, when).
auditlog.register(SteeringDocument)
auditlog.register(DocumentVersion)
auditlog.register(Distribution)
auditlog.register(Acknowledgement)
