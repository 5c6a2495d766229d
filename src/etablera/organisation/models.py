"""The municipality, its bodies (organ) and the units of their staff organisation."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

municipality_code_validator = RegexValidator(
    r"^\d{4}$", _("Kommunkoden ska vara fyra siffror, till exempel 1487.")
)


def validate_comparison_group(value: object) -> None:
    if not isinstance(value, list) or not all(
        isinstance(code, str) and len(code) == 4 and code.isdigit() for code in value
    ):
        raise ValidationError(
            _("Jämförelsegruppen ska vara en lista med fyrsiffriga kommunkoder."),
            code="invalid",
        )


class MunicipalityQuerySet(models.QuerySet["Municipality"]):
    def current(self) -> Municipality | None:
        """The municipality this installation serves (one per installation)."""
        return self.order_by("pk").first()


class Municipality(models.Model):
    name = models.CharField(_("namn"), max_length=100)
    code = models.CharField(
        _("kommunkod"), max_length=4, unique=True, validators=[municipality_code_validator]
    )
    comparison_group = models.JSONField(
        _("jämförelsegrupp"),
        default=list,
        blank=True,
        validators=[validate_comparison_group],
        help_text=_("Kommunkoder för liknande kommuner, till exempel 1488, 1490."),
    )
    comparison_group_name = models.CharField(
        _("jämförelsegruppens namn"),
        max_length=150,
        blank=True,
        help_text=_("Till exempel ”Liknande kommuner, arbetsmarknad”."),
    )
    is_demo = models.BooleanField(
        _("demodata"),
        default=False,
        help_text=_("Visar en banderoll om att uppgifterna är påhittade."),
    )

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        verbose_name = _("kommun")
        verbose_name_plural = _("kommuner")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{4}$"), name="municipality_code_four_digits"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class BodyKind(models.TextChoices):
    COUNCIL = "council", _("Kommunfullmäktige")
    EXECUTIVE_BOARD = "executive_board", _("Kommunstyrelse")
    COMMITTEE = "committee", _("Nämnd")
    COMPANY = "company", _("Kommunalt bolag")
    ASSOCIATION = "association", _("Förbund")
    EXTERNAL_PARTNER = "external_partner", _("Extern samverkanspart")


class BodyQuerySet(models.QuerySet["Body"]):
    def municipal(self) -> BodyQuerySet:
        """Bodies of the municipality itself, not external partners."""
        return self.exclude(kind=BodyKind.EXTERNAL_PARTNER)

    def active(self, on=None) -> BodyQuerySet:
        from django.utils import timezone

        day = on or timezone.localdate()
        return self.filter(Q(active_from__isnull=True) | Q(active_from__lte=day)).filter(
            Q(active_to__isnull=True) | Q(active_to__gte=day)
        )


class Body(models.Model):
    """An organ: the council, the executive board, a committee, a company or a partner."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="bodies", verbose_name=_("kommun")
    )
    kind = models.CharField(_("typ"), max_length=20, choices=BodyKind.choices)
    name = models.CharField(_("namn"), max_length=150)
    short_name = models.CharField(
        _("förkortning"), max_length=20, help_text=_("Till exempel KS, SN eller BUN.")
    )
    description = models.TextField(_("beskrivning"), blank=True)
    active_from = models.DateField(_("aktiv från"), null=True, blank=True)
    active_to = models.DateField(_("aktiv till"), null=True, blank=True)

    kind_order = models.PositiveSmallIntegerField(default=0, editable=False)

    objects = BodyQuerySet.as_manager()

    class Meta:
        verbose_name = _("organ")
        verbose_name_plural = _("organ")
        ordering = ["kind_order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "short_name"], name="body_short_name_unique"
            ),
            models.UniqueConstraint(fields=["municipality", "name"], name="body_name_unique"),
            models.CheckConstraint(
                condition=Q(active_to__isnull=True)
                | Q(active_from__isnull=True)
                | Q(active_to__gte=F("active_from")),
                name="body_active_period_ordered",
            ),
        ]

    KIND_ORDER = {kind: i for i, kind in enumerate(BodyKind.values)}

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # Lists show the council first, partners last, without a CASE in every query.
        self.kind_order = self.KIND_ORDER.get(self.kind, 99)
        super().save(*args, **kwargs)

    @property
    def is_external(self) -> bool:
        return self.kind == BodyKind.EXTERNAL_PARTNER

    def clean(self) -> None:
        if self.active_from and self.active_to and self.active_to < self.active_from:
            raise ValidationError(
                {"active_to": _("Slutdatum kan inte ligga före startdatum.")}, code="order"
            )


class UnitKind(models.TextChoices):
    DEPARTMENT = "department", _("Förvaltning")
    UNIT = "unit", _("Enhet")
    TEAM = "team", _("Grupp")


class Unit(models.Model):
    """A department, unit or team under a body: a tree kept with a materialised path.

    The path ("/3/7/12/") lets the access policy scope a unit and everything under it with one
    ``startswith`` filter instead of a recursive query.
    """

    body = models.ForeignKey(
        Body, on_delete=models.PROTECT, related_name="units", verbose_name=_("organ")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("överordnad enhet"),
    )
    kind = models.CharField(_("typ"), max_length=20, choices=UnitKind.choices)
    name = models.CharField(_("namn"), max_length=150)
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    depth = models.PositiveSmallIntegerField(editable=False, default=0)

    class Meta:
        verbose_name = _("enhet")
        verbose_name_plural = _("enheter")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["body", "parent", "name"], name="unit_name_unique"),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="unit_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.parent_id is None:
            return
        parent = self.parent
        if parent.body_id != self.body_id:
            raise ValidationError(
                {"parent": _("Den överordnade enheten hör till ett annat organ.")}, code="body"
            )
        if self.pk and (parent.pk == self.pk or (self.path and parent.path.startswith(self.path))):
            raise ValidationError(
                {"parent": _("En enhet kan inte ligga under sig själv.")}, code="cycle"
            )
