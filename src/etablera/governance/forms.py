from django import forms
from django.utils.translation import gettext_lazy as _

from .registry import Severity, rules


class FindingFilterForm(forms.Form):
    severity = forms.ChoiceField(
        label=_("Allvarlighet"),
        required=False,
        choices=[("", _("Alla")), *reversed(Severity.choices)],
    )
    code = forms.ChoiceField(label=_("Regel"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = [
            ("", _("Alla regler")),
            *((r.code, f"{r.code} {r.title}") for r in rules()),
        ]
