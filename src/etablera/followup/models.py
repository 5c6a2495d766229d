"""Follow-up periods, the bodies' reports and their entries (R4, R5, R7).

A ``Period`` (tertial, interim, annual or other) has a code people use (``2025T1``, ``2025D``,
``2025H``; see ``goals.periods``), dates and a report deadline. Opening it gives every body a
``Report`` with one ``ReportEntry`` per mandate the body follows up and per goal it owns.

A report moves draft → submitted → approved (with the approving decision), or submitted →
returned (with a comment) → submitted again. On submission every entry must be assessed and
each entry's indicator values are copied into ``snapshot``; an approved report is locked, so its
texts and snapshot stay as approved even when the values are corrected later.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from etablera.goals.models import Goal
from etablera.mandates.models import Decision, Mandate
from etablera.organisation.models import Body


class PeriodKind(models.TextChoices):
    TERTIAL = "tertial", _("Tertial")
    INTERIM = "interim", _("Delår")
    ANNUAL = "annual", _("Helår")
    OTHER = "other", _("Annan")


class PeriodStatus(models.TextChoices):
    PLANNED = "planned", _("Planerad")
    OPEN = "open", _("Öppen")
    CLOSED = "closed", _("Stängd")


class Period(models.Model):
    """A follow-up period: the reports of every body for its dates, due by its deadline."""

    code = models.CharField(
        _("kod"),
        max_length=20,
        unique=True,
        help_text=_("Till exempel 2025T1 (tertial 1), 2025D (delår) eller 2025H (helår)."),
    )
    name = models.CharField(_("namn"), max_length=150)
    kind = models.CharField(_("typ"), max_length=20, choices=PeriodKind.choices)
    start = models.DateField(_("från"))
    end = models.DateField(_("till"))
    deadline = models.DateField(_("sista dag för rapport"))
    status = models.CharField(
        _("status"), max_length=20, choices=PeriodStatus.choices, default=PeriodStatus.PLANNED
    )
    opened_at = models.DateTimeField(_("öppnad"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("öppnad av"),
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)

    class Meta:
        verbose_name = _("uppföljningsperiod")
        verbose_name_plural = _("uppföljningsperioder")
        ordering = ["-end", "kind"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="period_end_after_start"),
            models.CheckConstraint(
                condition=Q(deadline__gte=F("start")), name="period_deadline_after_start"
            ),
        ]
        indexes = [models.Index(fields=["kind", "start", "end"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def get_absolute_url(self) -> str:
        return reverse("followup:period-detail", args=[self.code])

    @property
    def is_open(self) -> bool:
        return self.status == PeriodStatus.OPEN

    @property
    def range_label(self) -> str:
        return f"{self.start:%Y-%m-%d} – {self.end:%Y-%m-%d}"

    def overlapping(self) -> models.QuerySet[Period]:
        """Periods of the same kind whose dates overlap this one's."""
        qs = Period.objects.filter(kind=self.kind, start__lte=self.end, end__gte=self.start)
        return qs.exclude(pk=self.pk) if self.pk else qs

    def clean(self) -> None:
        from etablera.goals.periods import validate_code

        errors: dict[str, object] = {}
        if self.code:
            self.code = self.code.strip().upper()
            try:
                validate_code(self.code, self.kind, self.start, self.end)
            except ValidationError as exc:
                errors["code"] = exc.messages
        if self.start and self.end and self.end < self.start:
            errors["end"] = _("Periodens slutdatum kan inte ligga före startdatum.")
        if self.start and self.deadline and self.deadline < self.start:
            errors["deadline"] = _("Sista dag för rapport kan inte ligga före periodens start.")
        if self.start and self.end and self.kind and "end" not in errors:
            clash = self.overlapping().order_by("start").first()
            if clash is not None:
                errors["start"] = _(
                    "Perioden överlappar %(other)s (%(range)s), som är av samma typ."
                ) % {"other": clash.code, "range": clash.range_label}
        if errors:
            raise ValidationError(errors)


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Utkast")
    SUBMITTED = "submitted", _("Inlämnad")
    RETURNED = "returned", _("Återremitterad")
    APPROVED = "approved", _("Godkänd")


#: Statuses in which the reporter may still edit the report.
EDITABLE = (ReportStatus.DRAFT, ReportStatus.RETURNED)


class Report(models.Model):
    """A body's follow-up report for a period."""

    period = models.ForeignKey(
        Period, on_delete=models.PROTECT, related_name="reports", verbose_name=_("period")
    )
    body = models.ForeignKey(
        Body, on_delete=models.PROTECT, related_name="followup_reports", verbose_name=_("organ")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    summary = models.TextField(
        _("sammanfattning"), blank=True, help_text=_("Organets samlade bedömning av perioden.")
    )
    submitted_at = models.DateTimeField(_("inlämnad"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("inlämnad av"),
    )
    approved_at = models.DateTimeField(_("godkänd"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("godkänd av"),
    )
    decision = models.ForeignKey(
        Decision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="followup_reports",
        verbose_name=_("beslut om godkännande"),
    )
    return_comment = models.TextField(_("kommentar vid återremiss"), blank=True)
    #: Counts the saves of the report's texts: a writer saves with the version they read, so
    #: that two people writing at once never silently overwrite each other.
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("senast ändrad av"),
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    class Meta:
        verbose_name = _("uppföljningsrapport")
        verbose_name_plural = _("uppföljningsrapporter")
        ordering = ["period", "body__kind_order", "body__name"]
        constraints = [
            models.UniqueConstraint(fields=["period", "body"], name="report_one_per_body_period"),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(decision__isnull=False),
                name="report_approved_has_decision",
            ),
        ]
        indexes = [models.Index(fields=["period", "status"])]

    def __str__(self) -> str:
        return f"{self.body.short_name} {self.period.code}"

    def get_absolute_url(self) -> str:
        return reverse("followup:report-detail", args=[self.pk])

    @property
    def is_locked(self) -> bool:
        return self.status == ReportStatus.APPROVED

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE


class Assessment(models.TextChoices):
    NOT_ASSESSED = "not_assessed", _("Ej bedömt")
    MET = "met", _("Uppfyllt")
    PARTLY = "partly", _("Delvis uppfyllt")
    NOT_MET = "not_met", _("Ej uppfyllt")


class ReportEntry(models.Model):
    """A body's account of one mandate it follows up or one goal it owns, for the period.

    ``snapshot`` holds the subject's indicator values as they stood when the report was
    submitted: a list of ``{"indicator": id, "name", "unit", "values": [{"gender", "value",
    "suppressed", "note"}], "targets": {gender: value}}``.
    """

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="entries", verbose_name=_("rapport")
    )
    mandate = models.ForeignKey(
        Mandate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_entries",
        verbose_name=_("uppdrag"),
    )
    goal = models.ForeignKey(
        Goal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_entries",
        verbose_name=_("mål"),
    )
    assessment = models.CharField(
        _("bedömning"),
        max_length=20,
        choices=Assessment.choices,
        default=Assessment.NOT_ASSESSED,
    )
    analysis = models.TextField(_("analys"), blank=True)
    measures = models.TextField(_("planerade åtgärder"), blank=True)
    snapshot = models.JSONField(_("indikatorvärden vid inlämning"), default=list, blank=True)
    snapshot_at = models.DateTimeField(_("värden hämtade"), null=True, blank=True)
    order = models.PositiveIntegerField(_("ordning"), default=0)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    class Meta:
        verbose_name = _("rapportpost")
        verbose_name_plural = _("rapportposter")
        ordering = ["report", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(mandate__isnull=False, goal__isnull=True)
                | Q(mandate__isnull=True, goal__isnull=False),
                name="entry_one_subject",
            ),
            models.UniqueConstraint(
                fields=["report", "mandate"],
                condition=Q(mandate__isnull=False),
                name="entry_unique_mandate",
            ),
            models.UniqueConstraint(
                fields=["report", "goal"],
                condition=Q(goal__isnull=False),
                name="entry_unique_goal",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report}: {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("followup:report-detail", args=[self.report_id]) + f"#post-{self.pk}"

    @property
    def subject(self) -> Mandate | Goal:
        return self.mandate if self.mandate_id else self.goal  # type: ignore[return-value]

    @property
    def subject_kind(self) -> str:
        return "mandate" if self.mandate_id else "goal"

    def clean(self) -> None:
        if bool(self.mandate_id) == bool(self.goal_id):
            raise ValidationError(_("En rapportpost gäller antingen ett uppdrag eller ett mål."))


class ReportEvent(models.Model):
    """One step of a report's workflow, for its history: who did what, when, and why."""

    class Action(models.TextChoices):
        CREATED = "created", _("Skapad")
        SUBMITTED = "submitted", _("Inlämnad")
        RETURNED = "returned", _("Återremitterad")
        APPROVED = "approved", _("Godkänd")

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="events", verbose_name=_("rapport")
    )
    action = models.CharField(_("händelse"), max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("av"),
    )
    at = models.DateTimeField(_("tidpunkt"), auto_now_add=True)
    comment = models.TextField(_("kommentar"), blank=True)

    class Meta:
        verbose_name = _("rapporthändelse")
        verbose_name_plural = _("rapporthändelser")
        ordering = ["report", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.report} {self.action}"


from auditlog.registry import auditlog  # noqa: E402

auditlog.register(Period)
auditlog.register(Report)
auditlog.register(ReportEntry, exclude_fields=["updated_at"])
