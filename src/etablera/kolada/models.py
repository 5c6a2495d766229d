"""What is kept from Kolada: the KPI catalogue, the values, municipality groups and sync runs.

Values are kept per KPI, municipality code, year and gender, exactly as Kolada gives them, so a
value can be checked against Kolada and reused (``etablera kolada values``). A value Kolada has
no figure for is kept with ``value`` empty and Kolada's ``status``, shown as "saknas".

A KPI is *flagged* when Kolada no longer knows its id (``missing``) or when its title in Kolada
is no longer the one a strategist accepted (``title`` differs from ``accepted_title``): an
indicator built on it must not be used silently, so pages, the governance check and the
catalogue show the flag until a strategist has looked at it.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

#: The municipality code Kolada uses for the whole country.
COUNTRY = "0000"

kpi_id_validator = RegexValidator(
    r"^[A-Z][A-Z0-9]{1,11}$",
    _("Ett Kolada-id är en versal följd av siffror, till exempel N00973."),
)


class Gender(models.TextChoices):
    """Kolada's gender codes."""

    TOTAL = "T", _("Totalt")
    WOMEN = "K", _("Kvinnor")
    MEN = "M", _("Män")


class KpiQuerySet(models.QuerySet["Kpi"]):
    def flagged(self) -> KpiQuerySet:
        return self.filter(Q(missing=True) | ~Q(title=models.F("accepted_title")))


class Kpi(models.Model):
    """A Kolada KPI in the catalogue an indicator can take its values from."""

    id = models.CharField(
        _("Kolada-id"), max_length=12, primary_key=True, validators=[kpi_id_validator]
    )
    title = models.CharField(_("titel i Kolada"), max_length=500)
    accepted_title = models.CharField(
        _("godkänd titel"),
        max_length=500,
        help_text=_("Titeln när nyckeltalet valdes eller senast granskades."),
    )
    description = models.TextField(_("beskrivning"), blank=True)
    operating_area = models.CharField(_("verksamhetsområde"), max_length=255, blank=True)
    is_divided_by_gender = models.BooleanField(_("redovisas per kön"), default=False)
    missing = models.BooleanField(
        _("saknas i Kolada"),
        default=False,
        help_text=_("Kolada kände inte till id:t vid senaste hämtningen."),
    )
    is_example = models.BooleanField(
        _("exempeltal"),
        default=False,
        help_text=_("Demodata: värdena är påhittade exempel i Koladas form, inte Koladas tal."),
    )
    checked_at = models.DateTimeField(_("metadata hämtad"), null=True, blank=True)
    last_fetched_at = models.DateTimeField(_("värden hämtade"), null=True, blank=True)

    objects = KpiQuerySet.as_manager()

    class Meta:
        verbose_name = _("Kolada-nyckeltal")
        verbose_name_plural = _("Kolada-nyckeltal")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.id} {self.title}"

    @property
    def title_changed(self) -> bool:
        return self.title != self.accepted_title

    @property
    def flagged(self) -> bool:
        return self.missing or self.title_changed


class Value(models.Model):
    """One Kolada value: a KPI for a municipality (or the country), a year and a gender."""

    kpi = models.ForeignKey(
        Kpi, on_delete=models.CASCADE, related_name="values", verbose_name=_("nyckeltal")
    )
    municipality = models.CharField(_("kommunkod"), max_length=4)
    year = models.PositiveSmallIntegerField(_("år"))
    gender = models.CharField(_("kön"), max_length=1, choices=Gender.choices)
    value = models.DecimalField(_("värde"), max_digits=20, decimal_places=4, null=True)
    count = models.IntegerField(_("antal"), null=True)
    status = models.CharField(_("status"), max_length=40, blank=True)
    fetched_at = models.DateTimeField(_("hämtad"))

    class Meta:
        verbose_name = _("Kolada-värde")
        verbose_name_plural = _("Kolada-värden")
        ordering = ["kpi", "municipality", "year", "gender"]
        constraints = [
            models.UniqueConstraint(
                fields=["kpi", "municipality", "year", "gender"], name="kolada_value_unique"
            ),
            models.CheckConstraint(
                condition=Q(municipality__regex=r"^[0-9]{4}$"),
                name="kolada_value_municipality_code",
            ),
            models.CheckConstraint(
                condition=Q(gender__in=["T", "K", "M"]), name="kolada_value_gender_code"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kpi_id} {self.municipality} {self.year} {self.gender}: {self.value}"


class Area(models.Model):
    """A municipality or region as Kolada names it (for labels: "1488 Vänersborg")."""

    code = models.CharField(_("kod"), max_length=4, primary_key=True)
    title = models.CharField(_("namn"), max_length=200)

    class Meta:
        verbose_name = _("Kolada-kommun")
        verbose_name_plural = _("Kolada-kommuner")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class MunicipalityGroup(models.Model):
    """One of Kolada's municipality groups, offered as a starting point for a comparison group."""

    id = models.CharField(_("Kolada-id"), max_length=20, primary_key=True)
    title = models.CharField(_("namn"), max_length=300)
    members = models.JSONField(_("kommunkoder"), default=list)
    is_example = models.BooleanField(_("exempel"), default=False)
    fetched_at = models.DateTimeField(_("hämtad"))

    class Meta:
        verbose_name = _("Koladas kommungrupp")
        verbose_name_plural = _("Koladas kommungrupper")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class SyncOutcome(models.TextChoices):
    RUNNING = "running", _("Pågår")
    DONE = "done", _("Klar")
    PARTLY = "partly", _("Delvis klar")
    FAILED = "failed", _("Misslyckades")


#: A synchronisation still running after this long was stopped before it could record its end
#: (its process killed, the server restarted): shown as interrupted, and so recorded when the
#: next one starts. Each KPI is written whole, so nothing of it is half-written.
INTERRUPTED_AFTER = datetime.timedelta(hours=1)


class SyncRun(models.Model):
    """One synchronisation: who started it, what it asked for and what it changed."""

    started_at = models.DateTimeField(_("startad"), auto_now_add=True)
    finished_at = models.DateTimeField(_("klar"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("startad av"),
    )
    kpis = models.JSONField(_("nyckeltal"), default=list)
    years = models.CharField(_("år"), max_length=20)
    outcome = models.CharField(
        _("utfall"), max_length=10, choices=SyncOutcome.choices, default=SyncOutcome.RUNNING
    )
    #: Per KPI: {"kpi", "added", "changed", "removed", "unchanged", "error"}.
    results = models.JSONField(_("resultat"), default=list)
    message = models.TextField(_("meddelande"), blank=True)

    class Meta:
        verbose_name = _("Kolada-hämtning")
        verbose_name_plural = _("Kolada-hämtningar")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.outcome_label}"

    @property
    def interrupted(self) -> bool:
        """Still "running" long after any synchronisation ends: it was stopped."""
        return (
            self.outcome == SyncOutcome.RUNNING
            and self.started_at < timezone.now() - INTERRUPTED_AFTER
        )

    @property
    def outcome_label(self) -> str:
        return (
            str(pgettext_lazy("synchronisation", "Avbruten"))
            if self.interrupted
            else str(self.get_outcome_display())
        )
