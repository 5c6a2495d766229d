"""Forms of the register. Identity numbers are never put back into a re-rendered form's HTML
unless the user typed them in that very request (the search form posts, never gets)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from etablera.web.forms import DateInput

from .countries import CHOICES as COUNTRY_CHOICES
from .models import (
    Enrolment,
    FollowUpDay,
    IdentityKind,
    ImportKind,
    Intervention,
    InterventionCategory,
    OutcomeObservation,
    Participant,
    StatusCategory,
)


class ParticipantFilterForm(forms.Form):
    """The participant list's filters and order (GET: neither a number nor a name in it)."""

    SORTS = [
        ("registrerad", _("Senast registrerade")),
        ("namn", _("Namn")),
        ("aktivitet", _("Senaste aktivitet")),
    ]

    mina = forms.BooleanField(label=_("Bara mina deltagare"), required=False)
    aktiva = forms.BooleanField(label=_("Bara med pågående deltagande"), required=False)
    uppfoljning = forms.BooleanField(label=_("Bara med uppföljning att göra"), required=False)
    insats = forms.ModelChoiceField(
        label=_("Insats"),
        required=False,
        queryset=Intervention.objects.none(),
        empty_label=_("Alla insatser"),
    )
    status = forms.ModelChoiceField(
        label=_("Status vid avslut"),
        required=False,
        queryset=StatusCategory.objects.none(),
        empty_label=_("Alla"),
        help_text=_("Deltagare som har avslutat en insats med den här statusen."),
    )
    ordning = forms.ChoiceField(label=_("Ordning"), required=False, choices=SORTS)

    def __init__(self, *args, interventions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if interventions is not None:
            self.fields["insats"].queryset = interventions
        self.fields["status"].queryset = StatusCategory.objects.all()


class NameSearchForm(forms.Form):
    """Search by name, posted like the search by number: a name in a URL would stay in the
    web server's log, the browser's history and the next site's referrer. The term is kept in
    the session while the list is paged and filtered."""

    namn = forms.CharField(
        label=_("Sök på namn"),
        required=False,
        max_length=100,
        help_text=_("Förnamn, efternamn eller delar av dem. Träffarna visas i namnordning."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class SearchForm(forms.Form):
    query = forms.CharField(
        label=_("Personnummer, samordningsnummer eller reservnummer"),
        max_length=40,
        help_text=_("Exakt sökning, till exempel 19900101-1234 eller R2025-00012."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class InterventionFilterForm(forms.Form):
    category = forms.ChoiceField(
        label=_("Kategori"),
        required=False,
        choices=[("", _("Alla kategorier")), *InterventionCategory.choices],
    )
    q = forms.CharField(label=_("Sök på namn eller kod"), required=False, max_length=100)


class InterventionForm(forms.ModelForm):
    class Meta:
        model = Intervention
        fields = [
            "name",
            "code",
            "category",
            "description",
            "provider_unit",
            "commissioning_mandate",
            "funding",
            "capacity",
            "cost_per_participant_month",
            "start",
            "end",
        ]
        widgets = {
            "start": DateInput(),
            "end": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, units=None, mandates=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["provider_unit"].queryset = units
        if mandates is not None:
            self.fields["commissioning_mandate"].queryset = mandates
        self.fields["provider_unit"].label_from_instance = lambda u: (
            f"{u.body.short_name}: {u.name}"
        )


def _country_choices():
    return [("", _("Okänt eller ej angivet")), *COUNTRY_CHOICES]


#: What a coach records about a participant besides the identity (registered and changed alike).
PARTICIPANT_FACTS = [
    "given_name",
    "family_name",
    "gender",
    "birth_year",
    "country_of_birth",
    "received_on",
    "education_level",
    "in_establishment_programme",
    "referred_by",
    "consent_to_follow_up",
]


class ParticipantForm(forms.ModelForm):
    """Registering a participant: the identity fields are not model fields (the number is
    encrypted and hashed by the service)."""

    identity_kind = forms.ChoiceField(
        label=_("Identitet"),
        # "Gallrad" is what retention makes of a participant, never a choice at registration.
        choices=[c for c in IdentityKind.choices if c[0] != IdentityKind.REMOVED],
        widget=forms.RadioSelect,
        initial=IdentityKind.PERSONNUMMER,
    )
    identity_number = forms.CharField(
        label=_("Personnummer eller samordningsnummer"),
        required=False,
        max_length=20,
        help_text=_("ÅÅÅÅMMDD-NNNN. Okänd månad eller dag skrivs 00 respektive 60."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    reserve_number = forms.CharField(
        label=_("Reservnummer"),
        required=False,
        max_length=40,
        help_text=_("Lämna tomt för att få ett nytt reservnummer."),
    )

    class Meta:
        model = Participant
        fields = [*PARTICIPANT_FACTS, "owning_unit"]
        widgets = {"received_on": DateInput()}
        help_texts = {
            "birth_year": _("Fylls i från identitetsnumret när det finns."),
            "gender": _("Fylls i från identitetsnumret om inget annat anges."),
        }

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country_of_birth"] = forms.ChoiceField(
            label=_("Födelseland"), choices=_country_choices(), required=False
        )
        if units is not None:
            self.fields["owning_unit"].queryset = units
            # The coach's own unit comes first (shortest path): the usual owner.
            self.fields["owning_unit"].initial = units.first()
        self.fields["birth_year"].required = False
        self.order_fields(["identity_kind", "identity_number", "reserve_number"])

    def clean(self):
        data = super().clean()
        kind = data.get("identity_kind")
        numbered = kind in (IdentityKind.PERSONNUMMER, IdentityKind.SAMORDNINGSNUMMER)
        if numbered and not data.get("identity_number"):
            self.add_error("identity_number", _("Ange numret."))
        return data


class ParticipantEditForm(forms.ModelForm):
    class Meta:
        model = Participant
        fields = [
            "given_name",
            "family_name",
            "responsible_coach",
            *PARTICIPANT_FACTS[2:],
        ]
        widgets = {"received_on": DateInput()}

    def __init__(self, *args, coaches=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country_of_birth"] = forms.ChoiceField(
            label=_("Födelseland"), choices=_country_choices(), required=False
        )
        coach = self.fields["responsible_coach"]
        coach.queryset = coaches if coaches is not None else coach.queryset.none()
        coach.empty_label = _("Ingen ansvarig coach")
        coach.label_from_instance = lambda u: u.get_full_name() or u.get_username()


def _active_statuses():
    return StatusCategory.objects.active()


class EnrolmentForm(forms.ModelForm):
    class Meta:
        model = Enrolment
        fields = [
            "intervention",
            "start",
            "planned_end",
            "status_at_start",
            "livelihood_at_start",
            "hours_per_week",
        ]
        widgets = {"start": DateInput(), "planned_end": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status_at_start"].queryset = _active_statuses()
        self.fields["intervention"].queryset = Intervention.objects.order_by("name")


class EndEnrolmentForm(forms.Form):
    end = forms.DateField(label=_("Slutdatum"), widget=DateInput())
    exit_status = forms.ModelChoiceField(
        label=_("Status vid avslut"),
        queryset=StatusCategory.objects.none(),
        help_text=_(
            "Arbete och subventionerat arbete räknas bara på den reguljära arbetsmarknaden och "
            "om det varar minst en månad. SFI enbart räknas inte som studier."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["exit_status"].queryset = _active_statuses()


class ObservationForm(forms.ModelForm):
    class Meta:
        model = OutcomeObservation
        fields = ["days_after_exit", "observed_on", "status"]
        widgets = {"observed_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].queryset = _active_statuses()
        self.fields["days_after_exit"] = forms.TypedChoiceField(
            label=_("Tidpunkt"), choices=FollowUpDay.choices, coerce=int
        )


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Vad filen innehåller"), choices=ImportKind.choices)
    file = forms.FileField(
        label=_("Fil (CSV eller Excel)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx"}),
    )
    unit = forms.ModelChoiceField(
        label=_("Ansvarig enhet för nya deltagare"),
        queryset=None,
        help_text=_("Används för rader utan kolumnen Enhet."),
    )
    dry_run = forms.BooleanField(
        label=_("Provkör bara: kontrollera filen utan att spara något"), required=False
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "Högst %(mb)s MB. Vilka kolumner som läses står under formuläret."
        ) % {"mb": settings.ETABLERA_MAX_UPLOAD_MB}
        self.fields["unit"].queryset = units
        if units is not None:
            self.fields["unit"].initial = units.first()
