from django import forms
from django.utils.translation import gettext_lazy as _

from etablera.web.forms import DateInput

from .models import Body, BodyKind, Municipality, Unit


class MunicipalityForm(forms.ModelForm):
    comparison_group_text = forms.CharField(
        label=_("Jämförelsegrupp"),
        required=False,
        help_text=_("Kommunkoder åtskilda med kommatecken, till exempel 1488, 1490."),
    )

    class Meta:
        model = Municipality
        fields = ["name", "code", "comparison_group_name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comparison_group_text"].initial = ", ".join(self.instance.comparison_group)

    def clean_comparison_group_text(self) -> list[str]:
        raw = self.cleaned_data["comparison_group_text"]
        codes = [c.strip() for c in raw.replace(";", ",").split(",") if c.strip()]
        bad = [c for c in codes if not (len(c) == 4 and c.isdigit())]
        if bad:
            raise forms.ValidationError(
                _("Ogiltiga kommunkoder: %(codes)s. En kommunkod är fyra siffror."),
                params={"codes": ", ".join(bad)},
            )
        return codes

    def save(self, commit: bool = True):
        self.instance.comparison_group = self.cleaned_data["comparison_group_text"]
        return super().save(commit)


class BodyForm(forms.ModelForm):
    class Meta:
        model = Body
        fields = ["kind", "name", "short_name", "description", "active_from", "active_to"]
        widgets = {"active_from": DateInput(), "active_to": DateInput()}


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["kind", "name", "parent"]

    def __init__(self, *args, body: Body, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.body = body
        parents = body.units.all()
        if self.instance.pk:
            parents = parents.exclude(path__startswith=self.instance.path)
        self.fields["parent"].queryset = parents
        self.fields["parent"].required = False


class BodyFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Typ"), required=False, choices=[("", _("Alla typer")), *BodyKind.choices]
    )
