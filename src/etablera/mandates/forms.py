"""Forms for mandates, decisions and policy areas, and the register's and matrix's filters."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from etablera.organisation.models import Body, BodyKind, Unit
from etablera.web.forms import DateInput

from . import selectors
from .models import (
    COMMISSIONER_KINDS,
    Decision,
    Level,
    Mandate,
    MandateStatus,
    Origin,
    PolicyArea,
)

_PERFORMER_VALUE = re.compile(r"^(body|unit):(\d+)$")


class PerformerField(forms.ChoiceField):
    """One choice for "who performs": a body or one of its units (``body:3``, ``unit:7``).

    The value is checked for form only; whether the body or unit belongs to the municipality is
    the model's rule, so a tampered form gets the same clear message as the API.
    """

    def valid_value(self, value: Any) -> bool:
        return bool(_PERFORMER_VALUE.match(str(value)))

    def to_instance(self, value: str) -> Body | Unit | None:
        match = _PERFORMER_VALUE.match(value or "")
        if not match:
            return None
        model = Body if match.group(1) == "body" else Unit
        return model.objects.filter(pk=int(match.group(2))).first()


class MandateForm(forms.ModelForm):
    performer = PerformerField(
        label=_("Utförare"),
        help_text=_("Det organ eller den enhet som utför uppdraget."),
    )

    #: Model errors about the two performer fields are shown at the one performer choice.
    ERROR_FIELDS = {"performer_body": "performer", "performer_unit": "performer"}

    class Meta:
        model = Mandate
        fields = [
            "title",
            "description",
            "policy_area",
            "owner",
            "performer",
            "level",
            "origin",
            "commissioned_by",
            "decision",
            "follow_up_body",
            "follow_up_role",
            "report_frequency",
            "start",
            "end",
            "status",
        ]
        widgets = {
            "level": forms.RadioSelect,
            "origin": forms.RadioSelect,
            "start": DateInput(),
            "end": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "owner": _("Det organ som äger och ansvarar för uppdraget."),
            "commissioned_by": _(
                "Följer av ursprunget för uppdrag från KS eller KF. Välj den externa parten "
                "för ett avtal."
            ),
            "decision": _(
                "Beslutet som ger uppdraget. Är beslutet inte känt ännu kan uppdraget sparas "
                "ändå – det flaggas då tills beslutet är registrerat."
            ),
            "follow_up_body": _(
                "Det organ som följer upp uppdraget. Saknas det flaggas uppdraget."
            ),
        }

    field_order = Meta.fields

    def __init__(self, *args, fill_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        bodies = selectors.municipality_bodies()
        own_bodies = bodies.exclude(kind=BodyKind.EXTERNAL_PARTNER)
        self.fields["owner"].queryset = own_bodies
        self.fields["commissioned_by"].queryset = bodies
        self.fields["follow_up_body"].queryset = own_bodies
        self.fields["decision"].queryset = selectors.decision_choices_queryset()
        self.fields["decision"].label_from_instance = lambda d: f"{d.reference} – {d.title}"
        self.fields["policy_area"].queryset = PolicyArea.objects.filter(is_active=True) | (
            PolicyArea.objects.filter(pk=self.instance.policy_area_id)
        )
        self.fields["performer"].choices = selectors.performer_choices()
        self.fields["level"].choices = Level.choices
        self.fields["origin"].choices = Origin.choices
        if fill_url:
            # As the origin is chosen, the commissioner it names is filled in (htmx).
            self.fields["origin"].widget.attrs.update(
                {
                    "hx-post": fill_url,
                    "hx-trigger": "change",
                    "hx-include": "closest form",
                    "hx-vals": '{"fill": "1"}',
                    "hx-swap": "none",
                }
            )
        instance = self.instance
        if instance.performer_unit_id:
            self.initial.setdefault("performer", f"unit:{instance.performer_unit_id}")
        elif instance.performer_body_id:
            self.initial.setdefault("performer", f"body:{instance.performer_body_id}")

    #: The body an origin names: a mandate from the executive board or the council needs no
    #: commissioner picked separately.
    ORIGIN_BODY_KIND: dict[str, str] = {
        Origin.COMMISSIONED_KS: BodyKind.EXECUTIVE_BOARD,
        Origin.COMMISSIONED_KF: BodyKind.COUNCIL,
    }

    def named_commissioner(self, origin: str) -> Body | None:
        """The one body an origin from the executive board or the council names, if any."""
        kind = self.ORIGIN_BODY_KIND.get(origin)
        if kind is None:
            return None
        named = list(self.fields["commissioned_by"].queryset.filter(kind=kind)[:2])
        return named[0] if len(named) == 1 else None

    def commissioner_for(self, origin: str, chosen: Body | None) -> Body | None:
        """The commissioner that goes with ``origin``: the body it names, none for an ordinary
        mandate, and for an agreement the chosen body if it is a party one may agree with."""
        named = self.named_commissioner(origin)
        if named is not None:
            return named
        if origin == Origin.ORDINARY:
            return None
        kinds = COMMISSIONER_KINDS.get(origin, ())
        return chosen if chosen is not None and chosen.kind in kinds else None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("commissioned_by"):
            named = self.named_commissioner(str(cleaned.get("origin") or ""))
            if named is not None:
                cleaned["commissioned_by"] = named
                self.errors.pop("commissioned_by", None)
        return cleaned

    def clean_performer(self) -> str:
        value = self.cleaned_data["performer"]
        performer = self.fields["performer"].to_instance(value)
        if performer is None:
            raise ValidationError(_("Välj en utförare i listan."), code="invalid_choice")
        self.instance.performer_body = performer if isinstance(performer, Body) else None
        self.instance.performer_unit = performer if isinstance(performer, Unit) else None
        return value

    def add_error(self, field, error) -> None:
        # The model checks the performer again; a field that already has an error keeps that
        # one message rather than two saying the same.
        if field in self.ERROR_FIELDS:
            field = self.ERROR_FIELDS[field]
        elif field is None and hasattr(error, "error_dict"):
            merged: dict[str, list] = {}
            for name, errors in error.error_dict.items():
                target = self.ERROR_FIELDS.get(name, name)
                if target in self.fields and target in self.errors:
                    continue
                merged.setdefault(target, []).extend(errors)
            if not merged:
                return
            error = ValidationError(merged)
        super().add_error(field, error)


class DecisionForm(forms.ModelForm):
    url = forms.URLField(
        label=_("Länk"),
        required=False,
        assume_scheme="https",
        help_text=_("Länk till protokollet eller beslutet i diariet, om det finns."),
    )

    class Meta:
        model = Decision
        fields = ["body", "date", "section", "case_number", "title", "url"]
        widgets = {"date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = selectors.municipality_bodies()


class PolicyAreaForm(forms.ModelForm):
    class Meta:
        model = PolicyArea
        fields = ["name", "code", "description", "order", "is_active"]
        help_texts = {
            "code": _("Kort kod utan mellanslag. Lämnas tom för att bildas av namnet."),
            "order": _("Lägre tal visas först i listor och i ansvarsmatrisen."),
            "is_active": _("Ett område som inte är aktivt kan inte väljas för nya uppdrag."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].required = False


# --- filters ---------------------------------------------------------------------------------

GAP_CHOICES = [
    ("", _("Alla")),
    (selectors.GAP_ANY, _("Någon brist")),
    (selectors.GAP_DECISION, _("Beställt uppdrag utan beslut")),
    (selectors.GAP_FOLLOW_UP, _("Ingen uppföljningsansvarig")),
]
ORIGIN_FILTER_CHOICES = [
    ("", _("Alla ursprung")),
    (selectors.ORIGIN_COMMISSIONED, _("Alla beställda uppdrag")),
    *Origin.choices,
]


class MandateFilterForm(forms.Form):
    q = forms.CharField(label=_("Sök"), required=False, max_length=200)
    owner = forms.ModelChoiceField(
        label=_("Ägare"), required=False, queryset=Body.objects.none(), empty_label=_("Alla")
    )
    performer = forms.ModelChoiceField(
        label=_("Utförare"),
        required=False,
        queryset=Body.objects.none(),
        empty_label=_("Alla"),
        help_text=_("Organet eller någon av dess enheter."),
    )
    policy_area = forms.ModelChoiceField(
        label=_("Politikområde"),
        required=False,
        queryset=PolicyArea.objects.none(),
        empty_label=_("Alla"),
    )
    level = forms.ChoiceField(
        label=_("Nivå"), required=False, choices=[("", _("Alla nivåer")), *Level.choices]
    )
    origin = forms.ChoiceField(label=_("Ursprung"), required=False, choices=ORIGIN_FILTER_CHOICES)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Alla statusar")), *MandateStatus.choices],
    )
    gap = forms.ChoiceField(label=_("Brister"), required=False, choices=GAP_CHOICES)
    sort = forms.ChoiceField(
        required=False,
        widget=forms.HiddenInput,
        choices=[(k, k) for key in selectors.SORTS for k in (key, f"-{key}")],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bodies = selectors.municipality_bodies()
        self.fields["owner"].queryset = bodies.exclude(kind=BodyKind.EXTERNAL_PARTNER)
        self.fields["performer"].queryset = bodies
        self.fields["policy_area"].queryset = PolicyArea.objects.order_by("order", "name")

    def filters(self) -> dict[str, Any]:
        """The selector's keyword arguments; invalid values are ignored, not an error page."""
        data: dict[str, Any] = {}
        if self.is_bound:
            self.is_valid()
            data = self.cleaned_data  # holds the valid fields only
        return {
            "q": data.get("q") or "",
            "owner": data.get("owner"),
            "performer": data.get("performer"),
            "policy_area": data.get("policy_area"),
            "level": data.get("level") or "",
            "origin": data.get("origin") or "",
            "status": data.get("status") or "",
            "gap": data.get("gap") or "",
            "sort": data.get("sort") or selectors.DEFAULT_SORT,
        }


class MatrixFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Alla statusar")), *MandateStatus.choices],
    )
    level = forms.ChoiceField(
        label=_("Nivå"), required=False, choices=[("", _("Alla nivåer")), *Level.choices]
    )
    origin = forms.ChoiceField(label=_("Ursprung"), required=False, choices=ORIGIN_FILTER_CHOICES)
    all_bodies = forms.BooleanField(label=_("Visa även organ utan uppdrag"), required=False)

    def __init__(self, data=None, *args, **kwargs):
        if data is not None:
            data = data.copy()
            # The matrix answers "who does what now": active mandates unless asked otherwise.
            data.setdefault("status", MandateStatus.ACTIVE)
        super().__init__(data, *args, **kwargs)

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "status": data.get("status", MandateStatus.ACTIVE),
            "level": data.get("level") or "",
            "origin": data.get("origin") or "",
            "all_bodies": bool(data.get("all_bodies")),
        }
