import datetime as dt

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
    """Log review (*loggkontroll*): by participant, user, object, action and time."""

    participant = forms.IntegerField(
        label=_("Deltagare (id)"),
        required=False,
        min_value=1,
        max_value=2**62,
        help_text=_("Även deltagarens inskrivningar och uppföljningar."),
    )
    username = forms.CharField(label=_("Användare"), required=False, max_length=150)
    action = forms.CharField(label=_("Åtgärd"), required=False, max_length=40)
    subject_type = forms.CharField(
        label=_("Objekttyp"),
        required=False,
        max_length=60,
        help_text=_("Till exempel register.participant"),
    )
    subject_id = forms.CharField(label=_("Objekt-id"), required=False, max_length=40)
    date_from = forms.DateTimeField(
        label=_("Från och med"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )
    date_to = forms.DateTimeField(
        label=_("Till och med"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end:
            # A bare date as the end means the whole of that day (as the selector reads it).
            whole_day = end.time() == dt.time()
            if (end.date() < start.date()) if whole_day else (end < start):
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


class TokenForm(forms.Form):
    """The second factor: a six-digit code from the app, or a recovery code."""

    token = forms.CharField(
        label=_("Kod"),
        max_length=32,
        help_text=_("Sex siffror från autentiseringsappen, eller en av dina reservkoder."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text"}),
    )


class ConfirmDeviceForm(forms.Form):
    token = forms.CharField(
        label=_("Kod från appen"),
        max_length=8,
        help_text=_("Sex siffror."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
