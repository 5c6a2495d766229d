"""The job record a person follows: what runs, for whom, how far it has come and how it ended."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("I kö")
    RUNNING = "running", _("Pågår")
    SUCCEEDED = "succeeded", _("Klart")
    FAILED = "failed", _("Misslyckades")


class Job(models.Model):
    """One piece of long work. ``params`` and ``result`` hold ids, counts and file names, never
    personal data or a file's content: the page shows them to the owner and administrators."""

    kind = models.CharField(_("typ"), max_length=60)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("startad av"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    params = models.JSONField(_("parametrar"), default=dict, blank=True)
    progress_done = models.PositiveBigIntegerField(_("klart"), default=0)
    progress_total = models.PositiveBigIntegerField(_("totalt"), default=0)
    message = models.CharField(_("meddelande"), max_length=255, blank=True)
    result = models.JSONField(_("resultat"), default=dict, blank=True)
    error = models.TextField(_("fel"), blank=True)
    task_id = models.CharField(_("uppgifts-id"), max_length=64, blank=True)
    worker = models.CharField(_("arbetsprocess"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    started_at = models.DateTimeField(_("startad"), null=True, blank=True)
    finished_at = models.DateTimeField(_("avslutad"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("senast hörd"), null=True, blank=True)

    class Meta:
        verbose_name = _("bakgrundsjobb")
        verbose_name_plural = _("bakgrundsjobb")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["owner", "-created_at"]),
            models.Index(fields=["status"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def finished(self) -> bool:
        return self.status in {JobStatus.SUCCEEDED, JobStatus.FAILED}

    @property
    def percent(self) -> int | None:
        """How far the job has come, 0–100, or None while it cannot tell."""
        if not self.progress_total:
            return 100 if self.status == JobStatus.SUCCEEDED else None
        return min(100, round(100 * self.progress_done / self.progress_total))

    @property
    def label(self) -> str:
        from .registry import kinds

        kind = kinds().get(self.kind)
        return str(kind.label) if kind else self.kind
