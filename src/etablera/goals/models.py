"""Goals, indicators, targets and indicator values (R3, R4, R5).

A goal hierarchy (council → committee → activity goals) with an owner body, a policy area, a
validity and the mandates that work towards it. Indicators measure goals; their values come
from a *source* (``goals.sources``): entered by hand (``IndicatorValue`` rows), computed from the
participant register or fetched from Kolada. A report asks the source registry and never needs
to know where a value came from.

Indicator values are kept per date range (``start``–``end``) rather than per follow-up period,
so a value for 2025-01-01..2025-08-31 belongs to the interim period ``2025D`` by its dates, and
a Kolada yearly value belongs to the calendar year. ``goals.periods.resolve_period`` turns a
period code into that range.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from etablera.mandates.models import Mandate, PolicyArea
from etablera.organisation.models import Body


class GoalLevel(models.TextChoices):
    COUNCIL = "council", _("Fullmäktigemål")
    COMMITTEE = "committee", _("Nämndmål")
    ACTIVITY = "activity", _("Verksamhetsmål")


#: A goal's parent is one level up: an activity goal serves a committee goal, and so on.
LEVEL_RANK: dict[str, int] = {GoalLevel.COUNCIL: 0, GoalLevel.COMMITTEE: 1, GoalLevel.ACTIVITY: 2}


class Goal(models.Model):
    """A goal of the council, a committee or an activity.

    ``owner`` may be empty: reality sometimes has goals nobody owns, and the governance check
    flags them (rule 4) rather than the register refusing them.
    """

    title = models.CharField(_("rubrik"), max_length=255)
    description = models.TextField(_("beskrivning"), blank=True)
    level = models.CharField(_("nivå"), max_length=20, choices=GoalLevel.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("överordnat mål"),
    )
    owner = models.ForeignKey(
        Body,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_goals",
        verbose_name=_("ägare"),
    )
    policy_area = models.ForeignKey(
        PolicyArea, on_delete=models.PROTECT, related_name="goals", verbose_name=_("politikområde")
    )
    valid_from = models.DateField(_("gäller från"))
    valid_to = models.DateField(_("gäller till"), null=True, blank=True)
    mandates = models.ManyToManyField(
        Mandate, related_name="goals", blank=True, verbose_name=_("uppdrag")
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    class Meta:
        verbose_name = _("mål")
        verbose_name_plural = _("mål")
        ordering = ["policy_area__order", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="goal_valid_to_after_from",
            ),
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="goal_not_own_parent"),
        ]
        indexes = [models.Index(fields=["level", "policy_area"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("goals:goal-detail", args=[self.pk])

    @property
    def missing_owner(self) -> bool:
        return self.owner_id is None

    def valid_in_year(self, year: int) -> bool:
        """Does the goal's validity touch calendar year ``year``?"""
        if self.valid_from.year > year:
            return False
        return self.valid_to is None or self.valid_to.year >= year

    def valid_on(self, start: datetime.date, end: datetime.date) -> bool:
        """Does the goal's validity overlap ``start``–``end``?"""
        return self.valid_from <= end and (self.valid_to is None or self.valid_to >= start)

    @property
    def validity_label(self) -> str:
        to = f"{self.valid_to:%Y-%m-%d}" if self.valid_to else "…"
        return f"{self.valid_from:%Y-%m-%d} – {to}"

    def clean(self) -> None:
        errors: dict[str, object] = {}
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            errors["valid_to"] = _("Slutdatum kan inte ligga före startdatum.")
        if self.parent_id:
            parent = self.parent
            if self.pk and parent.pk == self.pk:
                errors["parent"] = _("Ett mål kan inte vara överordnat sig självt.")
            elif LEVEL_RANK.get(parent.level, 0) >= LEVEL_RANK.get(self.level, 0):
                errors["parent"] = _(
                    "Det överordnade målet ska ligga på en högre nivå "
                    "(fullmäktigemål → nämndmål → verksamhetsmål)."
                )
            elif self.pk:
                ancestor = parent
                seen = set()
                while ancestor is not None and ancestor.pk not in seen:
                    if ancestor.pk == self.pk:
                        errors["parent"] = _("Målträdet får inte gå i cirkel.")
                        break
                    seen.add(ancestor.pk)
                    ancestor = ancestor.parent
        if errors:
            raise ValidationError(errors)


class IndicatorUnit(models.TextChoices):
    PERCENT = "percent", _("procent")
    COUNT = "count", _("antal")
    SEK = "sek", _("kronor")
    DAYS = "days", _("dagar")


#: How a value of each unit is written after the number.
UNIT_SUFFIX: dict[str, str] = {
    IndicatorUnit.PERCENT: "\u00a0%",
    IndicatorUnit.COUNT: "",
    IndicatorUnit.SEK: "\u00a0kr",
    IndicatorUnit.DAYS: "\u00a0dagar",
}


class Direction(models.TextChoices):
    HIGHER = "higher", _("Högre är bättre")
    LOWER = "lower", _("Lägre är bättre")


class SourceKind(models.TextChoices):
    MANUAL = "manual", _("Inmatat för hand")
    REGISTER = "register", _("Deltagarregistret")
    KOLADA = "kolada", _("Kolada")


class Gender(models.TextChoices):
    """Kolada's codes: T total, K women, M men."""

    TOTAL = "T", _("Totalt")
    WOMEN = "K", _("Kvinnor")
    MEN = "M", _("Män")


class Indicator(models.Model):
    """Something measured, with a unit, a direction and a source for its values."""

    name = models.CharField(_("namn"), max_length=255)
    definition = models.TextField(_("definition"), blank=True)
    unit = models.CharField(_("enhet"), max_length=10, choices=IndicatorUnit.choices)
    direction = models.CharField(
        _("riktning"), max_length=10, choices=Direction.choices, default=Direction.HIGHER
    )
    source = models.CharField(
        _("källa"), max_length=20, choices=SourceKind.choices, default=SourceKind.MANUAL
    )
    source_key = models.CharField(
        _("källnyckel"),
        max_length=80,
        blank=True,
        help_text=_(
            "Nyckeltalets nyckel i deltagarregistret (t.ex. exit_work_or_studies_share) "
            "eller Koladas KPI-id (t.ex. N00914)."
        ),
    )
    gender_breakdown = models.BooleanField(
        _("redovisas per kön"),
        default=False,
        help_text=_("Kvinnor (K) och män (M) utöver totalt (T)."),
    )
    goals = models.ManyToManyField(
        Goal, related_name="indicators", blank=True, verbose_name=_("mål")
    )
    is_active = models.BooleanField(_("aktiv"), default=True)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    class Meta:
        verbose_name = _("indikator")
        verbose_name_plural = _("indikatorer")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(source="manual") | ~Q(source_key=""),
                name="indicator_source_key_required",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("goals:indicator-detail", args=[self.pk])

    @property
    def suffix(self) -> str:
        return UNIT_SUFFIX.get(self.unit, "")

    @property
    def genders(self) -> list[str]:
        """The gender codes this indicator is reported for, total first."""
        if self.gender_breakdown:
            return [Gender.TOTAL, Gender.WOMEN, Gender.MEN]
        return [Gender.TOTAL]

    def clean(self) -> None:
        if self.source != SourceKind.MANUAL and not self.source_key.strip():
            raise ValidationError(
                {
                    "source_key": _(
                        "Ange källnyckeln för värden från deltagarregistret eller Kolada."
                    )
                }
            )

    def validate_value(self, value: Decimal | None, field: str = "value") -> None:
        """Refuse a value that cannot be in this indicator's unit (e.g. a share above 100 %)."""
        if value is None:
            return
        if self.unit == IndicatorUnit.PERCENT and not (Decimal(0) <= value <= Decimal(100)):
            raise ValidationError(
                {field: _("En andel i procent ska ligga mellan 0 och 100.")}, code="unit"
            )
        whole = value >= 0 and value == value.to_integral_value()
        if self.unit == IndicatorUnit.COUNT and not whole:
            raise ValidationError(
                {field: _("Ett antal ska vara ett heltal som är 0 eller större.")}, code="unit"
            )
        if self.unit == IndicatorUnit.DAYS and value < 0:
            raise ValidationError({field: _("Antal dagar kan inte vara negativt.")}, code="unit")


class Target(models.Model):
    """A target value for an indicator in a calendar year (and gender)."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="targets", verbose_name=_("indikator")
    )
    year = models.PositiveSmallIntegerField(_("år"))
    gender = models.CharField(_("kön"), max_length=1, choices=Gender.choices, default=Gender.TOTAL)
    value = models.DecimalField(_("målvärde"), max_digits=14, decimal_places=2)
    comment = models.CharField(_("kommentar"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("målvärde")
        verbose_name_plural = _("målvärden")
        ordering = ["indicator", "year", "gender"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year", "gender"], name="target_unique_per_year_gender"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1990) & Q(year__lte=2100), name="target_year_sane"
            ),
            models.CheckConstraint(
                condition=Q(gender__in=["T", "K", "M"]), name="target_gender_code"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year} {self.gender}: {self.value}"

    def clean(self) -> None:
        errors: dict[str, object] = {}
        if self.year is not None and not (1990 <= self.year <= 2100):
            errors["year"] = _("Ange ett år mellan 1990 och 2100.")
        if self.indicator_id and self.year is not None and "year" not in errors:
            goals = list(self.indicator.goals.all())
            if goals and not any(goal.valid_in_year(self.year) for goal in goals):
                spans = ", ".join(f"{g.title} ({g.validity_label})" for g in goals)
                errors["year"] = _(
                    "Året %(year)s ligger utanför giltighetstiden för indikatorns mål: %(spans)s."
                ) % {"year": self.year, "spans": spans}
        by_gender = self.gender and self.gender != Gender.TOTAL
        if self.indicator_id and by_gender and not self.indicator.gender_breakdown:
            errors["gender"] = _("Indikatorn redovisas inte per kön; ange målvärde för totalt.")
        if self.indicator_id and self.value is not None:
            try:
                self.indicator.validate_value(self.value)
            except ValidationError as exc:
                errors.update(exc.message_dict)
        if errors:
            raise ValidationError(errors)


class IndicatorValue(models.Model):
    """A value of an indicator for a date range and gender, or a suppressed one.

    Manual values are entered by reporters and strategists; a Kolada value carries the code of
    the municipality it describes (the own one or one of its comparison group). A value can be
    corrected; approved follow-up reports keep their snapshot of the value as it stood.
    """

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="values", verbose_name=_("indikator")
    )
    start = models.DateField(_("från"))
    end = models.DateField(_("till"))
    gender = models.CharField(_("kön"), max_length=1, choices=Gender.choices, default=Gender.TOTAL)
    value = models.DecimalField(_("värde"), max_digits=14, decimal_places=2, null=True, blank=True)
    suppressed = models.BooleanField(
        _("dold uppgift"),
        default=False,
        help_text=_("Värdet visas som ”..” för att ingen enskild person ska kunna pekas ut."),
    )
    source = models.CharField(
        _("källa"), max_length=20, choices=SourceKind.choices, default=SourceKind.MANUAL
    )
    municipality_code = models.CharField(
        _("kommunkod"),
        max_length=4,
        blank=True,
        help_text=_("För Kolada-värden: kommunen värdet gäller. Tomt betyder den egna kommunen."),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("inmatat av"),
    )
    entered_at = models.DateTimeField(_("inmatat"), auto_now=True)
    comment = models.CharField(_("kommentar"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("indikatorvärde")
        verbose_name_plural = _("indikatorvärden")
        ordering = ["indicator", "start", "gender"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "start", "end", "gender", "municipality_code"],
                name="indicator_value_unique",
            ),
            models.CheckConstraint(
                condition=Q(end__gte=F("start")), name="indicator_value_range_ordered"
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=False) | Q(suppressed=True),
                name="indicator_value_present_or_suppressed",
            ),
            models.CheckConstraint(
                condition=Q(gender__in=["T", "K", "M"]), name="indicator_value_gender_code"
            ),
        ]
        indexes = [models.Index(fields=["indicator", "end"])]

    def __str__(self) -> str:
        return f"{self.indicator} {self.start:%Y-%m-%d}..{self.end:%Y-%m-%d} {self.gender}"

    def clean(self) -> None:
        errors: dict[str, object] = {}
        if self.start and self.end and self.end < self.start:
            errors["end"] = _("Slutdatum kan inte ligga före startdatum.")
        if self.value is None and not self.suppressed:
            errors["value"] = _("Ange ett värde, eller markera uppgiften som dold.")
        if self.municipality_code and not (
            len(self.municipality_code) == 4 and self.municipality_code.isdigit()
        ):
            errors["municipality_code"] = _("Kommunkoden ska vara fyra siffror.")
        if self.indicator_id:
            if self.gender and self.gender != Gender.TOTAL and not self.indicator.gender_breakdown:
                errors["gender"] = _("Indikatorn redovisas inte per kön; ange värdet för totalt.")
            if self.value is not None and "value" not in errors:
                try:
                    self.indicator.validate_value(self.value)
                except ValidationError as exc:
                    errors.update(exc.message_dict)
        if errors:
            raise ValidationError(errors)


from auditlog.registry import auditlog  # noqa: E402

auditlog.register(Goal, m2m_fields={"mandates"})
auditlog.register(Indicator, m2m_fields={"goals"})
auditlog.register(Target)
auditlog.register(IndicatorValue)
