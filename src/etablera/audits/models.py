"""Audits (granskningar): questions and verdicts, recommendations, responses, actions,
evidence links and the auditors' own follow-up.

An audit is the elected auditors' document; the bodies it addresses answer it with responses
and actions, and link the mandates, documents, goals, reports, indicators and interventions
that show what was done. The auditors then assess, per recommendation, whether it has been
addressed. Who may write which part is in ``rules.py``; the invariants that span tables (a
response from a body the recommendation was addressed to, an action due after the audit was
published, evidence only to objects the user may see) are checked in ``services.py``.
"""

from __future__ import annotations

import datetime as dt

from auditlog.registry import auditlog
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from etablera.organisation.models import Body


def validate_pdf(upload) -> None:
    """An audit report is a PDF within the upload limit."""
    limit_mb = getattr(settings, "ETABLERA_MAX_UPLOAD_MB", 50)
    if upload.size > limit_mb * 1024 * 1024:
        raise ValidationError(
            _("Filen är för stor. Största tillåtna storlek är %(mb)s MB."),
            params={"mb": limit_mb},
            code="too_large",
        )
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(5)
    upload.seek(position)
    if head != b"%PDF-":
        raise ValidationError(_("Filen är inte en PDF-fil."), code="not_pdf")


class Verdict(models.TextChoices):
    MET = "met", _("Uppfyllt")
    PARTLY = "partly", _("Delvis uppfyllt")
    NOT_MET = "not_met", _("Ej uppfyllt")


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Ej påbörjad")
    ONGOING = "ongoing", _("Pågår")
    DONE = "done", _("Genomförd")
    DROPPED = "dropped", _("Avbruten")


#: Statuses of an action that is still expected to be carried out.
OPEN_STATUSES = (ActionStatus.NOT_STARTED, ActionStatus.ONGOING)


class Assessment(models.TextChoices):
    ADDRESSED = "addressed", _("Åtgärdad")
    PARTLY = "partly", _("Delvis åtgärdad")
    NOT_ADDRESSED = "not_addressed", _("Ej åtgärdad")


class Audit(models.Model):
    """An audit report of the elected auditors (e.g. KPMG for the auditors of Vänersborg)."""

    title = models.CharField(_("rubrik"), max_length=255)
    auditor_firm = models.CharField(
        _("granskande revisionsbyrå"), max_length=150, help_text=_("Till exempel KPMG.")
    )
    commissioned_by = models.CharField(
        _("på uppdrag av"),
        max_length=200,
        default=_("De förtroendevalda revisorerna"),
        help_text=_("Vanligen kommunens förtroendevalda revisorer."),
    )
    case_number = models.CharField(_("diarienummer"), max_length=50, blank=True)
    published_on = models.DateField(_("publicerad"))
    audited_bodies = models.ManyToManyField(
        Body, related_name="audits", verbose_name=_("granskade organ")
    )
    purpose = models.TextField(_("syfte"))
    overall_assessment = models.TextField(_("samlad bedömning"), blank=True)
    response_deadline = models.DateField(_("svar senast"), null=True, blank=True)
    report_file = models.FileField(
        _("rapport (PDF)"),
        upload_to="audits/%Y/",
        blank=True,
        validators=[validate_pdf],
    )
    report_url = models.URLField(_("länk till rapporten"), blank=True)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    class Meta:
        verbose_name = _("granskning")
        verbose_name_plural = _("granskningar")
        ordering = ["-published_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(response_deadline__isnull=True)
                | Q(response_deadline__gte=F("published_on")),
                name="audit_deadline_after_publication",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("audits:detail", args=[self.pk])

    def clean(self) -> None:
        if (
            self.response_deadline
            and self.published_on
            and self.response_deadline < self.published_on
        ):
            raise ValidationError(
                {"response_deadline": _("Svarsdatumet kan inte ligga före publiceringsdatumet.")},
                code="order",
            )

    def response_overdue(self, today: dt.date) -> bool:
        return bool(self.response_deadline and self.response_deadline < today)


class AuditQuestion(models.Model):
    """A question the audit set out to answer (revisionsfråga), with the auditors' verdict."""

    audit = models.ForeignKey(
        Audit, on_delete=models.CASCADE, related_name="questions", verbose_name=_("granskning")
    )
    number = models.PositiveSmallIntegerField(_("nummer"))
    text = models.TextField(_("fråga"))
    verdict = models.CharField(_("bedömning"), max_length=20, choices=Verdict.choices)
    comment = models.TextField(_("motivering"), blank=True)

    class Meta:
        verbose_name = _("revisionsfråga")
        verbose_name_plural = _("revisionsfrågor")
        ordering = ["audit", "number"]
        constraints = [
            models.UniqueConstraint(fields=["audit", "number"], name="audit_question_number"),
            models.CheckConstraint(
                condition=Q(verdict__in=Verdict.values), name="audit_question_verdict_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:80]}"


class RecommendationQuerySet(models.QuerySet["Recommendation"]):
    def with_state(self, today: dt.date) -> RecommendationQuerySet:
        """Annotate the auditors' latest assessment, the count of actions and whether any
        action is overdue: what the audit list and the governance check count, in one query."""
        latest = AuditorFollowUp.objects.filter(recommendation=OuterRef("pk")).order_by(
            "-date", "-pk"
        )
        return self.annotate(
            latest_assessment=Subquery(latest.values("assessment")[:1]),
            latest_assessment_on=Subquery(latest.values("date")[:1]),
            has_action=Exists(Action.objects.filter(recommendation=OuterRef("pk"))),
            has_overdue_action=Exists(
                Action.objects.filter(recommendation=OuterRef("pk")).overdue(today)
            ),
        )


class Recommendation(models.Model):
    """One of an audit's recommendations, addressed to one or more bodies."""

    audit = models.ForeignKey(
        Audit,
        on_delete=models.CASCADE,
        related_name="recommendations",
        verbose_name=_("granskning"),
    )
    number = models.PositiveSmallIntegerField(_("nummer"))
    text = models.TextField(_("rekommendation"))
    addressed_to = models.ManyToManyField(
        Body, related_name="audit_recommendations", verbose_name=_("riktad till")
    )

    objects = RecommendationQuerySet.as_manager()

    class Meta:
        verbose_name = _("rekommendation")
        verbose_name_plural = _("rekommendationer")
        ordering = ["audit", "number"]
        constraints = [
            models.UniqueConstraint(fields=["audit", "number"], name="recommendation_number")
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.short_text}"

    def get_absolute_url(self) -> str:
        return reverse("audits:recommendation", args=[self.pk])

    @property
    def label(self) -> str:
        return str(_("Rekommendation %(n)s")) % {"n": self.number}

    @property
    def short_text(self) -> str:
        return self.text if len(self.text) <= 90 else self.text[:88].rstrip() + "…"


class Response(models.Model):
    """A body's answer to an audit or to one of its recommendations, with its decision."""

    audit = models.ForeignKey(
        Audit, on_delete=models.CASCADE, related_name="responses", verbose_name=_("granskning")
    )
    recommendation = models.ForeignKey(
        Recommendation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="responses",
        verbose_name=_("rekommendation"),
        help_text=_("Lämna tomt för ett svar på hela granskningen."),
    )
    body = models.ForeignKey(
        Body, on_delete=models.PROTECT, related_name="audit_responses", verbose_name=_("organ")
    )
    decision = models.ForeignKey(
        "mandates.Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_responses",
        verbose_name=_("beslut"),
    )
    date = models.DateField(_("datum"))
    text = models.TextField(_("svar"))
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    class Meta:
        verbose_name = _("svar")
        verbose_name_plural = _("svar")
        ordering = ["audit", "date", "pk"]

    def __str__(self) -> str:
        return str(_("Svar från %(body)s %(date)s")) % {
            "body": self.body.short_name,
            "date": f"{self.date:%Y-%m-%d}",
        }

    @property
    def is_late(self) -> bool:
        deadline = self.audit.response_deadline
        return bool(deadline and self.date > deadline)

    def addressed_body_ids(self) -> set[int]:
        """The bodies that may answer: those the recommendation (or, for an answer to the
        whole audit, any of its recommendations) was addressed to, and the audited bodies."""
        if self.recommendation_id:
            return set(self.recommendation.addressed_to.values_list("pk", flat=True))
        through = Recommendation.addressed_to.through
        ids = set(
            through.objects.filter(recommendation__audit_id=self.audit_id).values_list(
                "body_id", flat=True
            )
        )
        return ids | set(self.audit.audited_bodies.values_list("pk", flat=True))

    def clean(self) -> None:
        errors: dict[str, object] = {}
        if not self.audit_id:
            return
        if self.recommendation_id and self.recommendation.audit_id != self.audit_id:
            errors["recommendation"] = _("Rekommendationen hör till en annan granskning.")
        elif self.body_id and self.body_id not in self.addressed_body_ids():
            errors["body"] = _(
                "%(body)s kan inte svara: rekommendationen är inte riktad till organet."
            ) % {"body": self.body.name}
        if self.decision_id and self.body_id and self.decision.body_id != self.body_id:
            errors["decision"] = _("Beslutet är fattat av ett annat organ än det som svarar.")
        if self.date and self.date < self.audit.published_on:
            errors["date"] = _(
                "Svaret kan inte vara daterat före granskningens publicering (%(d)s)."
            ) % {"d": f"{self.audit.published_on:%Y-%m-%d}"}
        if errors:
            raise ValidationError(errors)


class ActionQuerySet(models.QuerySet["Action"]):
    def overdue(self, today: dt.date) -> ActionQuerySet:
        """Actions past their due date that are neither done nor dropped."""
        return self.filter(due_date__lt=today, status__in=OPEN_STATUSES)


class Action(models.Model):
    """What a body does about a recommendation, by when, and how far it has come."""

    recommendation = models.ForeignKey(
        Recommendation,
        on_delete=models.CASCADE,
        related_name="actions",
        verbose_name=_("rekommendation"),
    )
    description = models.TextField(_("åtgärd"))
    responsible_body = models.ForeignKey(
        Body,
        on_delete=models.PROTECT,
        related_name="audit_actions",
        verbose_name=_("ansvarigt organ"),
    )
    responsible_person = models.CharField(
        _("ansvarig person eller funktion"),
        max_length=150,
        help_text=_("Till exempel kommundirektören eller socialchefen."),
    )
    due_date = models.DateField(_("klart senast"))
    status = models.CharField(
        _("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED
    )
    completed_on = models.DateField(_("genomförd datum"), null=True, blank=True)
    comment = models.TextField(_("kommentar"), blank=True)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("åtgärd")
        verbose_name_plural = _("åtgärder")
        ordering = ["recommendation", "due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ActionStatus.values), name="action_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=ActionStatus.DONE) | Q(completed_on__isnull=True),
                name="action_completed_only_when_done",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self) -> str:
        return self.description if len(self.description) <= 90 else self.description[:88] + "…"

    def get_absolute_url(self) -> str:
        return f"{self.recommendation.get_absolute_url()}#action-{self.pk}"

    def is_overdue(self, today: dt.date) -> bool:
        return self.status in OPEN_STATUSES and self.due_date < today

    def clean(self) -> None:
        errors: dict[str, object] = {}
        if self.status != ActionStatus.DONE and self.completed_on:
            errors["completed_on"] = _("Ange genomförd datum bara för en genomförd åtgärd.")
        if self.recommendation_id:
            published = self.recommendation.audit.published_on
            if self.due_date and self.due_date < published:
                errors["due_date"] = _(
                    "Åtgärden kan inte ha ett slutdatum före granskningens publicering (%(d)s)."
                ) % {"d": f"{published:%Y-%m-%d}"}
            if self.completed_on and self.completed_on < published:
                errors["completed_on"] = _(
                    "Åtgärden kan inte vara genomförd före granskningens publicering (%(d)s)."
                ) % {"d": f"{published:%Y-%m-%d}"}
        if errors:
            raise ValidationError(errors)


class EvidenceLink(models.Model):
    """A link from an action or a recommendation to the object that shows what was done.

    The target is generic (a mandate, a document version, a goal, a report, an indicator or an
    intervention); ``evidence.py`` lists the models allowed and the policy action that decides
    who may see each, so nobody links to — or learns of — an object outside their scope.
    """

    action = models.ForeignKey(
        Action,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evidence",
        verbose_name=_("åtgärd"),
    )
    recommendation = models.ForeignKey(
        Recommendation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evidence",
        verbose_name=_("rekommendation"),
    )
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("typ av underlag")
    )
    object_id = models.PositiveBigIntegerField(_("objekt-id"))
    target = GenericForeignKey("content_type", "object_id")
    note = models.CharField(
        _("hur underlaget svarar på rekommendationen"), max_length=500, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("skapad av"),
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)

    class Meta:
        verbose_name = _("underlag")
        verbose_name_plural = _("underlag")
        ordering = ["content_type_id", "object_id", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__isnull=False, recommendation__isnull=True)
                | Q(action__isnull=True, recommendation__isnull=False),
                name="evidence_from_action_or_recommendation",
            ),
            models.UniqueConstraint(
                fields=["action", "content_type", "object_id"],
                condition=Q(action__isnull=False),
                name="evidence_unique_per_action",
            ),
            models.UniqueConstraint(
                fields=["recommendation", "content_type", "object_id"],
                condition=Q(recommendation__isnull=False),
                name="evidence_unique_per_recommendation",
            ),
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.content_type.app_label}.{self.content_type.model}#{self.object_id}"

    @property
    def target_type(self) -> str:
        """The target's model as "app_label.model", as the API names it."""
        return f"{self.content_type.app_label}.{self.content_type.model}"

    @property
    def source(self) -> Action | Recommendation | None:
        return self.action if self.action_id else self.recommendation

    def clean(self) -> None:
        from .evidence import kind_for_content_type

        if bool(self.action_id) == bool(self.recommendation_id):
            raise ValidationError(
                _("Underlaget ska höra till antingen en åtgärd eller en rekommendation.")
            )
        if self.content_type_id and kind_for_content_type(self.content_type) is None:
            raise ValidationError(
                {"content_type": _("Den här typen av objekt kan inte länkas som underlag.")}
            )


class AuditorFollowUp(models.Model):
    """The auditors' assessment of a recommendation at a later date (revisorernas uppföljning)."""

    recommendation = models.ForeignKey(
        Recommendation,
        on_delete=models.CASCADE,
        related_name="follow_ups",
        verbose_name=_("rekommendation"),
    )
    date = models.DateField(_("datum"))
    assessment = models.CharField(_("bedömning"), max_length=20, choices=Assessment.choices)
    comment = models.TextField(_("kommentar"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registrerad av"),
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)

    class Meta:
        verbose_name = _("revisorernas uppföljning")
        verbose_name_plural = _("revisorernas uppföljningar")
        ordering = ["recommendation", "-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(assessment__in=Assessment.values),
                name="auditor_follow_up_assessment_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_assessment_display()}"

    def clean(self) -> None:
        if self.recommendation_id and self.date:
            published = self.recommendation.audit.published_on
            if self.date < published:
                raise ValidationError(
                    {
                        "date": _(
                            "Uppföljningen kan inte vara daterad före granskningens "
                            "publicering (%(d)s)."
                        )
                        % {"d": f"{published:%Y-%m-%d}"}
                    }
                )


auditlog.register(Audit, m2m_fields={"audited_bodies"})
auditlog.register(AuditQuestion)
auditlog.register(Recommendation, m2m_fields={"addressed_to"})
auditlog.register(Response)
auditlog.register(Action)
auditlog.register(EvidenceLink)
auditlog.register(AuditorFollowUp)
