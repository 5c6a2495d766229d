"""The labour-market register: interventions, participants, enrolments and outcomes (R7).

The tables are plain and indexed for period queries so the KPI engine can aggregate over them
with the ORM. A participant's identity number is never stored in clear: ``identity_encrypted``
holds it encrypted and ``identity_hash`` (a keyed HMAC) finds it; ``masked_identity`` is the
part a coach may see in lists ("19900101-****").
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from etablera.organisation.models import Unit


class InterventionCategory(models.TextChoices):
    WORK_TRAINING = "work_training", _("Arbetsträning")
    INTERNSHIP = "internship", _("Praktik")
    SUBSIDISED_EMPLOYMENT = "subsidised_employment", _("Subventionerad anställning")
    MUNICIPAL_EMPLOYMENT = "municipal_employment", _("Kommunal visstidsanställning")
    VOCATIONAL_TRAINING = "vocational_training", _("Yrkesutbildning")
    VOCATIONAL_SWEDISH = "vocational_swedish", _("Yrkessvenska")
    LANGUAGE_INTERNSHIP = "language_internship", _("Språkpraktik")
    GUIDANCE = "guidance", _("Vägledning och coachning")
    CIVIC_ORIENTATION = "civic_orientation", _("Samhällsorientering")
    SKILLS_MAPPING = "skills_mapping", _("Kartläggning av kompetens")
    OTHER = "other", _("Annan insats")


class Funding(models.TextChoices):
    MUNICIPAL = "municipal", _("Kommunal")
    EMPLOYMENT_SERVICE = "employment_service", _("Arbetsförmedlingen")
    ESF = "esf", _("ESF+")
    OTHER = "other", _("Annan")


class Intervention(models.Model):
    """A programme a unit runs for participants, commissioned by a mandate."""

    name = models.CharField(_("namn"), max_length=200)
    code = models.CharField(
        _("kod"),
        max_length=40,
        blank=True,
        default="",
        help_text=_("Kort kod som används vid import, till exempel ARB-PRAKTIK."),
    )
    category = models.CharField(_("kategori"), max_length=30, choices=InterventionCategory.choices)
    description = models.TextField(_("beskrivning"), blank=True)
    provider_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="interventions",
        verbose_name=_("utförande enhet"),
    )
    commissioning_mandate = models.ForeignKey(
        "mandates.Mandate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="interventions",
        verbose_name=_("uppdrag"),
        help_text=_("Det uppdrag som insatsen utförs på. Saknas det flaggas insatsen."),
    )
    funding = models.CharField(
        _("finansiering"), max_length=30, choices=Funding.choices, default=Funding.MUNICIPAL
    )
    capacity = models.PositiveIntegerField(
        _("antal platser"), null=True, blank=True, help_text=_("Samtidiga deltagare.")
    )
    cost_per_participant_month = models.DecimalField(
        _("kostnad per deltagare och månad (kr)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
    )
    start = models.DateField(_("startdatum"))
    end = models.DateField(_("slutdatum"), null=True, blank=True)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    class Meta:
        verbose_name = _("insats")
        verbose_name_plural = _("insatser")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="intervention_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(cost_per_participant_month__isnull=True)
                | Q(cost_per_participant_month__gte=0),
                name="intervention_cost_not_negative",
            ),
            models.UniqueConstraint(
                fields=["code"], condition=~Q(code=""), name="intervention_code_unique"
            ),
        ]
        indexes = [models.Index(fields=["category"]), models.Index(fields=["start", "end"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("register:intervention-detail", args=[self.pk])

    def clean(self) -> None:
        if self.start and self.end and self.end < self.start:
            raise ValidationError(
                {"end": _("Slutdatum kan inte ligga före startdatum.")}, code="order"
            )


class StatusCategoryQuerySet(models.QuerySet["StatusCategory"]):
    def active(self) -> StatusCategoryQuerySet:
        return self.filter(active=True)

    def in_work_or_studies(self) -> StatusCategoryQuerySet:
        return self.filter(Q(is_work=True) | Q(is_subsidised_work=True) | Q(is_studies=True))


class StatusCategory(models.Model):
    """A managed list of a participant's situation at start, at exit and after exit.

    The flags follow the national KPI "Resultat vid avslut i kommunens
    arbetsmarknadsverksamhet": work counts only on the regular labour market and when it lasts
    at least one continuous month (a municipal labour-market employment is another intervention);
    studies count only when they qualify for student finance (SFI alone does not). The list is
    data, not code, because national reporting is changing.
    """

    code = models.SlugField(_("kod"), max_length=40, unique=True)
    name = models.CharField(_("namn"), max_length=100)
    description = models.TextField(_("beskrivning"), blank=True)
    is_work = models.BooleanField(
        _("arbete"),
        default=False,
        help_text=_(
            "Osubventionerat arbete på den reguljära arbetsmarknaden i minst en månad, "
            "inklusive eget företag."
        ),
    )
    is_subsidised_work = models.BooleanField(
        _("subventionerat arbete"),
        default=False,
        help_text=_("Subventionerat arbete på den reguljära arbetsmarknaden i minst en månad."),
    )
    is_studies = models.BooleanField(
        _("studier"),
        default=False,
        help_text=_("Studier som ger rätt till studiemedel. SFI enbart räknas inte."),
    )
    order = models.PositiveSmallIntegerField(_("ordning"), default=100)
    active = models.BooleanField(_("aktiv"), default=True)

    objects = StatusCategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("statuskategori")
        verbose_name_plural = _("statuskategorier")
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~(Q(is_work=True) & Q(is_subsidised_work=True)),
                name="status_category_work_xor_subsidised",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def in_work_or_studies(self) -> bool:
        return self.is_work or self.is_subsidised_work or self.is_studies


class IdentityKind(models.TextChoices):
    PERSONNUMMER = "personnummer", _("Personnummer")
    SAMORDNINGSNUMMER = "samordningsnummer", _("Samordningsnummer")
    RESERVE = "reserve", _("Reservnummer")
    #: Direct identifiers removed by retention (gallring); the person can no longer be found.
    REMOVED = "removed", _("Gallrad")


class Gender(models.TextChoices):
    # Kolada's codes for women and men; X when neither is known or applies.
    WOMAN = "K", _("Kvinna")
    MAN = "M", _("Man")
    OTHER_OR_UNKNOWN = "X", _("Annat eller okänt")


class EducationLevel(models.TextChoices):
    """SUN 2020 levels, grouped as Statistics Sweden reports them."""

    PRIMARY_SHORT = "primary_short", _("Förgymnasial utbildning kortare än 9 år")
    PRIMARY = "primary", _("Förgymnasial utbildning 9 (10) år")
    UPPER_SECONDARY = "upper_secondary", _("Gymnasial utbildning")
    POST_SECONDARY_SHORT = "post_secondary_short", _("Eftergymnasial utbildning kortare än 3 år")
    POST_SECONDARY_LONG = "post_secondary_long", _("Eftergymnasial utbildning 3 år eller längre")
    UNKNOWN = "unknown", _("Uppgift saknas")


class ReferredBy(models.TextChoices):
    EMPLOYMENT_SERVICE = "employment_service", _("Arbetsförmedlingen")
    SOCIAL_SERVICES = "social_services", _("Socialtjänsten")
    SELF = "self", _("Egen anmälan")
    OTHER = "other", _("Annan")


class Participant(models.Model):
    """A person in the register, known by an identity number or a local reserve number.

    Given and family name are direct identifiers like the number: shown only where the masked
    number is (``register.participant.view``), kept out of the change history and erased by
    retention. They may be blank (an import from a system that has none).
    """

    given_name = models.CharField(
        _("förnamn"), max_length=100, blank=True, default="", db_default=""
    )
    family_name = models.CharField(
        _("efternamn"), max_length=100, blank=True, default="", db_default=""
    )

    identity_kind = models.CharField(
        _("identitetstyp"), max_length=20, choices=IdentityKind.choices
    )
    identity_encrypted = models.TextField(_("krypterat identitetsnummer"), blank=True, default="")
    identity_hash = models.CharField(
        _("sökhash"), max_length=64, null=True, blank=True, editable=False
    )
    masked_identity = models.CharField(
        _("maskerat identitetsnummer"),
        max_length=20,
        blank=True,
        default="",
        editable=False,
        help_text=_("Födelsedatum och fyra stjärnor, till exempel 19900101-****."),
    )
    reserve_number = models.CharField(_("reservnummer"), max_length=40, null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("födelseår"), null=True, blank=True)
    gender = models.CharField(
        _("kön"), max_length=1, choices=Gender.choices, default=Gender.OTHER_OR_UNKNOWN
    )
    country_of_birth = models.CharField(
        _("födelseland"),
        max_length=2,
        blank=True,
        default="",
        help_text=_("Landskod enligt ISO 3166-1, till exempel SY för Syrien."),
    )
    received_on = models.DateField(_("kommunmottagen"), null=True, blank=True)
    education_level = models.CharField(
        _("utbildningsnivå"),
        max_length=30,
        choices=EducationLevel.choices,
        default=EducationLevel.UNKNOWN,
    )
    in_establishment_programme = models.BooleanField(_("i etableringsprogrammet"), default=False)
    referred_by = models.CharField(
        _("anvisad av"), max_length=30, choices=ReferredBy.choices, default=ReferredBy.OTHER
    )
    consent_to_follow_up = models.BooleanField(_("samtycke till uppföljning"), default=False)
    # Indexed by (owning_unit, received_on) below, which also serves the access scope.
    owning_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="participants",
        verbose_name=_("ansvarig enhet"),
        db_index=False,
    )
    #: The coach who works with the person ("mina deltagare"); the one who registered them
    #: unless changed. Indexed with the name below, which also serves the foreign key.
    responsible_coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responsible_for_participants",
        verbose_name=_("ansvarig coach"),
        db_index=False,
    )
    created_at = models.DateTimeField(_("registrerad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)
    #: When the person's data, enrolments or follow-ups last changed: the list's "senaste
    #: aktivitet" order. Kept by the services and, after bulk writes, by ``register_changed``.
    last_activity_at = models.DateTimeField(
        _("senaste aktivitet"), default=timezone.now, db_default=Now(), editable=False
    )
    #: When retention removed the direct identifiers (``etablera retention --apply``).
    deidentified_at = models.DateTimeField(_("gallrad"), null=True, blank=True, editable=False)
    #: A registration of someone already registered under a unit outside the registering
    #: user's reach, kept until the register's administrator resolves the
    #: :class:`RegistrationConflict` (transfer, shared participation or rejection). Its unit
    #: works with it like any participant meanwhile: nothing they see differs from a new
    #: registration, so the register cannot be used to test whether a person is in it. It is
    #: the only case of two rows with the same number, hence the conditional unique keys.
    held_for_review = models.BooleanField(
        _("väntar på registeransvarig"), default=False, db_default=False, editable=False
    )

    class Meta:
        verbose_name = _("deltagare")
        verbose_name_plural = _("deltagare")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        identity_kind="reserve",
                        reserve_number__isnull=False,
                        identity_hash__isnull=True,
                    )
                    | (
                        Q(identity_kind__in=["personnummer", "samordningsnummer"])
                        & Q(identity_hash__isnull=False, reserve_number__isnull=True)
                    )
                    | Q(
                        identity_kind="removed",
                        identity_hash__isnull=True,
                        reserve_number__isnull=True,
                        identity_encrypted="",
                    )
                ),
                name="participant_identity_consistent",
            ),
            models.CheckConstraint(
                condition=Q(gender__in=["K", "M", "X"]), name="participant_gender_valid"
            ),
            models.UniqueConstraint(
                fields=["identity_hash"],
                condition=Q(held_for_review=False),
                name="participant_identity_hash_unique",
            ),
            models.UniqueConstraint(
                fields=["reserve_number"],
                condition=Q(held_for_review=False),
                name="participant_reserve_number_unique",
            ),
        ]
        # The list's orders (name, registered, latest activity) each walk an index and stop
        # after a page, whatever the size of the register; "mine" walks the coach's own.
        indexes = [
            models.Index(fields=["owning_unit", "received_on"]),
            models.Index(fields=["identity_hash"], name="participant_identity_hash"),
            models.Index(fields=["reserve_number"], name="participant_reserve_number"),
            models.Index(fields=["family_name", "given_name", "id"], name="register_part_name"),
            models.Index(fields=["created_at", "id"], name="register_part_created"),
            models.Index(fields=["last_activity_at", "id"], name="register_part_activity"),
            models.Index(
                fields=["responsible_coach", "family_name", "given_name", "id"],
                name="register_part_coach_name",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def full_name(self) -> str:
        """Given and family name, or "" when neither is known (never the number)."""
        return " ".join(part for part in (self.given_name, self.family_name) if part)

    @property
    def label(self) -> str:
        """What a coach sees to recognise the person: never the whole number."""
        if self.identity_kind == IdentityKind.RESERVE:
            return self.reserve_number or ""
        if self.identity_kind == IdentityKind.REMOVED:
            return str(_("Gallrad (%(pk)s)") % {"pk": self.pk})
        return self.masked_identity


class Livelihood(models.TextChoices):
    INCOME_SUPPORT = "income_support", _("Ekonomiskt bistånd")
    ESTABLISHMENT_BENEFIT = "establishment_benefit", _("Etableringsersättning")
    ACTIVITY_BENEFIT = "activity_benefit", _("Aktivitetsstöd")
    WAGE = "wage", _("Lön")
    NONE = "none", _("Ingen försörjning")
    UNKNOWN = "unknown", _("Okänd")


class Enrolment(models.Model):
    """A participant's time in one intervention; ended with an exit status."""

    # The natural-key constraint (participant, intervention, start) and the index
    # (intervention, start) already serve these lookups: no separate foreign-key indexes, which
    # would only slow a bulk import down.
    participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        related_name="enrolments",
        verbose_name=_("deltagare"),
        db_index=False,
    )
    intervention = models.ForeignKey(
        Intervention,
        on_delete=models.PROTECT,
        related_name="enrolments",
        verbose_name=_("insats"),
        db_index=False,
    )
    start = models.DateField(_("startdatum"))
    planned_end = models.DateField(_("planerat slutdatum"), null=True, blank=True)
    end = models.DateField(_("slutdatum"), null=True, blank=True)
    status_at_start = models.ForeignKey(
        StatusCategory,
        on_delete=models.PROTECT,
        related_name="enrolments_started",
        verbose_name=_("status vid start"),
        db_index=False,
    )
    livelihood_at_start = models.CharField(
        _("försörjning vid start"),
        max_length=30,
        choices=Livelihood.choices,
        default=Livelihood.UNKNOWN,
    )
    exit_status = models.ForeignKey(
        StatusCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enrolments_exited",
        verbose_name=_("status vid avslut"),
        db_index=False,
    )
    hours_per_week = models.DecimalField(
        _("timmar per vecka"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    created_at = models.DateTimeField(_("registrerad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    class Meta:
        verbose_name = _("deltagande")
        verbose_name_plural = _("deltaganden")
        ordering = ["-start", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="enrolment_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(planned_end__isnull=True) | Q(planned_end__gte=F("start")),
                name="enrolment_planned_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True, exit_status__isnull=True)
                | Q(end__isnull=False, exit_status__isnull=False),
                name="enrolment_exit_status_with_end",
            ),
            models.CheckConstraint(
                condition=Q(hours_per_week__isnull=True)
                | Q(hours_per_week__gte=0, hours_per_week__lte=168),
                name="enrolment_hours_in_week",
            ),
            models.UniqueConstraint(
                fields=["participant", "intervention", "start"], name="enrolment_natural_key"
            ),
        ]
        indexes = [
            models.Index(fields=["start"], name="register_enrolment_start"),
            models.Index(fields=["end"], name="register_enrolment_end"),
            models.Index(fields=["intervention", "start"], name="register_enrolment_iv_start"),
            # The ongoing enrolments only (a few percent of all): the interventions' "Deltagare
            # nu" counts them without reading every enrolment ever.
            models.Index(
                fields=["intervention", "start"],
                condition=Q(end__isnull=True),
                name="register_enrolment_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.intervention} {self.start:%Y-%m-%d}"

    @property
    def is_active(self) -> bool:
        return self.end is None

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.start and self.end and self.end < self.start:
            errors["end"] = _("Slutdatum kan inte ligga före startdatum.")
        if self.start and self.planned_end and self.planned_end < self.start:
            errors["planned_end"] = _("Planerat slutdatum kan inte ligga före startdatum.")
        if self.end and not self.exit_status_id:
            errors["exit_status"] = _("Ange status vid avslut.")
        if self.exit_status_id and not self.end:
            errors["end"] = _("Ange slutdatum när status vid avslut är angiven.")
        if errors:
            raise ValidationError(errors)


class FollowUpDay(models.IntegerChoices):
    DAYS_90 = 90, _("90 dagar efter avslut")
    DAYS_180 = 180, _("180 dagar efter avslut")
    DAYS_365 = 365, _("365 dagar efter avslut")


class OutcomeObservation(models.Model):
    """A participant's status some time after an enrolment ended."""

    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.CASCADE,
        related_name="observations",
        verbose_name=_("deltagande"),
    )
    days_after_exit = models.PositiveSmallIntegerField(
        _("dagar efter avslut"), choices=FollowUpDay.choices
    )
    observed_on = models.DateField(_("observerad"))
    status = models.ForeignKey(
        StatusCategory,
        on_delete=models.PROTECT,
        related_name="observations",
        verbose_name=_("status"),
    )
    created_at = models.DateTimeField(_("registrerad"), auto_now_add=True)

    class Meta:
        verbose_name = _("uppföljning efter avslut")
        verbose_name_plural = _("uppföljningar efter avslut")
        ordering = ["enrolment", "days_after_exit"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "days_after_exit"], name="observation_once_per_point"
            ),
            models.CheckConstraint(
                condition=Q(days_after_exit__in=[90, 180, 365]), name="observation_days_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment} +{self.days_after_exit}"


class ImportKind(models.TextChoices):
    PARTICIPANTS = "participants", pgettext_lazy("plural", "Deltagare")
    ENROLMENTS = "enrolments", _("Deltaganden")


class ImportStatus(models.TextChoices):
    COMMITTED = "committed", _("Inläst")
    DRY_RUN = "dry_run", _("Provkörd")
    REJECTED = "rejected", _("Avvisad")


class ImportRun(models.Model):
    """One import of a file: who, when, what, and how it went (never the rows themselves)."""

    kind = models.CharField(_("typ"), max_length=20, choices=ImportKind.choices)
    file_name = models.CharField(_("filnamn"), max_length=255)
    owning_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="register_imports",
        verbose_name=_("ansvarig enhet"),
        help_text=_("Enheten vars deltagare importen gällde; tom för en import i hela registret."),
    )
    started_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="register_imports",
        verbose_name=_("startad av"),
    )
    started_at = models.DateTimeField(_("startad"), auto_now_add=True)
    status = models.CharField(_("resultat"), max_length=20, choices=ImportStatus.choices)
    rows = models.PositiveIntegerField(_("rader"), default=0)
    created = models.PositiveIntegerField(_("nya"), default=0)
    updated = models.PositiveIntegerField(_("uppdaterade"), default=0)
    error_count = models.PositiveIntegerField(_("fel"), default=0)
    seconds = models.FloatField(_("sekunder"), default=0)
    notes = models.TextField(_("anmärkningar"), blank=True)
    #: The error report (masked values only), relative to MEDIA_ROOT; kept for download.
    error_file = models.CharField(_("felrapport"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("importer")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.file_name}"


class RetentionRun(models.Model):
    """One run of ``etablera retention``: what it found (and, when applied, de-identified)."""

    at = models.DateTimeField(_("tid"), auto_now_add=True)
    applied = models.BooleanField(_("genomförd"), default=False)
    cutoff = models.DateField(_("gräns"))
    participants = models.PositiveIntegerField(_("deltagare"), default=0)
    error_reports = models.PositiveIntegerField(_("felrapporter"), default=0)

    class Meta:
        verbose_name = _("gallringskörning")
        verbose_name_plural = _("gallringskörningar")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} ({self.participants})"


class DataKeyCheck(models.Model):
    """The check value of the data key the identity numbers are encrypted with (one row).

    A server or command started with another key refuses to start (``register.keycheck``),
    instead of failing to decrypt, finding nobody and registering duplicates.
    """

    value = models.CharField(_("kontrollvärde"), max_length=64)
    recorded_at = models.DateTimeField(_("registrerat"), auto_now=True)

    class Meta:
        verbose_name = _("kontrollvärde för datanyckeln")
        verbose_name_plural = _("kontrollvärden för datanyckeln")

    def __str__(self) -> str:
        return str(_("Kontrollvärde för datanyckeln"))


class ConflictSource(models.TextChoices):
    FORM = "form", _("formulär")
    API = "api", _("API")
    IMPORT = "import", _("import")


class ConflictStatus(models.TextChoices):
    OPEN = "open", _("öppen")
    TRANSFERRED = "transferred", _("överförd")
    SHARED = "shared", _("delat deltagande")
    DECLINED = "declined", _("avslagen")


class RegistrationConflict(models.Model):
    """Someone registered a person who is already in the register under a unit outside their
    reach: a case for the register's administrator.

    The one who registered is answered exactly as for a new person, and gets a participant of
    their own (``held``, marked :attr:`Participant.held_for_review`) to work with: any other
    answer would let them test numbers against the whole register. The register's
    administrator — a coach whose reach covers both units — resolves the case: transfer the
    person to the asking unit, share the participation (both units see and work with the
    person), or reject the registration. Transfer and sharing merge the held registration's
    enrolments into the person's; rejection removes it. Every step is in the access log.
    """

    participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        related_name="registration_conflicts",
        verbose_name=_("deltagare"),
    )
    requested_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="registration_conflicts",
        verbose_name=_("begärande enhet"),
    )
    requested_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registration_conflicts",
        verbose_name=_("begärd av"),
    )
    #: The registration the asking unit made and works with until the case is resolved.
    held = models.OneToOneField(
        Participant,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="held_conflict",
        verbose_name=_("väntande registrering"),
    )
    source = models.CharField(_("källa"), max_length=10, choices=ConflictSource.choices)
    import_run = models.ForeignKey(
        ImportRun,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="conflicts",
        verbose_name=_("import"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ConflictStatus.choices, default=ConflictStatus.OPEN
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    resolved_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resolved_registration_conflicts",
        verbose_name=_("hanterad av"),
    )
    resolved_at = models.DateTimeField(_("hanterad"), null=True, blank=True)

    class Meta:
        verbose_name = _("registreringskonflikt")
        verbose_name_plural = _("registreringskonflikter")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "requested_unit"],
                condition=models.Q(status="open"),
                name="register_conflict_one_open_per_unit",
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} → {self.requested_unit_id} ({self.status})"


class ParticipantShare(models.Model):
    """Shared participation: a unit besides the owning one that sees and works with the person.

    Made by the register's administrator when resolving a :class:`RegistrationConflict`; the
    access policy anchors a participant (and their enrolments and observations) to the owning
    unit and to every unit it is shared with.
    """

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="shares", verbose_name=_("deltagare")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="shared_participants", verbose_name=_("enhet")
    )
    conflict = models.ForeignKey(
        RegistrationConflict,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registreringskonflikt"),
    )
    created_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("beslutad av"),
    )
    created_at = models.DateTimeField(_("beslutad"), auto_now_add=True)

    class Meta:
        verbose_name = _("delat deltagande")
        verbose_name_plural = _("delade deltaganden")
        constraints = [
            models.UniqueConstraint(fields=["participant", "unit"], name="participant_share_unique")
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} ↔ {self.unit_id}"


# Change history for edits made through the forms and the API. Bulk imports write without
# signals and are recorded as an ImportRun and in the access log instead. The identity columns
# and the names are left out: the history must not become a second copy of them.
from auditlog.registry import auditlog  # noqa: E402

auditlog.register(Intervention)
auditlog.register(StatusCategory)
auditlog.register(
    Participant,
    exclude_fields=[
        "identity_encrypted",
        "identity_hash",
        "given_name",
        "family_name",
        "updated_at",
        "last_activity_at",
    ],
)
auditlog.register(Enrolment, exclude_fields=["updated_at"])
auditlog.register(OutcomeObservation)
