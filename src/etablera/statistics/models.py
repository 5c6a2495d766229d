"""The register's enrolments as facts for the KPI engine.

A KPI computation reads the period's enrolments with their participants' gender, education,
birth year and reception date, works out each one's bands and flags, and groups them several
ways. Worked out anew for every computation that costs a join and a dozen date expressions per
row. :class:`EnrolmentFact` keeps, per enrolment, what does not depend on the period — already
banded, dates as day numbers — so a computation reads one narrow table with integer arithmetic.

The facts are derived data, never edited: ``statistics.facts`` rebuilds a participant's facts
whenever the participant, one of their enrolments or one of their observations is saved or
deleted, and the register's bulk paths (imports, the generator) ask for the same when they are
done (``register.signals.register_changed``). A fact goes with its enrolment (and a participant's
with the participant): the facts keep nothing the register does not.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class EnrolmentFact(models.Model):
    """An enrolment as the KPI engine reads it (see the module's docstring)."""

    # No foreign-key constraints in the database: the facts are rebuilt from the register (a
    # million rows at a time after a bulk import, where a trigger per row and key would cost
    # more than the rebuild itself); deleting a participant or an enrolment through the
    # register deletes their facts (on_delete), and a rebuild leaves no fact behind.
    enrolment = models.OneToOneField(
        "register.Enrolment",
        on_delete=models.CASCADE,
        db_constraint=False,
        primary_key=True,
        related_name="fact",
        verbose_name=_("deltagande"),
    )
    participant = models.ForeignKey(
        "register.Participant",
        on_delete=models.CASCADE,
        db_constraint=False,
        related_name="+",
        verbose_name=_("deltagare"),
    )
    # Dimension keys kept as plain numbers: the facts follow the register, which protects them.
    unit_id = models.IntegerField(_("ansvarig enhet"))
    intervention_id = models.IntegerField(_("insats"))
    #: Dates as days since 1970-01-01: differences of days are then integer subtractions.
    start_day = models.IntegerField(_("startdag"))
    end_day = models.IntegerField(_("slutdag"), null=True)
    #: The start of the participant's first enrolment (whether they are new in a period).
    first_day = models.IntegerField(_("första startdag"))
    gender = models.CharField(_("kön"), max_length=1)
    education = models.CharField(_("utbildningsnivå"), max_length=30)
    #: The bit of the band (see ``kpis.Dimension.bands``): years since reception and age at
    #: the start of the enrolment.
    reception = models.PositiveSmallIntegerField(_("år sedan kommunmottagande (band)"))
    age = models.PositiveSmallIntegerField(_("ålder (band)"))
    exit_status_id = models.IntegerField(_("status vid avslut"), null=True)
    status_90 = models.IntegerField(_("status efter 90 dagar"), null=True)
    status_180 = models.IntegerField(_("status efter 180 dagar"), null=True)
    status_365 = models.IntegerField(_("status efter 365 dagar"), null=True)

    class Meta:
        verbose_name = _("fakta om deltagande")
        verbose_name_plural = _("fakta om deltaganden")
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.enrolment_id}"


class PublishedFigures(models.Model):
    """The aggregates behind published figures, kept as they were when first published: a
    closed follow-up period's for good, an open period's for the month of their release (see
    ``statistics.frozen``).

    The published values follow from them by the same protection as always (the record keys'
    sums are kept with the counts), so a closed period's figures are the same next week and
    next year, whatever late registrations do to the register.
    """

    start = models.DateField(_("från"))
    end = models.DateField(_("till"))
    #: The scope's key and its units (``frozen.scope_id``).
    scope = models.CharField(_("omfattning"), max_length=200)
    #: The dimensions of the grouping, comma-separated ("" for the total alone).
    grouping = models.CharField(_("uppdelning"), max_length=60, blank=True)
    #: "" for a closed period's final figures; the month (``2026-01``) of a release of an open
    #: period's preliminary figures.
    release = models.CharField(_("publicering"), max_length=7, blank=True)
    as_of = models.DateField(_("beräknat per"))
    taken_at = models.DateTimeField(_("fastställt"), auto_now_add=True)
    #: ``[[group key as [dimension, value] pairs], aggregates], …]`` (``frozen.dump``).
    groups = models.JSONField(_("grupper"))

    class Meta:
        verbose_name = _("fastställda nyckeltal")
        verbose_name_plural = _("fastställda nyckeltal")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["start", "end", "scope", "grouping", "release"],
                name="published_figures_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.start}–{self.end} {self.scope} {self.grouping} {self.release}"
