"""Forms for goals, indicators, targets and values; the services validate again."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from etablera.goals.periods import InvalidPeriod, resolve_period
from etablera.mandates.models import Mandate, PolicyArea
from etablera.organisation.models import Body
from etablera.web.forms import DateInput

from .models import Gender, Goal, GoalLevel, Indicator, IndicatorValue, Target
from .sources import clean_source_key, source_key_choices


class GoalFilterForm(forms.Form):
    level = forms.ChoiceField(
        label=_("Nivå"), required=False, choices=[("", _("Alla nivåer")), *GoalLevel.choices]
    )
    policy_area = forms.ModelChoiceField(
        label=_("Politikområde"),
        required=False,
        queryset=PolicyArea.objects.all(),
        empty_label=_("Alla politikområden"),
    )
    owner = forms.ModelChoiceField(
        label=_("Ägare"), required=False, queryset=Body.objects.all(), empty_label=_("Alla organ")
    )


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = [
            "title",
            "description",
            "level",
            "parent",
            "owner",
            "policy_area",
            "valid_from",
            "valid_to",
            "mandates",
        ]
        widgets = {"valid_from": DateInput(), "valid_to": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Goal.objects.exclude(
            pk=self.instance.pk if self.instance.pk else None
        ).order_by("level", "title")
        self.fields["owner"].queryset = Body.objects.municipal()
        self.fields["owner"].help_text = _(
            "Lämna tomt om målet saknar ägare; det flaggas då i styrningskontrollen."
        )
        self.fields["mandates"].queryset = Mandate.objects.order_by("title")
        self.fields["mandates"].required = False
        self.fields["mandates"].widget.attrs["size"] = 8


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = [
            "name",
            "definition",
            "unit",
            "direction",
            "source",
            "source_key",
            "gender_breakdown",
            "goals",
            "is_active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goals"].queryset = Goal.objects.order_by("title")
        self.fields["goals"].required = False
        self.fields["goals"].widget.attrs["size"] = 8
        # Offers the Kolada catalogue (id and title) while typing a source key.
        self.fields["source_key"].widget.attrs["list"] = "kolada-kpis"

    def kolada_choices(self) -> list[tuple[str, str]]:
        return source_key_choices("kolada")

    def clean(self):
        cleaned = super().clean()
        key = (cleaned.get("source_key") or "").strip()
        source = cleaned.get("source")
        if source and key:
            try:
                key = clean_source_key(source, key)
            except ValidationError as error:
                self.add_error("source_key", error)
            else:
                cleaned["source_key"] = key
                self.instance.source_key = key
        return cleaned


class TargetForm(forms.ModelForm):
    value = forms.DecimalField(label=_("Målvärde"), max_digits=14, decimal_places=2, localize=True)

    class Meta:
        model = Target
        fields = ["year", "gender", "value", "comment"]

    def __init__(self, *args, indicator: Indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.indicator = indicator
        if not indicator.gender_breakdown:
            self.fields["gender"].choices = [(Gender.TOTAL, Gender.TOTAL.label)]


class ValueForm(forms.ModelForm):
    """A value typed in for a period code, a year or a date range."""

    period = forms.CharField(
        label=_("Period"),
        max_length=40,
        help_text=_(
            "En periodkod (2025T1, 2025D, 2025H), ett år (2025) eller ett datumintervall "
            "(2025-01-01..2025-06-30)."
        ),
    )
    value = forms.DecimalField(
        label=_("Värde"), required=False, max_digits=14, decimal_places=2, localize=True
    )

    class Meta:
        model = IndicatorValue
        fields = ["gender", "value", "suppressed", "comment"]

    def __init__(self, *args, indicator: Indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.indicator = indicator
        self.indicator = indicator
        self.fields["value"].help_text = _("Enhet: %(unit)s. Decimaler skrivs med komma.") % {
            "unit": indicator.get_unit_display()
        }
        if not indicator.gender_breakdown:
            self.fields["gender"].choices = [(Gender.TOTAL, Gender.TOTAL.label)]
        if self.instance.pk:
            self.fields[
                "period"
            ].initial = f"{self.instance.start:%Y-%m-%d}..{self.instance.end:%Y-%m-%d}"
        self.order_fields(["period", "gender", "value", "suppressed", "comment"])

    def clean_period(self):
        try:
            resolved = resolve_period(self.cleaned_data["period"])
        except InvalidPeriod as exc:
            raise ValidationError(exc.messages) from exc
        self.instance.start = resolved.start
        self.instance.end = resolved.end
        return self.cleaned_data["period"]

    def clean(self):
        data = super().clean()
        missing = data.get("value") is None and not data.get("suppressed")
        if missing and "value" not in self.errors:
            self.add_error("value", _("Ange ett värde, eller markera uppgiften som dold."))
        return data
