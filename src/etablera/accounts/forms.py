import datetime as dt

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from etablera.organisation.models import Body, Unit

from .models import RoleAssignment, User
from .roles import Role


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


# --- user administration ---------------------------------------------------------------------


class UserFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Sök"),
        required=False,
        max_length=150,
        help_text=_("Användarnamn, namn eller e-post."),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("Aktiva och inaktiva")),
            ("active", _("Aktiva")),
            ("inactive", _("Inaktiva")),
        ],
    )
    role = forms.ChoiceField(label=_("Roll"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", _("Alla roller")), *Role.choices]

    def filters(self) -> dict:
        """The selector's keyword arguments; an invalid value is ignored, not an error page."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {
            "q": (data.get("q") or "").strip(),
            "status": data.get("status") or "",
            "role": data.get("role") or "",
        }


class ConfirmForm(forms.Form):
    """A button's POST: nothing to fill in, but errors from the service have a place."""


class UserCreateForm(forms.ModelForm):
    """A new account; its roles are granted on its page afterwards, one by one."""

    password = forms.CharField(
        label=_("Första lösenord"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Lämna tomt om användaren loggar in via kommunens inloggningstjänst."),
    )
    password_again = forms.CharField(
        label=_("Upprepa lösenordet"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "title"]

    def clean(self):
        data = super().clean()
        if (data.get("password") or "") != (data.get("password_again") or ""):
            self.add_error("password_again", _("Lösenorden är inte lika."))
        return data


class RoleGrantForm(forms.ModelForm):
    """One role, scoped to a body, a unit (and the units under it) or the whole municipality."""

    class Meta:
        model = RoleAssignment
        fields = ["role", "body", "unit"]
        help_texts = {
            "body": _("Lämna organ och enhet tomma för att rollen ska gälla hela kommunen."),
            "unit": _("En enhet omfattar också enheterna under den. Välj organ eller enhet."),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.instance.user = user
        self.fields["body"].queryset = Body.objects.order_by("name")
        self.fields["unit"].queryset = Unit.objects.select_related("body").order_by(
            "body__name", "path"
        )
        self.fields["body"].empty_label = _("Hela kommunen")
        self.fields["unit"].empty_label = _("Ingen enhet")
        self.fields["unit"].label_from_instance = lambda u: f"{u.body.short_name}: {u.name}"
