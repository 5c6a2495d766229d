from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "Fel användarnamn eller lösenord. Efter flera misslyckade försök spärras kontot "
            "en stund."
        ),
        "inactive": _("Kontot är inaktiverat. Kontakta systemadministratören."),
    }


class AccessLogFilterForm(forms.Form):
    username = forms.CharField(label=_("Användare"), required=False)
    action = forms.CharField(label=_("Åtgärd"), required=False)
    subject_id = forms.CharField(label=_("Objekt-id"), required=False)
    date_from = forms.DateField(
        label=_("Från och med"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Till och med"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("Slutdatum kan inte ligga före startdatum."))
        return data


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Vad nyckeln ska användas till"),
        max_length=100,
        help_text=_("Till exempel namnet på systemet som hämtar uppgifterna."),
    )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Skriv vad nyckeln ska användas till."))
        return name
