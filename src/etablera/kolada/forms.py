from django import forms
from django.utils.translation import gettext_lazy as _

from .services import KPI_ID


def parse_codes(raw: str) -> tuple[list[str], list[str]]:
    """Municipality codes from free text (commas, spaces or new lines); (good, bad)."""
    parts = [p for p in raw.replace(";", ",").replace("\n", ",").replace(" ", ",").split(",")]
    codes = [p.strip() for p in parts if p.strip()]
    bad = [c for c in codes if not (len(c) == 4 and c.isdigit())]
    return [c for c in dict.fromkeys(codes) if c not in bad], bad


class ComparisonGroupForm(forms.Form):
    name = forms.CharField(
        label=_("Namn på jämförelsegruppen"),
        max_length=150,
        required=False,
        help_text=_("Till exempel ”Liknande kommuner, arbetsmarknad”."),
    )
    codes = forms.CharField(
        label=_("Kommunkoder"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Fyrsiffriga kommunkoder åtskilda med kommatecken, till exempel 1488, 1490."),
    )

    def clean_codes(self) -> list[str]:
        codes, bad = parse_codes(self.cleaned_data["codes"])
        if bad:
            raise forms.ValidationError(
                _("Ogiltiga kommunkoder: %(codes)s. En kommunkod är fyra siffror."),
                params={"codes": ", ".join(bad)},
            )
        if len(codes) > 50:
            raise forms.ValidationError(_("Ange högst 50 kommuner."))
        return codes


class KpiAddForm(forms.Form):
    kpi = forms.CharField(
        label=_("Kolada-id"),
        max_length=12,
        help_text=_("Till exempel N00973. Titel och beskrivning hämtas från Kolada."),
    )

    def clean_kpi(self) -> str:
        value = self.cleaned_data["kpi"].strip().upper()
        if not KPI_ID.match(value):
            raise forms.ValidationError(
                _("Ett Kolada-id är en versal följd av siffror, till exempel N00973.")
            )
        return value
