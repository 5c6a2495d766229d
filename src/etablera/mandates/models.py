"""Decisions and mandates: who is responsible for what, and who follows it up (R1, R5, R6)."""

from __future__ import annotations

from typing import Any

from auditlog.registry import auditlog
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from etablera.organisation.models import Body, BodyKind, Unit


class PolicyArea(models.Model):
    """A managed list: integration, labour market, social inclusion, education, housing …"""

    name = models.CharField(_("namn"), max_length=100, unique=True)
    code = models.SlugField(_("kod"), max_length=40, unique=True)
    description = models.TextField(_("beskrivning"), blank=True)
    order = models.PositiveSmallIntegerField(_("ordning"), default=100)
    is_active = models.BooleanField(_("aktivt"), default=True)

    class Meta:
        verbose_name = _("politikområde")
        verbose_name_plural = _("politikområden")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("mandates:list") + f"?policy_area={self.pk}"


class Decision(models.Model):
    """A decision of a body: "KS 2017-05-17 § 123, dnr KS 2017/245"."""

    body = models.ForeignKey(
        Body, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("organ")
    )
    date = models.DateField(_("datum"))
    section = models.CharField(
        _("paragraf"), max_length=20, blank=True, help_text=_("Till exempel § 123.")
    )
    case_number = models.CharField(
        _("diarienummer"), max_length=50, blank=True, help_text=_("Till exempel KS 2017/245.")
    )
    title = models.CharField(_("rubrik"), max_length=255)
    url = models.URLField(_("länk"), blank=True)

    class Meta:
        verbose_name = _("beslut")
        verbose_name_plural = _("beslut")
        ordering = ["-date", "body__short_name", "section"]
        constraints = [
            # A section (§) is numbered once in a body's minutes of a meeting.
            models.UniqueConstraint(
                fields=["body", "date", "section"],
                condition=~Q(section=""),
                name="decision_section_unique",
                violation_error_message=_(
                    "Organet har redan ett beslut med den paragrafen det datumet."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("mandates:decision-detail", args=[self.pk])

    @property
    def reference(self) -> str:
        parts = [f"{self.body.short_name} {self.date:%Y-%m-%d}"]
        if self.section:
            section = self.section if self.section.startswith("§") else f"§ {self.section}"
            parts[0] += f" {section}"
        if self.case_number:
            parts.append(f"dnr {self.case_number}")
        return ", ".join(parts)

    def clean(self) -> None:
        self.section = self.section.strip()
        self.case_number = self.case_number.strip()


class Level(models.TextChoices):
    STRATEGIC = "strategic", _("Strategiskt")
    OPERATIONAL = "operational", _("Operativt")


class Origin(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinarie uppdrag (reglemente)")
    COMMISSIONED_KS = "commissioned_ks", _("Uppdrag från kommunstyrelsen")
    COMMISSIONED_KF = "commissioned_kf", _("Uppdrag från kommunfullmäktige")
    AGREEMENT = "agreement", _("Avtal med extern part")


COMMISSIONED = (Origin.COMMISSIONED_KS, Origin.COMMISSIONED_KF, Origin.AGREEMENT)

#: Short labels for dense views (the matrix); the long ones are the choices above.
ORIGIN_SHORT: dict[str, Any] = {
    Origin.ORDINARY: _("Ordinarie"),
    Origin.COMMISSIONED_KS: _("Beställt av KS"),
    Origin.COMMISSIONED_KF: _("Beställt av KF"),
    Origin.AGREEMENT: _("Avtal"),
}

#: The kind of body that commissions a mandate of each commissioned origin.
COMMISSIONER_KINDS: dict[str, tuple[str, ...]] = {
    Origin.COMMISSIONED_KS: (BodyKind.EXECUTIVE_BOARD,),
    Origin.COMMISSIONED_KF: (BodyKind.COUNCIL,),
    Origin.AGREEMENT: (BodyKind.EXTERNAL_PARTNER, BodyKind.ASSOCIATION),
}


class ReportFrequency(models.TextChoices):
    TERTIAL = "tertial", _("Varje tertial")
    INTERIM = "interim", _("Delår och helår")
    ANNUAL = "annual", _("Helår")
    OTHER = "other", _("Annan")


class MandateStatus(models.TextChoices):
    ACTIVE = "active", _("Pågående")
    COMPLETED = "completed", _("Avslutat")
    CANCELLED = "cancelled", _("Avbrutet")


class Mandate(models.Model):
    """A responsibility given to a body: ordinary (by its rules) or commissioned by a decision.

    A commissioned mandate whose decision is not yet known can be saved — the register must hold
    reality — but ``missing_decision`` flags it on its page and in the governance check.
    """

    title = models.CharField(_("rubrik"), max_length=255)
    description = models.TextField(_("beskrivning"), blank=True)
    policy_area = models.ForeignKey(
        PolicyArea,
        on_delete=models.PROTECT,
        related_name="mandates",
        verbose_name=_("politikområde"),
    )
    owner = models.ForeignKey(
        Body, on_delete=models.PROTECT, related_name="owned_mandates", verbose_name=_("ägare")
    )
    performer_body = models.ForeignKey(
        Body,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="performed_mandates",
        verbose_name=_("utförare (organ)"),
    )
    performer_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="performed_mandates",
        verbose_name=_("utförare (enhet)"),
    )
    level = models.CharField(_("nivå"), max_length=20, choices=Level.choices)
    origin = models.CharField(_("ursprung"), max_length=20, choices=Origin.choices)
    commissioned_by = models.ForeignKey(
        Body,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commissioned_mandates",
        verbose_name=_("uppdragsgivare"),
    )
    decision = models.ForeignKey(
        Decision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mandates",
        verbose_name=_("beslut"),
    )
    follow_up_body = models.ForeignKey(
        Body,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="followed_up_mandates",
        verbose_name=_("uppföljningsansvarigt organ"),
    )
    follow_up_role = models.CharField(
        _("uppföljningsansvarig funktion"),
        max_length=150,
        blank=True,
        help_text=_("Till exempel förvaltningschef eller nämndsekreterare."),
    )
    report_frequency = models.CharField(
        _("återrapportering"),
        max_length=20,
        choices=ReportFrequency.choices,
        default=ReportFrequency.INTERIM,
    )
    start = models.DateField(_("startdatum"), null=True, blank=True)
    end = models.DateField(_("slutdatum"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=MandateStatus.choices, default=MandateStatus.ACTIVE
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    class Meta:
        verbose_name = _("uppdrag")
        verbose_name_plural = _("uppdrag")
        ordering = ["policy_area__order", "owner__kind_order", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(start__isnull=True) | Q(end__gte=F("start")),
                name="mandate_end_after_start",
                violation_error_message=_("Slutdatum kan inte ligga före startdatum."),
            ),
            models.CheckConstraint(
                condition=Q(performer_body__isnull=False, performer_unit__isnull=True)
                | Q(performer_body__isnull=True, performer_unit__isnull=False),
                name="mandate_one_performer",
                violation_error_message=_("Ange utförare: antingen ett organ eller en enhet."),
            ),
            # Commissioned (by KS, KF or an agreement) exactly when there is a commissioner.
            models.CheckConstraint(
                condition=Q(origin=Origin.ORDINARY, commissioned_by__isnull=True)
                | Q(origin__in=[o.value for o in COMMISSIONED], commissioned_by__isnull=False),
                name="mandate_commissioner_matches_origin",
                violation_error_message=_(
                    "Ett beställt uppdrag har en uppdragsgivare, ett ordinarie har ingen."
                ),
            ),
            models.CheckConstraint(
                condition=Q(follow_up_role="") | Q(follow_up_body__isnull=False),
                name="mandate_follow_up_role_has_body",
                violation_error_message=_(
                    "Ange vilket organ som har uppföljningsansvaret för funktionen."
                ),
            ),
            models.CheckConstraint(condition=Q(level__in=Level.values), name="mandate_level_valid"),
            models.CheckConstraint(
                condition=Q(origin__in=Origin.values), name="mandate_origin_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=MandateStatus.values), name="mandate_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(report_frequency__in=ReportFrequency.values),
                name="mandate_report_frequency_valid",
            ),
        ]
        indexes = [models.Index(fields=["status", "policy_area"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("mandates:detail", args=[self.pk])

    @property
    def performer(self) -> Body | Unit | None:
        return self.performer_unit or self.performer_body

    @property
    def performer_label(self) -> str:
        """The performer as a reader names it: "Socialnämnden – Arbetsmarknadsenheten"."""
        if self.performer_unit_id:
            return f"{self.performer_unit.body.short_name} – {self.performer_unit.name}"
        return str(self.performer_body) if self.performer_body_id else ""

    @property
    def performer_body_effective(self) -> Body | None:
        """The body that performs: the performer body, or the body of the performer unit."""
        if self.performer_unit_id:
            return self.performer_unit.body
        return self.performer_body

    @property
    def is_commissioned(self) -> bool:
        return self.origin in COMMISSIONED

    @property
    def origin_short(self) -> str:
        label = ORIGIN_SHORT.get(self.origin)
        return str(label) if label is not None else str(self.get_origin_display())

    @property
    def missing_decision(self) -> bool:
        return self.is_commissioned and self.decision_id is None

    @property
    def missing_follow_up(self) -> bool:
        return self.follow_up_body_id is None

    @property
    def follow_up_label(self) -> str:
        if not self.follow_up_body_id:
            return ""
        label = self.follow_up_body.short_name
        return f"{label} ({self.follow_up_role})" if self.follow_up_role else label

    def clean(self) -> None:
        """Rules that a form, the API and a service all check the same way (Swedish messages)."""
        errors: dict[str, ValidationError] = {}

        def error(field: str, message, **params) -> None:
            errors.setdefault(field, ValidationError(message, params=params or None))

        self.title = (self.title or "").strip()
        self.follow_up_role = (self.follow_up_role or "").strip()
        if self.start and self.end and self.end < self.start:
            error("end", _("Slutdatum kan inte ligga före startdatum."))
        if bool(self.performer_body_id) == bool(self.performer_unit_id):
            error("performer_body", _("Ange utförare: antingen ett organ eller en enhet."))

        owner = self.owner if self.owner_id else None
        municipality = owner.municipality if owner is not None else None
        if owner is not None and owner.is_external:
            error(
                "owner",
                _("Ägaren ska vara ett av kommunens egna organ, inte en extern part."),
            )

        def outside(body: Body | None) -> bool:
            return (
                body is not None
                and municipality is not None
                and body.municipality_id != municipality.pk
            )

        performer_body = self.performer_body if self.performer_body_id else None
        if outside(performer_body):
            error(
                "performer_body",
                _("Utföraren %(name)s hör inte till %(municipality)s."),
                name=performer_body.name,
                municipality=municipality.name,
            )
        unit = self.performer_unit if self.performer_unit_id else None
        if unit is not None and outside(unit.body):
            error(
                "performer_unit",
                _("Enheten %(name)s hör inte till %(municipality)s."),
                name=unit.name,
                municipality=municipality.name,
            )
        for field in ("commissioned_by", "follow_up_body"):
            related = getattr(self, field) if getattr(self, f"{field}_id") else None
            if outside(related):
                error(
                    field,
                    _("Organet %(name)s hör inte till %(municipality)s."),
                    name=related.name,
                    municipality=municipality.name,
                )

        commissioner = self.commissioned_by if self.commissioned_by_id else None
        if self.is_commissioned and commissioner is None:
            error(
                "commissioned_by",
                _("Ange uppdragsgivare: ett beställt uppdrag har alltid någon som beställt det."),
            )
        if self.origin == Origin.ORDINARY and commissioner is not None:
            error(
                "commissioned_by",
                _(
                    "Ett ordinarie uppdrag har ingen uppdragsgivare. Välj ursprunget "
                    "“uppdrag från …” eller “avtal” om någon har beställt uppdraget."
                ),
            )
        kinds = COMMISSIONER_KINDS.get(self.origin)
        if commissioner is not None and kinds and commissioner.kind not in kinds:
            messages: dict[str, Any] = {
                Origin.COMMISSIONED_KS: _("Ett uppdrag från kommunstyrelsen beställs av KS."),
                Origin.COMMISSIONED_KF: _("Ett uppdrag från kommunfullmäktige beställs av KF."),
                Origin.AGREEMENT: _("Vid avtal är uppdragsgivaren den externa parten."),
            }
            error("commissioned_by", messages[self.origin])

        decision = self.decision if self.decision_id else None
        if decision is not None:
            if outside(decision.body):
                error("decision", _("Beslutet är fattat av ett organ utanför kommunen."))
            elif (
                self.origin in (Origin.COMMISSIONED_KS, Origin.COMMISSIONED_KF)
                and commissioner is not None
                and decision.body_id != commissioner.pk
            ):
                error(
                    "decision",
                    _("Beslutet är fattat av %(body)s, men uppdragsgivaren är %(commissioner)s."),
                    body=decision.body.short_name,
                    commissioner=commissioner.short_name,
                )

        if self.follow_up_role and not self.follow_up_body_id:
            error("follow_up_body", _("Ange vilket organ som har uppföljningsansvaret."))
        if errors:
            raise ValidationError(errors)


auditlog.register(PolicyArea)
auditlog.register(Decision)
auditlog.register(Mandate, exclude_fields=["created_at", "updated_at"])
