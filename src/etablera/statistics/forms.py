"""The dashboard's choice of period and scope (a GET form: the page can be bookmarked)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from . import selectors
from .kpis import Scope


class KpiFilterForm(forms.Form):
    period = forms.CharField(
        label=_("Period"),
        max_length=40,
        help_text=_(
            "Ett år (2025 eller 2025H), delåret (2025D), ett tertial (2025T1) eller en "
            "kalendermånad (2025-03-01..2025-03-31)."
        ),
    )
    scope = forms.ChoiceField(label=_("Omfattning"), required=False)

    def __init__(self, *args, scopes: list[Scope], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.scopes = {s.key: s for s in scopes}
        self.fields["scope"].choices = [(s.key, s.label) for s in scopes]
        self.fields["period"].widget.attrs.update({"list": "period-suggestions", "size": 24})
        if len(scopes) < 2:
            self.fields["scope"].widget = forms.HiddenInput()

    def clean_period(self):
        return selectors.resolve(self.cleaned_data["period"])

    def clean_scope(self) -> Scope:
        key = self.cleaned_data.get("scope") or next(iter(self.scopes))
        return self.scopes[key]
